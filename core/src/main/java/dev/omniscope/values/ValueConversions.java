package dev.omniscope.values;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * The conversions C applies to an expression's operands, as gdb applies them: rvalues
 * (references followed, arrays and functions decayed), integers and floating values read from
 * values, integer promotion and the usual arithmetic conversions, casts, and values made from
 * results. The evaluator ({@link ExpressionEvaluator}) builds its operators on these.
 */
abstract class ValueConversions {
    final Session session;
    final Types types;
    final FrameNames names;

    ValueConversions(Session session) {
        this.session = session;
        this.types = session.types;
        this.names = new FrameNames(session);
    }

    /** The object a pointer or reference designates. */
    abstract Value deref(Value v, int pos) throws ExpressionException;

    /** A pointer's or reference's target address. */
    abstract long address(Value v, int pos) throws ExpressionException;

    Value cast(Value v, DebugType to, int pos) throws ExpressionException {
        DebugType ts = types.strip(to);
        Value r = rvalue(v, pos);
        DebugType from = r.stripped();
        if (ts == null) return Value.optimizedOut(types, null);
        if (Types.isAggregate(ts)) {
            if (Types.isAggregate(from)) {
                if (from.offset() == ts.offset()) return v.withType(to);
                for (DebugType.Member m : from.members()) {
                    DebugType bt = v.types.strip(v.types.get(m.type()));
                    if (m.inheritance() && bt != null && bt.offset() == ts.offset()) return v.part(Math.max(0, m.byteOffset()), to);
                }
            }
            throw new ExpressionException("Invalid cast.", pos);
        }
        if (Types.isFloat(ts)) {
            if (!Types.isFloat(from) && !Types.isIntegral(from)) throw new ExpressionException("Invalid cast.", pos);
            return floatValue(Types.isFloat(from) ? floating(r, pos) : new BigDecimal(integer(r, pos)).doubleValue(), to);
        }
        if (Types.isIntegral(ts) || Types.isPointer(ts)) {
            BigInteger x;
            if (Types.isFloat(from)) x = new BigDecimal(floating(r, pos)).toBigInteger();
            else if (Types.isIntegral(from)) x = integer(r, pos);
            else if (Types.isPointer(from)) x = BigInteger.valueOf(address(r, pos)).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
            else throw new ExpressionException("Invalid cast.", pos);
            if (ts.tag() == Dw.TAG_BASE_TYPE && ts.encoding() == Dw.ATE_BOOLEAN) x = x.signum() == 0 ? BigInteger.ZERO : BigInteger.ONE;
            return integerValue(x, to);
        }
        throw new ExpressionException("Invalid cast.", pos);
    }

    DebugType resolveType(Expr.TypeName n, int pos) throws ExpressionException {
        DebugType t;
        if (n.isBase()) {
            t = n.base().equals("void") ? null : types.base(Dw.isCxx(types.language) && n.base().equals("_Bool") ? "bool" : n.base());
            if (t != null) {
                Optional<DebugType> own = names.typeNamed(n.base());
                if (own.isPresent() && own.get().tag() == Dw.TAG_BASE_TYPE) t = own.get();
            }
        } else {
            Optional<DebugType> found = names.typeNamed(n.base());
            if (found.isEmpty()) {
                if (!n.keyword().isEmpty()) throw new ExpressionException("No " + n.keyword() + " type named " + n.base() + ".", pos);
                throw new ExpressionException("No symbol \"" + n.base() + "\" in current context.", pos);
            }
            t = found.get();
        }
        for (int i = 0; i < n.pointers(); i++) t = types.pointerTo(t);
        List<Long> dims = new ArrayList<>(n.dimensions());
        for (int i = dims.size() - 1; i >= 0; i--) t = types.arrayOf(t, dims.get(i));
        return t;
    }

    // ------------------------------------------------------------------ conversions

    /** An rvalue for arithmetic: references followed, arrays decayed to pointers, functions to pointers. */
    Value rvalue(Value v, int pos) throws ExpressionException {
        DebugType s = v.stripped();
        if (Types.isReference(s)) return rvalue(deref(v, pos), pos);
        if (s != null && s.tag() == Dw.TAG_ARRAY_TYPE && v.address != null) {
            return Value.ofLong(v.types, v.types.pointerTo(v.types.element(s)), v.address, session.ctx);
        }
        if (s != null && s.tag() == Dw.TAG_SUBROUTINE_TYPE && v.address != null) {
            return Value.ofLong(v.types, v.types.pointerTo(v.type), v.address, session.ctx);
        }
        if (v.optimizedOut) throw new ExpressionException("value has been optimized out", pos);
        if (v.synthetic) throw new ExpressionException("Attempt to take contents of a synthetic pointer.", pos);
        if (v.error != null) throw new ExpressionException(v.error, pos);
        return v;
    }

    boolean truth(Value v, int pos) throws ExpressionException {
        DebugType s = v.stripped();
        if (Types.isFloat(s)) return floating(v, pos) != 0;
        if (Types.isPointer(s)) return address(v, pos) != 0;
        if (Types.isIntegral(s)) return integer(v, pos).signum() != 0;
        throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", pos);
    }

    BigInteger integer(Value v, int pos) throws ExpressionException {
        v = rvalue(v, pos);
        DebugType s = v.stripped();
        int size = (int) Math.max(1, Math.min(16, v.size()));
        if (v.anyOptimizedOut(0, size)) throw new ExpressionException("value has been optimized out", pos);
        try {
            if (Types.isPointer(s)) return BigInteger.valueOf(v.readLong(0, 8));
            if (!Types.isIntegral(s)) throw new ExpressionException("Value can't be converted to integer.", pos);
            return v.readBig(0, size, v.types.isSigned(s));
        } catch (UnreadableMemory e) {
            throw new ExpressionException(e.getMessage(), pos);
        }
    }

    double floating(Value v, int pos) throws ExpressionException {
        DebugType s = v.stripped();
        if (!Types.isFloat(s)) return new BigDecimal(integer(v, pos)).doubleValue();
        if (v.anyOptimizedOut(0, s.byteSize())) throw new ExpressionException("value has been optimized out", pos);
        try {
            byte[] b = v.read(0, (int) s.byteSize());
            return switch ((int) s.byteSize()) {
                case 4 -> Float.intBitsToFloat((int) LocationEvaluator.bytesToLong(b));
                case 8 -> Double.longBitsToDouble(LocationEvaluator.bytesToLong(b));
                default -> x87ToDouble(b);
            };
        } catch (UnreadableMemory e) {
            throw new ExpressionException(e.getMessage(), pos);
        }
    }

    private static double x87ToDouble(byte[] b) {
        long mantissa = LocationEvaluator.bytesToLong(java.util.Arrays.copyOf(b, 8));
        int se = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        int exp = se & 0x7fff;
        double sign = (se & 0x8000) != 0 ? -1 : 1;
        if (exp == 0x7fff) return (mantissa << 1) == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        double m = new BigDecimal(new BigInteger(Long.toUnsignedString(mantissa))).doubleValue();
        return sign * m * Math.pow(2, (exp == 0 ? 1 : exp) - 16383 - 63);
    }

    DebugType promote(DebugType s) {
        if (s.tag() == Dw.TAG_ENUMERATION_TYPE) return s.byteSize() > 4 ? types.base(types.isSigned(s) ? "long" : "unsigned long")
                : types.base(types.isSigned(s) || s.byteSize() < 4 ? "int" : "unsigned int");
        if (s.byteSize() < 4 || s.encoding() == Dw.ATE_BOOLEAN) return types.base("int");
        return s;
    }

    /** The usual arithmetic conversions of two integral types (promoted). */
    DebugType arithmeticType(DebugType a, DebugType b) {
        a = promote(a);
        b = promote(b);
        if (a.byteSize() != b.byteSize()) return a.byteSize() > b.byteSize() ? a : b;
        if (!types.isSigned(a)) return a;
        if (!types.isSigned(b)) return b;
        return a;
    }

    DebugType biggerFloat(DebugType a, DebugType b) {
        long sa = Types.isFloat(a) ? a.byteSize() : 0, sb = Types.isFloat(b) ? b.byteSize() : 0;
        DebugType t = sa >= sb ? a : b;
        return t.byteSize() > 8 ? types.base("double") : t;
    }

    Value integerValue(BigInteger x, DebugType t) {
        int size = (int) Math.max(1, types.size(t));
        byte[] be = x.toByteArray();
        byte[] le = new byte[size];
        byte fill = (byte) (x.signum() < 0 ? -1 : 0);
        for (int i = 0; i < size; i++) le[i] = i < be.length ? be[be.length - 1 - i] : fill;
        return Value.ofBytes(types, t, le, null, session.ctx);
    }

    static BigInteger unsignedOf(BigInteger x, DebugType t) {
        return x.and(BigInteger.ONE.shiftLeft((int) t.byteSize() * 8).subtract(BigInteger.ONE));
    }

    static BigInteger signedOf(BigInteger x, DebugType t) {
        int bits = (int) t.byteSize() * 8;
        BigInteger u = unsignedOf(x, t);
        return u.testBit(bits - 1) ? u.subtract(BigInteger.ONE.shiftLeft(bits)) : u;
    }

    Value floatValue(double d, DebugType t) {
        DebugType s = types.strip(t);
        if (s.byteSize() == 4) return Value.ofLong(types, t, Float.floatToRawIntBits((float) d) & 0xffffffffL, session.ctx);
        if (s.byteSize() == 8) return Value.ofLong(types, t, Double.doubleToRawLongBits(d), session.ctx);
        return Value.ofLong(types, types.base("double"), Double.doubleToRawLongBits(d), session.ctx);
    }

    Value bool(boolean b) {
        return Value.ofLong(types, types.base(Dw.isCxx(types.language) ? "bool" : "int"), b ? 1 : 0, session.ctx);
    }

    Value sizeValue(long size) {
        return Value.ofLong(types, types.base("unsigned long"), size, session.ctx);
    }
}
