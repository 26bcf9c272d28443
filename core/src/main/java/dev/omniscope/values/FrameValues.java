package dev.omniscope.values;

import java.util.ArrayList;
import java.util.List;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.Dw;

/**
 * The value code's entry points for the query layer: a frame's arguments and locals as gdb's
 * {@code info args} and {@code info locals} list them, an expression's value as {@code print}
 * shows it, and the children (members, elements) of a value, paged.
 */
public final class FrameValues {
    private FrameValues() {}

    /** gdb's {@code info args}: the parameters of the frame's function (or inlined function), in DIE order. */
    public static List<ShownValue> arguments(FrameContext ctx) {
        Session session = new Session(ctx);
        List<ShownValue> out = new ArrayList<>();
        List<DebugScope> scopes = ctx.scopes();
        for (int i = scopes.size() - 1; i >= 0; i--) {
            DebugScope s = scopes.get(i);
            if (s.kind() == DebugScope.Kind.BLOCK) continue;
            for (DebugVariable v : s.variables()) {
                if (v.parameter() && !v.name().isEmpty()) out.add(variable(session, v));
            }
            break;
        }
        return out;
    }

    /**
     * gdb's {@code info locals}: the innermost block's locals first, each block's in DIE order,
     * outward to the function (or inlined function); static locals included, and artificial ones
     * (a lambda's captures, g++'s {@code __for_range}) as gdb lists them.
     */
    public static List<ShownValue> locals(FrameContext ctx) {
        Session session = new Session(ctx);
        List<ShownValue> out = new ArrayList<>();
        List<DebugScope> scopes = ctx.scopes();
        for (int i = scopes.size() - 1; i >= 0; i--) {
            DebugScope s = scopes.get(i);
            for (DebugVariable v : s.variables()) {
                if (!v.parameter() && !v.name().isEmpty()) out.add(variable(session, v));
            }
            if (s.kind() != DebugScope.Kind.BLOCK) break;
        }
        return out;
    }

    private static ShownValue variable(Session session, DebugVariable v) {
        Value value = ValueReader.read(session.ctx, session.types, v);
        String error = GdbFormat.fetchError(value);
        String text = error != null ? "<error reading variable " + v.name() + " (" + error + ")>" : new GdbFormat(session).format(value);
        return shown(v.name(), v.name(), value, text);
    }

    /** gdb's {@code print EXPRESSION}: the value with print's {@code (type) } prefix where gdb has one. */
    public static ShownValue evaluate(FrameContext ctx, String expression) throws ExpressionException {
        Session session = new Session(ctx);
        Value value = ExpressionEvaluator.evaluate(session, expression);
        String error = GdbFormat.fetchError(value);
        if (error != null) throw new ExpressionException(error, -1);
        String text = GdbFormat.printPrefix(value) + new GdbFormat(session).format(value);
        return shown(expression, expression, value, text);
    }

    /**
     * The members or elements of the value of {@code expression}: a struct's, class's or union's
     * members (base classes as {@code <Base>}, anonymous members' members in their place), an
     * array's elements from {@code offset} ({@code limit} at most), a pointer's target (a struct's
     * members, else {@code *p}); each with an expression that designates it.
     */
    public static List<ShownValue> children(FrameContext ctx, String expression, long offset, int limit) throws ExpressionException {
        Session session = new Session(ctx);
        Value value = ExpressionEvaluator.evaluate(session, expression);
        List<ShownValue> out = new ArrayList<>();
        DebugType s = value.stripped();
        String e = expression.trim();
        if (Types.isReference(s)) {
            value = ExpressionEvaluator.evaluate(session, "*&" + wrap(e));
            s = value.stripped();
        }
        if (s == null) return out;
        if (s.tag() == Dw.TAG_ARRAY_TYPE) {
            long length = Types.length(s);
            for (long i = Math.max(0, offset); i < length && out.size() < limit; i++) {
                String child = wrap(e) + "[" + i + "]";
                out.add(child(session, "[" + i + "]", child));
            }
            return out;
        }
        if (Types.isPointer(s)) {
            DebugType t = value.types.strip(value.types.get(s.target()));
            if (t == null || t.tag() == Dw.TAG_SUBROUTINE_TYPE || GdbFormat.childCount(value) == 0) return out;
            if (Types.isAggregate(t)) {
                members(session, t, value.types, wrap(e) + "->", out);
            } else {
                out.add(child(session, "*" + wrap(e), "*" + wrap(e)));
            }
            return page(out, offset, limit);
        }
        if (Types.isAggregate(s)) {
            members(session, s, value.types, wrap(e) + ".", out);
            return page(out, offset, limit);
        }
        return out;
    }

    private static List<ShownValue> page(List<ShownValue> all, long offset, int limit) {
        int from = (int) Math.min(all.size(), Math.max(0, offset));
        return new ArrayList<>(all.subList(from, (int) Math.min(all.size(), from + (long) Math.max(0, limit))));
    }

    private static void members(Session session, DebugType s, Types types, String prefix, List<ShownValue> out)
            throws ExpressionException {
        for (DebugType.Member m : s.members()) {
            if (!m.inheritance()) continue;
            DebugType bt = types.get(m.type());
            String name = TypeNames.name(types, bt);
            String object = prefix.endsWith("->") ? "*" + prefix.substring(0, prefix.length() - 2) : prefix.substring(0, prefix.length() - 1);
            out.add(child(session, "<" + name + ">", "((" + name + ")" + object + ")"));
        }
        for (DebugType.Member m : s.members()) {
            if (m.inheritance()) continue;
            if (m.isStatic()) {
                String owner = s.qualifiedName().isEmpty() ? s.name() : s.qualifiedName();
                out.add(child(session, m.name(), owner + "::" + m.name()));
            } else if (m.name().isEmpty()) {
                DebugType inner = types.strip(types.get(m.type()));
                if (inner != null && Types.isAggregate(inner)) members(session, inner, types, prefix, out);
            } else {
                out.add(child(session, m.name(), prefix + m.name()));
            }
        }
    }

    private static ShownValue child(Session session, String name, String expression) throws ExpressionException {
        Value v = ExpressionEvaluator.evaluate(session, expression);
        String error = GdbFormat.fetchError(v);
        String text = error != null ? "<error: " + error + ">" : new GdbFormat(session).format(v);
        return shown(name, expression, v, text);
    }

    /** An expression safe to extend with a postfix operator: names, members and subscripts as they are, anything else parenthesized. */
    static String wrap(String e) {
        if (e.matches("[A-Za-z_$][A-Za-z0-9_$:]*(\\s*(\\.|->)\\s*[A-Za-z_][A-Za-z0-9_]*|\\[[^\\[\\]]*\\])*")) return e;
        return "(" + e + ")";
    }

    /**
     * A function's return value of type {@code type} (a DIE offset in the frame's module) as the
     * x86-64 System V ABI returns it: a float or double in xmm0, an integer, pointer, enum or bool
     * in rax, a struct or union of up to 16 bytes of integers in rax:rdx. {@code rax}, {@code rdx}
     * and {@code xmm0} are the registers at the return (xmm0's low 8 bytes). Null for void, for
     * values returned in memory, and for mixed or x87 classes, which this does not decode.
     */
    public static ShownValue returned(FrameContext ctx, long type, long rax, long rdx, byte[] xmm0) {
        if (type == 0) return null;
        Session session = new Session(ctx);
        DebugType declared = session.types.get(type);
        DebugType t = session.types.strip(declared);
        if (t == null) return null;
        long size = session.types.size(declared);
        byte[] bytes;
        if (Types.isFloat(t)) {
            if (size != 4 && size != 8 || xmm0 == null) return null;
            bytes = java.util.Arrays.copyOf(xmm0, (int) size);
        } else if (Types.isIntegral(t) || Types.isPointer(t) || t.tag() == Dw.TAG_ENUMERATION_TYPE) {
            if (size < 1 || size > 8) return null;
            bytes = java.util.Arrays.copyOf(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(rax).array(), (int) size);
        } else if (Types.isAggregate(t) && size >= 1 && size <= 16 && integersOnly(session.types, t, 0)) {
            bytes = java.util.Arrays.copyOf(java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(rax).putLong(rdx)
                    .array(), (int) size);
        } else {
            return null;
        }
        Value value = Value.ofBytes(session.types, declared, bytes, null, ctx);
        return shown("return", "$", value, new GdbFormat(session).format(value));
    }

    /** Whether an aggregate holds only integers and pointers (the ABI's INTEGER class for all its eightbytes). */
    private static boolean integersOnly(Types types, DebugType t, int depth) {
        if (depth > 8) return false;
        for (DebugType.Member m : t.members()) {
            if (m.isStatic()) continue;
            DebugType mt = types.strip(types.get(m.type()));
            if (mt == null) return false;
            if (Types.isAggregate(mt)) {
                if (!integersOnly(types, mt, depth + 1)) return false;
            } else if (mt.tag() == Dw.TAG_ARRAY_TYPE) {
                DebugType e = types.strip(types.element(mt));
                if (e == null || Types.isFloat(e) || Types.isAggregate(e)) return false;
            } else if (Types.isFloat(mt)) {
                return false;
            }
        }
        return true;
    }

    private static ShownValue shown(String name, String expression, Value v, String text) {
        String address = v.address == null ? null : "0x" + Long.toHexString(v.address);
        long size = Math.max(0, v.size());
        if (v.type == null) size = 0;
        return new ShownValue(name, expression, TypeNames.name(v.types, v.type), text, address, size, GdbFormat.childCount(v));
    }
}
