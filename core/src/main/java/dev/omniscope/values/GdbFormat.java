package dev.omniscope.values;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * Values formatted as gdb 13 prints them with its default settings (print pretty off, elements
 * 200, repeats 10, symbol on, null-stop off, static-members on, max-depth 20, max-value-size
 * 65536): gdb's {@code c_value_print_inner} and {@code generic_val_print}, rule by rule. The
 * {@code print} command's {@code (type) } prefix is {@link #printPrefix}'s.
 */
final class GdbFormat {
    static final int MAX_VALUE_SIZE = 65536;
    private static final int MAX_DEPTH = 20;

    private final Session session;
    private final Set<Long> staticTypesInProgress = new HashSet<>();

    GdbFormat(Session session) {
        this.session = session;
    }

    /**
     * Fetches a value as gdb does before printing it: an lvalue in memory is read whole (up to
     * max-value-size). Returns the error message, or null when the value can be printed.
     */
    static String fetchError(Value v) {
        if (!v.hasContents() || v.address == null) return null;
        DebugType s = v.stripped();
        if (s != null && s.tag() == Dw.TAG_SUBROUTINE_TYPE) return null; // code is not read
        long size = v.size();
        if (size > MAX_VALUE_SIZE) return "value requires " + size + " bytes, which is more than max-value-size";
        if (size <= 0) return null;
        try {
            v.read(0, (int) size);
            return null;
        } catch (UnreadableMemory e) {
            return e.getMessage();
        }
    }

    /** The value as {@code info locals} and members show it (no type prefix). */
    String format(Value v) {
        StringBuilder out = new StringBuilder();
        append(out, v, 0);
        return out.toString();
    }

    /** The {@code (type) } that {@code print} puts before a pointer or reference, "" for other values and for char pointers. */
    static String printPrefix(Value v) {
        if (v.optimizedOut) return ""; // value_check_printable: `<optimized out>` alone, whatever the type
        DebugType s = v.stripped();
        if (!Types.isPointer(s) && !Types.isReference(s)) return "";
        DebugType declared = v.type;
        if (declared != null && declared.tag() == Dw.TAG_POINTER_TYPE) {
            DebugType target = v.types.get(declared.target());
            DebugType base = target;
            while (base != null && (base.tag() == Dw.TAG_CONST_TYPE || base.tag() == Dw.TAG_VOLATILE_TYPE)) base = v.types.get(base.target());
            if (base != null && base.tag() == Dw.TAG_BASE_TYPE && base.name().equals("char")) return "";
        }
        return "(" + TypeNames.name(v.types, v.type) + ") ";
    }

    void append(StringBuilder out, Value v, int depth) {
        if (v.optimizedOut) {
            out.append("<optimized out>");
            return;
        }
        if (v.synthetic) {
            out.append("<synthetic pointer>");
            return;
        }
        if (v.error != null) {
            out.append("<error: ").append(v.error).append('>');
            return;
        }
        DebugType s = v.stripped();
        if (s == null) {
            out.append("void");
            return;
        }
        try {
            switch (s.tag()) {
                case Dw.TAG_STRUCTURE_TYPE, Dw.TAG_CLASS_TYPE, Dw.TAG_UNION_TYPE -> aggregate(out, v, s, depth);
                case Dw.TAG_ARRAY_TYPE -> array(out, v, s, depth);
                case Dw.TAG_REFERENCE_TYPE, Dw.TAG_RVALUE_REFERENCE_TYPE -> reference(out, v, s, depth);
                default -> {
                    if (v.anyOptimizedOut(0, Math.max(1, v.size()))) {
                        out.append("<optimized out>");
                        return;
                    }
                    scalar(out, v, s);
                }
            }
        } catch (UnreadableMemory e) {
            out.append("<error reading variable>");
        }
    }

    // ------------------------------------------------------------------ scalars

    private void scalar(StringBuilder out, Value v, DebugType s) throws UnreadableMemory {
        switch (s.tag()) {
            case Dw.TAG_BASE_TYPE -> base(out, v, s);
            case Dw.TAG_ENUMERATION_TYPE -> enumeration(out, v, s);
            case Dw.TAG_POINTER_TYPE -> pointer(out, v, s);
            case Dw.TAG_SUBROUTINE_TYPE -> {
                out.append('{').append(TypeNames.name(v.types, v.type)).append("} ");
                long a = v.address == null ? 0 : v.address;
                address(out, a);
            }
            case Dw.TAG_UNSPECIFIED_TYPE -> out.append(Long.toUnsignedString(v.readLong(0, (int) Math.min(8, Math.max(1, v.size())))));
            default -> {
                long size = Math.max(1, Math.min(8, v.size()));
                out.append(v.readLong(0, (int) size));
            }
        }
    }

    private void base(StringBuilder out, Value v, DebugType s) throws UnreadableMemory {
        int size = (int) s.byteSize();
        int enc = s.encoding();
        switch (enc) {
            case Dw.ATE_FLOAT -> out.append(floatText(v, s));
            case Dw.ATE_COMPLEX_FLOAT -> {
                int half = size / 2;
                out.append(floatOf(v.read(0, half), s.name(), half)).append(" + ").append(floatOf(v.read(half, half), s.name(), half)).append('i');
            }
            case Dw.ATE_BOOLEAN -> {
                long b = v.readLong(0, Math.min(8, size));
                out.append(b == 0 ? "false" : b == 1 ? "true" : Long.toString(b));
            }
            default -> {
                boolean signed = enc == Dw.ATE_SIGNED || enc == Dw.ATE_SIGNED_CHAR;
                if (size > 8) {
                    out.append(v.readBig(0, size, signed));
                    return;
                }
                long raw = v.readLong(0, size);
                long value = signed && size < 8 ? raw << (64 - 8 * size) >> (64 - 8 * size) : raw;
                out.append(signed || size < 8 ? Long.toString(value) : Long.toUnsignedString(value));
                String prefix = charPrefix(v.types, v.type, s);
                if (prefix != null) out.append(' ').append(prefix).append(CharFormat.charLiteral(raw, size));
            }
        }
    }

    /** The literal prefix of a character type ("" for char, "L" for wchar_t, "u"/"U" for char16_t/char32_t), null for a non-character. */
    static String charPrefix(Types types, DebugType declared, DebugType s) {
        for (DebugType t = declared; t != null; t = t.tag() == Dw.TAG_BASE_TYPE ? null : types.get(t.target())) {
            String n = t.name();
            if (n.equals("wchar_t")) return "L";
            if (n.equals("char16_t")) return "u";
            if (n.equals("char32_t")) return "U";
            if (t.tag() != Dw.TAG_TYPEDEF && t.tag() != Dw.TAG_CONST_TYPE && t.tag() != Dw.TAG_VOLATILE_TYPE) break;
        }
        if (s.encoding() == Dw.ATE_UTF) return s.byteSize() == 1 ? "u8" : s.byteSize() == 2 ? "u" : "U";
        // gdb's c_textual_element_type: any one-byte integer read from DWARF is a character (Rust's u8 too)
        if ((s.encoding() == Dw.ATE_SIGNED_CHAR || s.encoding() == Dw.ATE_UNSIGNED_CHAR || s.encoding() == Dw.ATE_SIGNED
                || s.encoding() == Dw.ATE_UNSIGNED) && s.byteSize() == 1) return "";
        return null;
    }

    private static String floatText(Value v, DebugType s) throws UnreadableMemory {
        int size = (int) s.byteSize();
        return floatOf(v.read(0, size), s.name(), size);
    }

    static String floatOf(byte[] b, String name, int size) {
        return switch (size) {
            case 4 -> FloatFormat.ofFloat((int) LocationEvaluator.bytesToLong(b));
            case 8 -> FloatFormat.ofDouble(LocationEvaluator.bytesToLong(b));
            case 10, 12 -> FloatFormat.ofX87(b);
            case 16 -> name.contains("128") ? FloatFormat.ofQuad(b) : FloatFormat.ofX87(b);
            default -> "<invalid float value>";
        };
    }

    private void enumeration(StringBuilder out, Value v, DebugType s) throws UnreadableMemory {
        int size = (int) Math.max(1, Math.min(8, s.byteSize()));
        long raw = v.readLong(0, size);
        long val = v.types.isSigned(s) && size < 8 ? raw << (64 - 8 * size) >> (64 - 8 * size) : raw;
        String prefix = enumeratorPrefix(s);
        for (DebugType.Enumerator e : s.enumerators()) {
            if (e.value() == val) {
                out.append(prefix).append(e.name());
                return;
            }
        }
        if (isFlagEnum(s)) {
            boolean first = true;
            long rest = val;
            for (DebugType.Enumerator e : s.enumerators()) {
                if ((rest & e.value()) != 0) {
                    out.append(first ? "(" : " | ").append(prefix).append(e.name());
                    first = false;
                    rest &= ~e.value();
                }
            }
            if (rest != 0) {
                out.append(first ? "(unknown: " : " | unknown: ").append("0x").append(Long.toHexString(rest)).append(')');
            } else if (first) {
                out.append('0');
            } else {
                out.append(')');
            }
            return;
        }
        out.append(v.types.isSigned(s) ? Long.toString(val) : Long.toUnsignedString(val));
    }

    /** gdb's flag enum: every enumerator non-negative with at most one bit set, no bit shared. */
    static boolean isFlagEnum(DebugType s) {
        long mask = 0;
        for (DebugType.Enumerator e : s.enumerators()) {
            if (e.value() < 0 || Long.bitCount(e.value()) >= 2 || (mask & e.value()) != 0) return false;
            mask |= e.value();
        }
        return true;
    }

    /** C++ enumerators are qualified: an enum class's by the enum, an unscoped enum's by the enum's scope. */
    private static String enumeratorPrefix(DebugType s) {
        if (!Dw.isCxx(s.language())) return "";
        String q = s.qualifiedName();
        if (q.isEmpty()) return "";
        if (s.enumClass()) return q + "::";
        int cut = lastScope(q);
        return cut < 0 ? "" : q.substring(0, cut + 2);
    }

    /** The index of the last top-level "::" in a qualified name (outside template arguments), -1 when none. */
    static int lastScope(String q) {
        int depth = 0, found = -1;
        for (int i = 0; i < q.length() - 1; i++) {
            char c = q.charAt(i);
            if (c == '<' || c == '(') depth++;
            else if (c == '>' || c == ')') depth--;
            else if (c == ':' && q.charAt(i + 1) == ':' && depth == 0) {
                found = i;
                i++;
            }
        }
        return found;
    }

    private void pointer(StringBuilder out, Value v, DebugType s) throws UnreadableMemory {
        long a = v.readLong(0, 8);
        DebugType target = v.types.get(s.target());
        DebugType st = v.types.strip(target);
        if (st != null && st.tag() == Dw.TAG_SUBROUTINE_TYPE) {
            address(out, a);
            return;
        }
        address(out, a);
        if (a != 0 && v.types.isTextual(target)) {
            out.append(' ');
            String prefix = charPrefix(v.types, target, st);
            string(out, a, (int) st.byteSize(), prefix == null ? "" : prefix); // a one-byte integer (Rust's u8) reads as char
        }
    }

    /** An address with its symbol: {@code 0x401136 <square>}. */
    private void address(StringBuilder out, long a) {
        out.append("0x").append(Long.toHexString(a));
        if (a != 0) session.ctx.symbolAt(a).ifPresent(sym -> out.append(" <").append(sym).append('>'));
    }

    /** gdb's {@code val_print_string}: the NUL-terminated string at an address, 200 characters at most. */
    private void string(StringBuilder out, long address, int width, String prefix) {
        int limit = CharFormat.PRINT_MAX;
        byte[] buf = new byte[limit * width];
        int read = 0;
        boolean foundNul = false;
        UnreadableMemory error = null;
        while (read < limit && !foundNul) {
            int n = Math.min(64, limit - read);
            byte[] chunk;
            try {
                chunk = session.ctx.read(address + (long) read * width, n * width);
            } catch (UnreadableMemory e) {
                chunk = null;
                for (int k = 0; k < n && !foundNul; k++) {
                    try {
                        byte[] one = session.ctx.read(address + (long) (read) * width, width);
                        System.arraycopy(one, 0, buf, read * width, width);
                        read++;
                        if (CharFormat.unit(one, 0, width) == 0) foundNul = true;
                    } catch (UnreadableMemory e2) {
                        error = e2;
                        break;
                    }
                }
                if (error != null || foundNul) break;
                continue;
            }
            for (int k = 0; k < n; k++) {
                System.arraycopy(chunk, k * width, buf, read * width, width);
                read++;
                if (CharFormat.unit(chunk, k, width) == 0) {
                    foundNul = true;
                    break;
                }
            }
        }
        boolean forceEllipsis = false;
        if (!foundNul && error == null) {
            try {
                byte[] peek = session.ctx.read(address + (long) read * width, width);
                if (CharFormat.unit(peek, 0, width) != 0) forceEllipsis = true;
            } catch (UnreadableMemory e) {
                // no ellipsis
            }
        }
        if (error == null || read > 0) out.append(CharFormat.string(buf, read, width, forceEllipsis, prefix));
        if (error != null) {
            out.append("<error: Cannot access memory at address 0x").append(Long.toHexString(address + (long) read * width)).append('>');
        }
    }

    // ------------------------------------------------------------------ references, arrays, aggregates

    private void reference(StringBuilder out, Value v, DebugType s, int depth) throws UnreadableMemory {
        if (v.anyOptimizedOut(0, 8)) {
            out.append("<optimized out>");
            return;
        }
        long a = v.readLong(0, 8);
        out.append('@').append("0x").append(Long.toHexString(a)).append(": ");
        Value referent = Value.inMemory(v.types, v.types.get(s.target()), a, session.ctx);
        String err = fetchError(referent);
        if (err != null) {
            out.append("<error reading variable>");
            return;
        }
        append(out, referent, depth);
    }

    private void array(StringBuilder out, Value v, DebugType s, int depth) throws UnreadableMemory {
        DebugType element = v.types.element(s);
        long length = Types.length(s);
        long elementSize = v.types.size(element);
        if (length < 0 || elementSize <= 0 || v.size() <= 0) {
            // an array of unknown length prints as a pointer to its first element
            address(out, v.address == null ? 0 : v.address);
            return;
        }
        if (v.types.isTextual(element) && !v.anyOptimizedOut(0, v.size())) {
            int width = (int) elementSize;
            long n = Math.min(length, Integer.MAX_VALUE / width);
            // only what printstr looks at: the first characters and the last one
            int head = (int) Math.min(n, CharFormat.PRINT_MAX * 8L);
            byte[] data;
            if (head == n) {
                data = v.read(0, (int) (n * width));
            } else {
                // more characters than printstr can show: runs of repeats may still need them, read them all when small
                data = n * width <= (1 << 22) ? v.read(0, (int) (n * width)) : v.read(0, head * width);
                if (data.length < n * width) n = head;
            }
            DebugType st = v.types.strip(element);
            String prefix = charPrefix(v.types, element, st);
            out.append(CharFormat.string(data, (int) n, width, false, prefix == null ? "" : prefix));
            return;
        }
        if (depth >= MAX_DEPTH) {
            out.append("{...}");
            return;
        }
        out.append('{');
        long printed = 0;
        long i = 0;
        for (; i < length && printed < CharFormat.PRINT_MAX; i++) {
            if (i != 0) out.append(", ");
            Value e = v.part(i * elementSize, element);
            long reps = 1;
            long j = i + 1;
            while (j < length && v.part(j * elementSize, element).sameContents(e)) {
                reps++;
                j++;
            }
            append(out, e, depth + 1);
            if (reps > CharFormat.REPEAT_THRESHOLD) {
                out.append(" <repeats ").append(reps).append(" times>");
                i = j - 1;
                printed += CharFormat.REPEAT_THRESHOLD;
            } else {
                printed++;
            }
        }
        if (i < length) out.append("...");
        out.append('}');
    }

    private void aggregate(StringBuilder out, Value v, DebugType s, int depth) throws UnreadableMemory {
        if (depth >= MAX_DEPTH) {
            out.append("{...}");
            return;
        }
        out.append('{');
        boolean first = true;
        int fields = 0;
        for (DebugType.Member m : s.members()) {
            if (!m.inheritance()) fields++;
        }
        for (DebugType.Member m : s.members()) {
            if (!m.inheritance()) continue;
            if (!first) out.append(", ");
            first = false;
            DebugType baseType = v.types.get(m.type());
            out.append('<').append(TypeNames.name(v.types, baseType)).append("> = ");
            append(out, v.part(Math.max(0, m.byteOffset()), baseType), depth + 1);
        }
        if (fields == 0) {
            if (!first) out.append(", ");
            out.append("<No data fields>}");
            return;
        }
        for (DebugType.Member m : s.members()) {
            if (m.inheritance()) continue;
            if (!first) out.append(", ");
            first = false;
            DebugType mt = v.types.get(m.type());
            if (m.isStatic()) {
                out.append("static ").append(m.name()).append(" = ");
                staticMember(out, v, s, m, mt, depth);
                continue;
            }
            if (!m.name().isEmpty()) out.append(m.name()).append(" = ");
            Value part = m.bitSize() > 0 && m.bitOffset() >= 0 ? v.bits(m.bitOffset(), m.bitSize(), mt) : v.part(m.byteOffset(), mt);
            append(out, part, depth + 1);
        }
        out.append('}');
    }

    private void staticMember(StringBuilder out, Value v, DebugType owner, DebugType.Member m, DebugType mt, int depth) {
        Value sv = session.staticMember(v.types, owner, m);
        if (sv == null) {
            out.append("<optimized out>");
            return;
        }
        DebugType st = sv.stripped();
        if (st != null && Types.isAggregate(st)) {
            if (!staticTypesInProgress.add(st.offset())) {
                out.append("<same as static member of an already seen type>");
                return;
            }
        }
        try {
            String err = fetchError(sv);
            if (err != null) out.append("<error reading variable>");
            else append(out, sv, depth + 1);
        } finally {
            if (st != null && Types.isAggregate(st)) staticTypesInProgress.remove(st.offset());
        }
    }

    /** The number of children a value expands into: members (bases and statics included), elements, a pointee's members. */
    static long childCount(Value v) {
        DebugType s = v.stripped();
        if (s == null) return 0;
        if (Types.isReference(s)) s = v.types.strip(v.types.get(s.target()));
        if (s == null) return 0;
        if (Types.isAggregate(s)) return s.members().size();
        if (s.tag() == Dw.TAG_ARRAY_TYPE) return Math.max(0, Types.length(s));
        if (Types.isPointer(s)) {
            DebugType t = v.types.strip(v.types.get(s.target()));
            if (t == null || t.tag() == Dw.TAG_SUBROUTINE_TYPE) return 0;
            if (!v.hasContents()) return 0;
            try {
                if (v.readLong(0, 8) == 0) return 0;
            } catch (UnreadableMemory e) {
                return 0;
            }
            if (Types.isAggregate(t)) return t.members().size();
            return 1;
        }
        return 0;
    }


}
