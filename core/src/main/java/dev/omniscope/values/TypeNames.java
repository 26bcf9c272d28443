package dev.omniscope.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;

/**
 * Type names as gdb's {@code whatis} prints them: C declarator syntax around the innermost named
 * type ({@code int (*)(int, char **)}, {@code char [16]}, {@code int * const}, {@code const char *}),
 * {@code struct}/{@code union}/{@code enum} keywords in C but not in C++ (which uses qualified
 * names), base type names canonicalised as gdb does ({@code long}, {@code unsigned long},
 * {@code short}), {@code struct {...}} for anonymous aggregates.
 */
public final class TypeNames {
    private TypeNames() {}

    /** gdb's canonical spelling of gcc's base type names. */
    private static final Map<String, String> CANONICAL = Map.of(
            "long int", "long", "long unsigned int", "unsigned long", "short int", "short",
            "short unsigned int", "unsigned short", "long long int", "long long",
            "long long unsigned int", "unsigned long long", "char16_t", "char16_t");

    /** The name of the type at {@code offset} in {@code info} (0: void). */
    public static String name(DebugInfo info, long offset) {
        Types types = new Types(info, Dw.LANG_C99);
        DebugType t = types.get(offset);
        return name(new Types(info, t == null ? Dw.LANG_C99 : t.language()), t);
    }

    static String name(Types types, DebugType t) {
        return declare(types, t, "", 0);
    }

    /**
     * A function's or type's name as gdb spells it (cp_canonicalize_string): gcc's base type names
     * in template arguments canonicalised, {@code Table<char, short int, 2>::lookup} as
     * {@code Table<char, short, 2>::lookup}.
     */
    public static String canonicalName(String name) {
        return name == null ? null : canonical(name);
    }

    /** Canonicalises base type names, also inside template arguments ("vector<long unsigned int>"). */
    static String canonical(String name) {
        String c = CANONICAL.get(name);
        if (c != null) return c;
        if (name.indexOf('<') < 0) return name;
        return name.replace("long long unsigned int", "unsigned long long").replace("long unsigned int", "unsigned long")
                .replace("short unsigned int", "unsigned short").replace("long long int", "long long")
                .replace("long int", "long").replace("short int", "short");
    }

    private static String declare(Types types, DebugType t, String decl, int depth) {
        if (depth > 64) return "?";
        if (t == null) return join("void", decl);
        switch (t.tag()) {
            case Dw.TAG_POINTER_TYPE, Dw.TAG_REFERENCE_TYPE, Dw.TAG_RVALUE_REFERENCE_TYPE -> {
                String sigil = t.tag() == Dw.TAG_POINTER_TYPE ? "*" : t.tag() == Dw.TAG_REFERENCE_TYPE ? "&" : "&&";
                DebugType target = types.get(t.target());
                String inner = sigil + decl;
                if (target != null && (target.tag() == Dw.TAG_ARRAY_TYPE || target.tag() == Dw.TAG_SUBROUTINE_TYPE)) {
                    inner = "(" + inner + ")";
                }
                return declare(types, target, inner, depth + 1);
            }
            case Dw.TAG_CONST_TYPE, Dw.TAG_VOLATILE_TYPE, Dw.TAG_RESTRICT_TYPE, Dw.TAG_ATOMIC_TYPE -> {
                boolean isConst = false, isVolatile = false, isRestrict = false, isAtomic = false;
                DebugType x = t;
                for (int i = 0; x != null && i < 16; i++) {
                    int tag = x.tag();
                    if (tag == Dw.TAG_CONST_TYPE) isConst = true;
                    else if (tag == Dw.TAG_VOLATILE_TYPE) isVolatile = true;
                    else if (tag == Dw.TAG_RESTRICT_TYPE) isRestrict = true;
                    else if (tag == Dw.TAG_ATOMIC_TYPE) isAtomic = true;
                    else break;
                    x = types.get(x.target());
                }
                List<String> quals = new ArrayList<>();
                if (isConst) quals.add("const");
                if (isVolatile) quals.add("volatile");
                if (isRestrict) quals.add(types.cxx() ? "__restrict__" : "restrict");
                if (isAtomic) quals.add("_Atomic");
                String q = String.join(" ", quals);
                if (x != null && (x.tag() == Dw.TAG_POINTER_TYPE || x.tag() == Dw.TAG_REFERENCE_TYPE
                        || x.tag() == Dw.TAG_RVALUE_REFERENCE_TYPE)) {
                    return declare(types, x, " " + q + decl, depth + 1);
                }
                if (x != null && (x.tag() == Dw.TAG_ARRAY_TYPE || x.tag() == Dw.TAG_SUBROUTINE_TYPE)) {
                    return declare(types, x, decl, depth + 1);
                }
                return join(q + " " + baseName(types, x), decl);
            }
            case Dw.TAG_ARRAY_TYPE -> {
                StringBuilder dims = new StringBuilder();
                for (long d : t.dimensions()) dims.append('[').append(d >= 0 ? Long.toString(d) : "").append(']');
                if (t.dimensions().isEmpty()) dims.append("[]");
                String inner = decl.startsWith("*") || decl.startsWith("&") ? "(" + decl + ")" : decl;
                return declare(types, types.get(t.target()), inner + dims, depth + 1);
            }
            case Dw.TAG_SUBROUTINE_TYPE -> {
                String inner = decl.startsWith("*") || decl.startsWith("&") ? "(" + decl + ")" : decl;
                return declare(types, types.get(t.target()), inner + parameters(types, t, depth), depth + 1);
            }
            default -> {
                return join(baseName(types, t), decl);
            }
        }
    }

    private static String parameters(Types types, DebugType t, int depth) {
        List<String> ps = new ArrayList<>();
        for (long p : t.parameters()) ps.add(declare(types, types.get(p), "", depth + 1));
        if (t.varargs()) ps.add("...");
        if (ps.isEmpty()) return t.prototyped() || Dw.isCxx(t.language()) ? "(void)" : "()";
        return "(" + String.join(", ", ps) + ")";
    }

    private static String join(String base, String decl) {
        return decl.isEmpty() ? base : base + " " + decl;
    }

    /** The name of a type that is not a declarator: base, typedef, struct, union, class, enum. */
    static String baseName(Types types, DebugType t) {
        if (t == null) return "void";
        boolean cxx = Dw.isCxx(t.language());
        String name = cxx && !t.qualifiedName().isEmpty() ? t.qualifiedName() : t.name();
        name = canonical(name);
        String keyword = switch (t.tag()) {
            case Dw.TAG_STRUCTURE_TYPE, Dw.TAG_CLASS_TYPE -> "struct";
            case Dw.TAG_UNION_TYPE -> "union";
            case Dw.TAG_ENUMERATION_TYPE -> "enum";
            default -> null;
        };
        if (keyword != null) {
            if (t.name().isEmpty()) return (t.tag() == Dw.TAG_CLASS_TYPE ? "class" : keyword) + " {...}";
            return cxx ? name : keyword + " " + name;
        }
        if (t.tag() == Dw.TAG_UNSPECIFIED_TYPE && name.isEmpty()) return "void";
        if (t.tag() == Dw.TAG_PTR_TO_MEMBER_TYPE) return declare(types, types.get(t.target()), "::*", 1);
        return name;
    }
}
