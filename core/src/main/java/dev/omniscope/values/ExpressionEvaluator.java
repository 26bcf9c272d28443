package dev.omniscope.values;

import java.math.BigInteger;
import java.util.Optional;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * Evaluates an {@link Expr} in a frame to a {@link Value}, with C's rules as gdb applies them:
 * names looked up in the frame's scopes innermost first, then as globals and functions; integer
 * promotion and the usual arithmetic conversions; pointer arithmetic in elements; arrays
 * decaying to pointers; comparisons giving {@code int} in C and {@code bool} in C++. Errors are
 * gdb's messages.
 */
final class ExpressionEvaluator extends ValueConversions {
    ExpressionEvaluator(Session session) {
        super(session);
    }

    /** Parses and evaluates. */
    static Value evaluate(Session session, String text) throws ExpressionException {
        ExpressionEvaluator ev = new ExpressionEvaluator(session);
        Expr e = new ExpressionParser(text, ev::isTypeName, ev::isSymbol).parse();
        return ev.eval(e);
    }

    boolean isTypeName(String name) {
        if (names.findVariable(name) != null) return false;
        return names.typeNamed(name).isPresent();
    }

    /** Whether an unqualified name designates something: a variable, global, function, enumerator or member of {@code this}. */
    boolean isSymbol(String name) {
        if (names.findVariable(name) != null) return true;
        if (names.templateArgument(name) != null) return true;
        for (String candidate : names.scoped(name)) {
            if (session.ctx.global(candidate).isPresent() || session.ctx.function(candidate).isPresent()) return true;
        }
        if (names.enumerator(name) != null) return true;
        DebugVariable self = names.findVariable("this");
        if (self == null) return false;
        try {
            return findMember(deref(ValueReader.read(session.ctx, types, self), 0), name) != null;
        } catch (ExpressionException e) {
            return false;
        }
    }

    Value eval(Expr e) throws ExpressionException {
        if (e instanceof Expr.IntLiteral l) return intLiteral(l);
        if (e instanceof Expr.FloatLiteral f) return floatValue(f.value(), types.base(f.kind().equals("long double") ? "double" : f.kind()));
        if (e instanceof Expr.CharLiteral c) return Value.ofLong(types, types.base("char"), c.value(), session.ctx);
        if (e instanceof Expr.StringLiteral s) {
            byte[] b = java.util.Arrays.copyOf(s.bytes(), s.bytes().length + 1);
            return Value.ofBytes(types, types.arrayOf(types.base("char"), b.length), b, null, session.ctx);
        }
        if (e instanceof Expr.Name n) return name(n);
        if (e instanceof Expr.Register r) return names.register(r);
        if (e instanceof Expr.Member m) return member(eval(m.object()), m.member(), m.pos());
        if (e instanceof Expr.Index i) return index(eval(i.array()), eval(i.index()), i.pos());
        if (e instanceof Expr.Unary u) return unary(u);
        if (e instanceof Expr.Binary b) return binary(b);
        if (e instanceof Expr.Conditional c) {
            return truth(rvalue(eval(c.condition()), c.pos()), c.pos()) ? eval(c.then()) : eval(c.otherwise());
        }
        if (e instanceof Expr.Cast c) return cast(eval(c.operand()), resolveType(c.type(), c.pos()), c.pos());
        if (e instanceof Expr.SizeofType s) return sizeValue(types.size(resolveType(s.type(), s.pos())));
        if (e instanceof Expr.SizeofExpr s) return sizeValue(eval(s.operand()).size());
        throw new ExpressionException("Unsupported expression", e.pos());
    }

    // ------------------------------------------------------------------ names

    private Value intLiteral(Expr.IntLiteral l) {
        BigInteger v = l.value();
        // gdb 13's c-exp.y: int when it fits in 32 bits (unsigned int when its top bit is set), else long
        boolean fitsInt = l.longs() == 0 && v.bitLength() <= 32;
        String name;
        if (fitsInt) name = l.unsigned() || v.testBit(31) ? "unsigned int" : "int";
        else name = l.unsigned() || v.testBit(63) ? "unsigned long" : "long";
        if (l.longs() >= 2) name = name.startsWith("unsigned") ? "unsigned long long" : "long long";
        return Value.ofLong(types, types.base(name), v.longValue(), session.ctx);
    }

    private Value name(Expr.Name n) throws ExpressionException {
        String name = n.name();
        DebugVariable v = name.contains("::") ? null : names.findVariable(name);
        if (v != null) return ValueReader.read(session.ctx, types, v);
        if (!name.contains("::")) {
            Value templateArgument = names.templateArgument(name);
            if (templateArgument != null) return templateArgument;
        }
        if (!name.contains("::")) { // gdb (lookup_symbol_aux): a field of `this` before any static or global
            DebugVariable self = names.findVariable("this");
            if (self != null) {
                Value thisValue = ValueReader.read(session.ctx, types, self);
                Value m = findMember(deref(thisValue, n.pos()), name);
                if (m != null) return m;
            }
        }
        for (String candidate : names.scoped(name)) {
            candidate = names.unalias(candidate);
            Optional<FrameContext.Global> g = session.ctx.global(candidate);
            if (g.isPresent()) return session.global(g.get());
            Optional<FrameContext.Global> f = session.ctx.function(candidate);
            if (f.isPresent()) {
                Types t = session.typesOf(f.get().debugInfo());
                return Value.inMemory(t, t.get(f.get().type()), f.get().address(), session.ctx);
            }
        }
        name = names.unalias(name);
        int scope = GdbFormat.lastScope(name);
        if (scope > 0) { // Klass::static_member without storage of its own: the constant the class declares
            Optional<DebugType> owner = names.typeNamed(name.substring(0, scope));
            if (owner.isPresent()) {
                for (DebugType.Member m : owner.get().members()) {
                    if (m.isStatic() && m.name().equals(name.substring(scope + 2))) {
                        Value sv = session.staticMember(types, owner.get(), m);
                        if (sv != null) return sv;
                    }
                }
            }
        }
        Value enumerator = names.enumerator(name);
        if (enumerator != null) return enumerator;
        int cut = GdbFormat.lastScope(name);
        if (cut > 0 && names.typeNamed(name.substring(0, cut)).isEmpty()) {
            throw new ExpressionException("No symbol \"" + name.substring(0, cut) + "\" in current context.", n.pos());
        }
        if (cut > 0) {
            throw new ExpressionException("There is no field named " + name.substring(cut + 2), n.pos());
        }
        throw new ExpressionException("No symbol \"" + name + "\" in current context.", n.pos());
    }

    // ------------------------------------------------------------------ members, subscripts, dereference

    private Value member(Value object, String name, int pos) throws ExpressionException {
        DebugType s = object.stripped();
        if (Types.isReference(s)) return member(deref(object, pos), name, pos);
        if (Types.isPointer(s)) {
            DebugType target = types(object).strip(object.types.get(s.target()));
            if (Types.isAggregate(target)) return member(deref(object, pos), name, pos);
        }
        if (!Types.isAggregate(s)) {
            throw new ExpressionException("Attempt to extract a component of a value that is not a structure"
                    + (Types.isPointer(s) ? " pointer." : "."), pos);
        }
        Value m = findMember(object, name);
        if (m == null) throw new ExpressionException("There is no member named " + name + ".", pos);
        return m;
    }

    private static Types types(Value v) {
        return v.types;
    }

    /** A member by name, searching anonymous members and base classes as gdb does; null when none. */
    Value findMember(Value object, String name) {
        DebugType s = object.stripped();
        if (!Types.isAggregate(s)) return null;
        for (DebugType.Member m : s.members()) {
            if (m.inheritance()) continue;
            DebugType mt = object.types.get(m.type());
            if (m.name().equals(name)) {
                if (m.isStatic()) {
                    Value sv = session.staticMember(object.types, s, m);
                    return sv != null ? sv : Value.optimizedOut(object.types, mt);
                }
                if (m.bitSize() > 0 && m.bitOffset() >= 0) return object.bits(m.bitOffset(), m.bitSize(), mt);
                return object.part(m.byteOffset(), mt);
            }
            if (m.name().isEmpty() && Types.isAggregate(object.types.strip(mt))) {
                Value inner = findMember(object.part(m.byteOffset(), mt), name);
                if (inner != null) return inner;
            }
        }
        for (DebugType.Member m : s.members()) {
            if (!m.inheritance()) continue;
            Value inner = findMember(object.part(Math.max(0, m.byteOffset()), object.types.get(m.type())), name);
            if (inner != null) return inner;
        }
        return null;
    }

    private Value index(Value array, Value index, int pos) throws ExpressionException {
        DebugType s = array.stripped();
        if (Types.isReference(s)) return index(deref(array, pos), index, pos);
        DebugType is = index.stripped();
        if (!Types.isIntegral(is) && (Types.isPointer(is) || (is != null && is.tag() == Dw.TAG_ARRAY_TYPE)) && Types.isIntegral(s)) {
            return index(index, array, pos);
        }
        if (s != null && s.tag() == Dw.TAG_ARRAY_TYPE) {
            long i = integer(index, pos).longValue();
            DebugType element = array.types.element(s);
            long size = array.types.size(element);
            if (array.address != null) return Value.inMemory(array.types, element, array.address + i * size, session.ctx);
            long length = Types.length(s);
            if (i < 0 || (length >= 0 && i >= length)) throw new ExpressionException("no such vector element", pos);
            return array.part(i * size, element);
        }
        if (Types.isPointer(s)) {
            return deref(pointerAdd(array, integer(index, pos).longValue(), pos), pos);
        }
        throw new ExpressionException("cannot subscript something of type `" + TypeNames.name(array.types, array.type) + "'", pos);
    }

    @Override
    Value deref(Value v, int pos) throws ExpressionException {
        DebugType s = v.stripped();
        if (s == null) throw new ExpressionException("Attempt to take contents of a non-pointer value.", pos);
        if (Types.isReference(s)) {
            return Value.inMemory(v.types, v.types.get(s.target()), address(v, pos), session.ctx);
        }
        if (s.tag() == Dw.TAG_ARRAY_TYPE) {
            DebugType element = v.types.element(s);
            if (v.address != null) return Value.inMemory(v.types, element, v.address, session.ctx);
            return v.part(0, element);
        }
        if (Types.isPointer(s)) {
            DebugType target = v.types.get(s.target());
            if (target == null) throw new ExpressionException("Attempt to take contents of a non-pointer value.", pos);
            if (v.synthetic && v.pointsTo != null) {
                Value pointee = syntheticTarget(v.pointsTo, target);
                if (pointee != null) return pointee;
            }
            return Value.inMemory(v.types, target, address(v, pos), session.ctx);
        }
        if (s.tag() == Dw.TAG_SUBROUTINE_TYPE) return v;
        if (Types.isIntegral(s) && s.tag() == Dw.TAG_BASE_TYPE && s.encoding() != Dw.ATE_BOOLEAN) {
            // gdb reads an int at an integer's value
            return Value.inMemory(types, types.base("int"), integer(v, pos).longValue(), session.ctx);
        }
        throw new ExpressionException("Attempt to take contents of a non-pointer value.", pos);
    }

    /**
     * What a synthetic pointer points to, as gdb follows it: the variable of the frame whose DIE
     * the DW_OP_implicit_pointer names, at its offset; null when no scope of the frame has it.
     */
    private Value syntheticTarget(Location.ImplicitPointer p, DebugType target) {
        for (DebugScope scope : session.ctx.scopes()) {
            for (DebugVariable v : scope.variables()) {
                if (v.isDie(p.dieOffset())) return ValueReader.read(session.ctx, types, v).part(p.offset(), target);
            }
        }
        return null;
    }

    /** A pointer's or reference's target address. */
    @Override
    long address(Value v, int pos) throws ExpressionException {
        if (v.optimizedOut) throw new ExpressionException("value has been optimized out", pos);
        if (v.synthetic) throw new ExpressionException("Attempt to take contents of a synthetic pointer.", pos);
        if (v.error != null) throw new ExpressionException(v.error, pos);
        try {
            return v.readLong(0, 8);
        } catch (UnreadableMemory e) {
            throw new ExpressionException(e.getMessage(), pos);
        }
    }

    // ------------------------------------------------------------------ operators

    private Value unary(Expr.Unary u) throws ExpressionException {
        Value v = eval(u.operand());
        int pos = u.pos();
        switch (u.op()) {
            case "*" -> {
                // gdb (value_ind): a reference is first replaced by what it refers to, which must then
                // be a pointer or an array (`*p` of an `int *&p` is the int)
                if (Types.isReference(v.stripped())) {
                    Value referent = deref(v, pos);
                    DebugType rs = referent.stripped();
                    if (rs == null || !Types.isPointer(rs) && rs.tag() != Dw.TAG_ARRAY_TYPE && rs.tag() != Dw.TAG_SUBROUTINE_TYPE) {
                        throw new ExpressionException("Attempt to take contents of a non-pointer value.", pos);
                    }
                    return deref(referent, pos);
                }
                return deref(v, pos);
            }
            case "&" -> {
                DebugType s = v.stripped();
                if (Types.isReference(s)) {
                    return Value.ofLong(v.types, v.types.pointerTo(v.types.get(s.target())), address(v, pos), session.ctx);
                }
                if (v.address == null) throw new ExpressionException("Attempt to take address of value not located in memory.", pos);
                return Value.ofLong(v.types, v.types.pointerTo(v.type), v.address, session.ctx);
            }
            case "!" -> {
                return bool(!truth(rvalue(v, pos), pos));
            }
            default -> { }
        }
        Value r = rvalue(v, pos);
        DebugType s = r.stripped();
        if (Types.isFloat(s)) {
            double d = floating(r, pos);
            return switch (u.op()) {
                case "-" -> floatValue(-d, s);
                case "+" -> r;
                default -> throw new ExpressionException("Argument to complement operation not an integer, boolean.", pos);
            };
        }
        if (!Types.isIntegral(s)) throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", pos);
        DebugType t = promote(s);
        BigInteger x = integer(r, pos);
        return switch (u.op()) {
            case "-" -> integerValue(x.negate(), t);
            case "+" -> integerValue(x, t);
            default -> integerValue(x.not(), t);
        };
    }

    private Value binary(Expr.Binary b) throws ExpressionException {
        int pos = b.pos();
        String op = b.op();
        if (op.equals("&&") || op.equals("||")) {
            boolean l = truth(rvalue(eval(b.left()), pos), pos);
            if (op.equals("&&") && !l) return bool(false);
            if (op.equals("||") && l) return bool(true);
            return bool(truth(rvalue(eval(b.right()), pos), pos));
        }
        Value left = eval(b.left()), right = eval(b.right());
        if (op.equals("@")) return repeat(left, right, pos);
        Value l = rvalue(left, pos), r = rvalue(right, pos);
        DebugType ls = l.stripped(), rs = r.stripped();
        boolean lp = Types.isPointer(ls), rp = Types.isPointer(rs);
        if (lp || rp) return pointerArithmetic(op, l, r, lp, rp, pos);
        if (Types.isAggregate(ls) || Types.isAggregate(rs)) {
            if (Dw.isCxx(types.language)) throw new ExpressionException("No symbol \"operator" + op + "\" in current context.", pos);
            throw new ExpressionException("Structure has no component named operator" + op + ".", pos);
        }
        boolean floats = Types.isFloat(ls) || Types.isFloat(rs);
        if (!floats && (!Types.isIntegral(ls) || !Types.isIntegral(rs))) {
            throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", pos);
        }
        if (floats) {
            double x = floating(l, pos), y = floating(r, pos);
            DebugType t = biggerFloat(ls, rs);
            return switch (op) {
                case "+" -> floatValue(x + y, t);
                case "-" -> floatValue(x - y, t);
                case "*" -> floatValue(x * y, t);
                case "/" -> floatValue(x / y, t);
                case "<" -> bool(x < y);
                case "<=" -> bool(x <= y);
                case ">" -> bool(x > y);
                case ">=" -> bool(x >= y);
                case "==" -> bool(x == y);
                case "!=" -> bool(x != y);
                default -> throw new ExpressionException("Integer only operation " + op + ".", pos);
            };
        }
        if (op.equals("<<") || op.equals(">>")) {
            DebugType t = promote(ls);
            BigInteger x = integer(l, pos);
            long count = integer(r, pos).longValue();
            int bits = (int) t.byteSize() * 8;
            if (count < 0 || count >= bits) return integerValue(BigInteger.ZERO, t);
            return integerValue(op.equals("<<") ? x.shiftLeft((int) count) : x.shiftRight((int) count), t);
        }
        DebugType t = arithmeticType(ls, rs);
        BigInteger x = integer(l, pos), y = integer(r, pos);
        boolean unsigned = !t.equals(types.base("int")) && !types.isSigned(t);
        if (unsigned) {
            x = unsignedOf(x, t);
            y = unsignedOf(y, t);
        } else {
            x = signedOf(x, t);
            y = signedOf(y, t);
        }
        return switch (op) {
            case "+" -> integerValue(x.add(y), t);
            case "-" -> integerValue(x.subtract(y), t);
            case "*" -> integerValue(x.multiply(y), t);
            case "/", "%" -> {
                if (y.signum() == 0) throw new ExpressionException("Division by zero", pos);
                yield integerValue(op.equals("/") ? x.divide(y) : x.remainder(y), t);
            }
            case "&" -> integerValue(x.and(y), t);
            case "|" -> integerValue(x.or(y), t);
            case "^" -> integerValue(x.xor(y), t);
            case "<" -> bool(x.compareTo(y) < 0);
            case "<=" -> bool(x.compareTo(y) <= 0);
            case ">" -> bool(x.compareTo(y) > 0);
            case ">=" -> bool(x.compareTo(y) >= 0);
            case "==" -> bool(x.equals(y));
            case "!=" -> bool(!x.equals(y));
            default -> throw new ExpressionException("A syntax error in expression, near `" + op + "'.", pos);
        };
    }

    private Value pointerArithmetic(String op, Value l, Value r, boolean lp, boolean rp, int pos) throws ExpressionException {
        if (lp && rp) {
            long a = address(l, pos), b = address(r, pos);
            switch (op) {
                case "-" -> {
                    long size = Math.max(1, l.types.size(l.types.get(l.stripped().target())));
                    return Value.ofLong(types, types.base("long"), (a - b) / size, session.ctx);
                }
                case "==" -> { return bool(a == b); }
                case "!=" -> { return bool(a != b); }
                case "<" -> { return bool(Long.compareUnsigned(a, b) < 0); }
                case "<=" -> { return bool(Long.compareUnsigned(a, b) <= 0); }
                case ">" -> { return bool(Long.compareUnsigned(a, b) > 0); }
                case ">=" -> { return bool(Long.compareUnsigned(a, b) >= 0); }
                default -> throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", pos);
            }
        }
        Value p = lp ? l : r, n = lp ? r : l;
        if (Types.isIntegral(n.stripped())) {
            long k = integer(n, pos).longValue();
            if (op.equals("+")) return pointerAdd(p, k, pos);
            if (op.equals("-") && lp) return pointerAdd(p, -k, pos);
            long a = address(p, pos);
            long b = k;
            if (!lp) {
                long t = a;
                a = b;
                b = t;
            }
            switch (op) {
                case "==" -> { return bool(a == b); }
                case "!=" -> { return bool(a != b); }
                case "<" -> { return bool(Long.compareUnsigned(a, b) < 0); }
                case ">" -> { return bool(Long.compareUnsigned(a, b) > 0); }
                case "<=" -> { return bool(Long.compareUnsigned(a, b) <= 0); }
                case ">=" -> { return bool(Long.compareUnsigned(a, b) >= 0); }
                case "&" -> { return Value.ofLong(types, types.base("long"), a & b, session.ctx); }
                default -> { }
            }
        }
        throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", pos);
    }

    private Value pointerAdd(Value p, long k, int pos) throws ExpressionException {
        DebugType target = p.types.get(p.stripped().target());
        long size = target == null ? 1 : Math.max(1, p.types.size(target));
        return Value.ofLong(p.types, p.type, address(p, pos) + k * size, session.ctx);
    }

    private Value repeat(Value left, Value right, int pos) throws ExpressionException {
        if (left.address == null) throw new ExpressionException("Only values in memory can be extended with '@'.", pos);
        long count = integer(rvalue(right, pos), pos).longValue();
        if (count <= 0) throw new ExpressionException("Non-positive repeat count.", pos);
        return Value.inMemory(left.types, left.types.arrayOf(left.type, count), left.address, session.ctx);
    }

}
