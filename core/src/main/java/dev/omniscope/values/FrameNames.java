package dev.omniscope.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.Dw;

/**
 * What a name means in a frame, for the expression evaluator: C++ lookup from the frame's
 * function outward, namespace aliases, types by name, the frame's variables innermost scope first,
 * enumerators, template arguments of the method's classes, and registers ({@code $pc}).
 */
final class FrameNames {
    private final Session session;
    private final Types types;

    FrameNames(Session session) {
        this.session = session;
        this.types = session.types;
    }

    /**
     * C++ name lookup from the frame's function outward: in {@code geo::Rect::area}, {@code Base}
     * is looked for as {@code geo::Rect::Base}, {@code geo::Base}, then {@code Base}. C: the name.
     */
    List<String> scoped(String name) {
        List<DebugScope> scopes = session.ctx.scopes();
        if (!session.cxx() || scopes.isEmpty() || name.startsWith("::")) return List.of(name.startsWith("::") ? name.substring(2) : name);
        String function = scopes.get(0).qualifiedName();
        int paren = function.indexOf('(');
        if (paren >= 0) function = function.substring(0, paren);
        List<String> out = new ArrayList<>();
        for (int cut = GdbFormat.lastScope(function); cut > 0; cut = GdbFormat.lastScope(function.substring(0, cut))) {
            out.add(function.substring(0, cut) + "::" + name);
        }
        out.add(name);
        return out;
    }

    /**
     * A non-type template parameter of the classes the frame's function is a member of, innermost
     * class first ({@code N} in {@code Table<int, double, 3>::lookup} is 3), as gdb's
     * cp_lookup_symbol_imports_or_template finds it while looking up locals; null when none.
     */
    Value templateArgument(String name) {
        List<DebugScope> scopes = session.ctx.scopes();
        if (!session.cxx() || scopes.isEmpty()) return null;
        String function = scopes.get(0).qualifiedName();
        int paren = function.indexOf('(');
        if (paren >= 0) function = function.substring(0, paren);
        for (int cut = GdbFormat.lastScope(function); cut > 0; cut = GdbFormat.lastScope(function.substring(0, cut))) {
            Optional<DebugType> owner = session.ctx.debugInfo().typeNamed(function.substring(0, cut));
            if (owner.isEmpty()) continue;
            for (DebugType.TemplateParameter p : owner.get().templateParameters()) {
                if (p.name() != null && p.name().equals(name) && p.value() != null) {
                    return Value.ofLong(types, types.get(p.type()), p.value(), session.ctx);
                }
            }
        }
        return null;
    }

    /**
     * A name whose leading namespaces are a namespace alias ({@code namespace oi = outer::inner;})
     * with the namespace the alias names: {@code oi::counter} is {@code outer::inner::counter}.
     */
    String unalias(String name) {
        if (!session.cxx() || !name.contains("::")) return name;
        java.util.Map<String, String> aliases = session.ctx.debugInfo().namespaceAliases();
        if (aliases.isEmpty()) return name;
        String n = name.startsWith("::") ? name.substring(2) : name;
        for (int i = 0; i < 8; i++) { // an alias of an alias
            String replaced = null;
            for (int cut = GdbFormat.lastScope(n); cut > 0; cut = GdbFormat.lastScope(n.substring(0, cut))) {
                String target = aliases.get(n.substring(0, cut));
                if (target != null) {
                    replaced = target + n.substring(cut);
                    break;
                }
            }
            if (replaced == null) break;
            n = replaced;
        }
        return n.equals(name.startsWith("::") ? name.substring(2) : name) ? name : n;
    }

    /** A type by name, looked up as {@link #scoped} says. */
    Optional<DebugType> typeNamed(String name) {
        for (String candidate : scoped(name)) {
            candidate = unalias(candidate);
            Optional<DebugType> t = session.ctx.debugInfo().typeNamed(candidate);
            if (t.isPresent()) return t;
        }
        return Optional.empty();
    }

    /** A local or parameter visible in the frame, innermost scope first. */
    DebugVariable findVariable(String name) {
        List<DebugScope> scopes = session.ctx.scopes();
        for (int i = scopes.size() - 1; i >= 0; i--) {
            for (DebugVariable v : scopes.get(i).variables()) {
                if (v.name().equals(name)) return v;
            }
        }
        return null;
    }

    /** An enumerator of an enum type reachable from the frame's variables ("TOOL", "geo::Color::Red"). */
    Value enumerator(String name) {
        int cut = GdbFormat.lastScope(name);
        if (cut > 0) {
            Optional<DebugType> owner = typeNamed(name.substring(0, cut));
            if (owner.isPresent() && owner.get().tag() == Dw.TAG_ENUMERATION_TYPE) {
                for (DebugType.Enumerator e : owner.get().enumerators()) {
                    if (e.name().equals(name.substring(cut + 2))) return Value.ofLong(types, owner.get(), e.value(), session.ctx);
                }
            }
        }
        List<DebugType> seen = new ArrayList<>();
        for (DebugScope s : session.ctx.scopes()) {
            for (DebugVariable v : s.variables()) {
                Value found = searchEnums(types.get(v.type()), name, seen, 0);
                if (found != null) return found;
            }
        }
        return null;
    }

    private Value searchEnums(DebugType t, String name, List<DebugType> seen, int depth) {
        if (t == null || depth > 4 || seen.stream().anyMatch(x -> x.offset() == t.offset())) return null;
        seen.add(t);
        if (t.tag() == Dw.TAG_ENUMERATION_TYPE) {
            for (DebugType.Enumerator e : t.enumerators()) {
                String q = t.qualifiedName().isEmpty() || !Dw.isCxx(t.language()) ? e.name()
                        : (t.enumClass() ? t.qualifiedName() : scopeOf(t.qualifiedName())) + "::" + e.name();
                if (e.name().equals(name) && !t.enumClass() || q.equals(name) || q.equals("::" + name)) {
                    return Value.ofLong(types, t, e.value(), session.ctx);
                }
            }
            return null;
        }
        Value r = searchEnums(types.get(t.target()), name, seen, depth + 1);
        if (r != null) return r;
        for (DebugType.Member m : t.members()) {
            r = searchEnums(types.get(m.type()), name, seen, depth + 1);
            if (r != null) return r;
        }
        return null;
    }

    private static String scopeOf(String q) {
        int cut = GdbFormat.lastScope(q);
        return cut < 0 ? "" : q.substring(0, cut);
    }

    Value register(Expr.Register r) throws ExpressionException {
        String n = r.name();
        int number = switch (n) {
            case "pc", "rip" -> 16;
            case "sp", "rsp" -> 7;
            case "fp", "rbp" -> 6;
            case "rax" -> 0;
            case "rdx" -> 1;
            case "rcx" -> 2;
            case "rbx" -> 3;
            case "rsi" -> 4;
            case "rdi" -> 5;
            case "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" -> Integer.parseInt(n.substring(1));
            case "eflags" -> Dw.REG_RFLAGS;
            case "fs_base" -> Dw.REG_FS_BASE;
            case "gs_base" -> Dw.REG_GS_BASE;
            default -> -1;
        };
        if (number < 0) throw new ExpressionException("No register named $" + n + ".", r.pos());
        OptionalLong v = session.ctx.register(number);
        DebugType type;
        if (number == 16) {
            DebugType fn = new DebugType(-1000, Dw.TAG_SUBROUTINE_TYPE, "", "", -1, 0, 0, false, false, false, false, List.of(), List.of(),
                    List.of(), List.of(), List.of(), Dw.LANG_C99);
            type = pointerToSynthetic(fn);
        } else if (number == 7 || number == 6) {
            type = types.pointerTo(null);
        } else {
            type = types.base("long");
        }
        if (v.isEmpty()) return Value.optimizedOut(types, type);
        return Value.ofLong(types, type, v.getAsLong(), session.ctx);
    }

    /** A pointer to a type that lives only in this evaluation (the function type of $pc). */
    private DebugType pointerToSynthetic(DebugType fn) {
        return new SyntheticPointer(types, fn).pointer;
    }

    /** Registers a made-up type in the session's Types so that offsets resolve. */
    private static final class SyntheticPointer {
        final DebugType pointer;

        SyntheticPointer(Types types, DebugType fn) {
            types.register(fn);
            pointer = types.pointerTo(fn);
        }
    }

}
