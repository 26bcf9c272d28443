package dev.omniscope.values;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Floating-point values as gdb prints them: C's {@code %g} with as many significant digits as
 * the format needs to round-trip (9 for float, 17 for double, 21 for the x87 80-bit long double),
 * {@code inf}, {@code -inf} and {@code nan(0x<mantissa>)}. Decimal conversion is exact
 * (BigDecimal), rounding half to even as glibc's printf does.
 */
final class FloatFormat {
    private FloatFormat() {}

    static String ofFloat(int bits) {
        int exp = (bits >>> 23) & 0xff;
        long mantissa = bits & 0x7fffff;
        boolean negative = bits < 0;
        if (exp == 0xff) return special(negative, mantissa);
        return g(new BigDecimal(Float.intBitsToFloat(bits)), negative, 9);
    }

    static String ofDouble(long bits) {
        int exp = (int) ((bits >>> 52) & 0x7ff);
        long mantissa = bits & 0xfffffffffffffL;
        boolean negative = bits < 0;
        if (exp == 0x7ff) return special(negative, mantissa);
        return g(new BigDecimal(Double.longBitsToDouble(bits)), negative, 17);
    }

    /** The x87 extended format: 64-bit mantissa with an explicit integer bit, 15-bit exponent, sign (10 bytes, little-endian). */
    static String ofX87(byte[] b) {
        long mantissa = LocationEvaluator.bytesToLong(java.util.Arrays.copyOf(b, 8));
        int se = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        boolean negative = (se & 0x8000) != 0;
        int exp = se & 0x7fff;
        if (exp == 0x7fff) {
            if ((mantissa & 0x7fffffffffffffffL) == 0) return negative ? "-inf" : "inf";
            return (negative ? "-" : "") + "nan(0x" + Long.toHexString(mantissa) + ")"; // gdb shows the whole mantissa
        }
        BigInteger m = new BigInteger(1, LocationEvaluator.longToBytes(Long.reverseBytes(mantissa)));
        int e = (exp == 0 ? 1 : exp) - 16383 - 63;
        BigDecimal v = e >= 0 ? new BigDecimal(m.shiftLeft(e)) : new BigDecimal(m).divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
        return g(negative ? v.negate() : v, negative, 21);
    }

    /** IEEE binary128 (_Float128, __float128): 112-bit mantissa, 15-bit exponent. */
    static String ofQuad(byte[] b) {
        byte[] be = new byte[16];
        for (int i = 0; i < 16; i++) be[i] = b[15 - i];
        BigInteger all = new BigInteger(1, be);
        boolean negative = all.testBit(127);
        int exp = all.shiftRight(112).intValue() & 0x7fff;
        BigInteger m = all.and(BigInteger.ONE.shiftLeft(112).subtract(BigInteger.ONE));
        if (exp == 0x7fff) {
            if (m.signum() == 0) return negative ? "-inf" : "inf";
            return (negative ? "-" : "") + "nan(0x" + m.toString(16) + ")";
        }
        if (exp != 0) m = m.setBit(112);
        int e = (exp == 0 ? 1 : exp) - 16383 - 112;
        BigDecimal v = e >= 0 ? new BigDecimal(m.shiftLeft(e)) : new BigDecimal(m).divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
        return g(negative ? v.negate() : v, negative, 36);
    }

    private static String special(boolean negative, long mantissa) {
        if (mantissa == 0) return negative ? "-inf" : "inf";
        return (negative ? "-" : "") + "nan(0x" + Long.toHexString(mantissa) + ")";
    }

    /** C's {@code %.<precision>g} of an exact value. */
    static String g(BigDecimal v, boolean negativeZero, int precision) {
        if (v.signum() == 0) return negativeZero ? "-0" : "0";
        BigDecimal r = v.round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = r.precision() - r.scale() - 1;
        String sign = r.signum() < 0 ? "-" : "";
        BigInteger unscaled = r.unscaledValue().abs();
        String digits = unscaled.toString();
        // pad the digits to the precision (trailing zeros are stripped again below)
        StringBuilder d = new StringBuilder(digits);
        while (d.length() < precision) d.append('0');
        String all = d.substring(0, precision);
        if (exponent < -4 || exponent >= precision) {
            String mant = stripZeros(all.charAt(0) + "." + all.substring(1));
            String e = Integer.toString(Math.abs(exponent));
            if (e.length() < 2) e = "0" + e;
            return sign + mant + "e" + (exponent < 0 ? "-" : "+") + e;
        }
        String fixed;
        if (exponent >= 0) {
            fixed = all.substring(0, exponent + 1) + "." + all.substring(exponent + 1);
        } else {
            fixed = "0." + "0".repeat(-exponent - 1) + all;
        }
        return sign + stripZeros(fixed);
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) return s;
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        if (s.charAt(end - 1) == '.') end--;
        return s.substring(0, end);
    }
}
