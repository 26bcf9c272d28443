package dev.omniscope.values;

import static dev.omniscope.values.Fixture.bitfield;
import static dev.omniscope.values.Fixture.bytes;
import static dev.omniscope.values.Fixture.concat;
import static dev.omniscope.values.Fixture.en;
import static dev.omniscope.values.Fixture.field;
import static dev.omniscope.values.Fixture.le;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.Dw;

/**
 * C values formatted as gdb 13 prints them. The expected texts are gdb's output for
 * /tmp-style test programs compiled with {@code gcc -g -O0} ({@code c1.c}: its main's locals),
 * printed by {@code gdb -batch -ex 'break stop' -ex run -ex up -ex 'info locals' -ex 'print ...'}.
 */
class CFormatTest {
    private final Fixture f = Fixture.c();
    private final List<DebugVariable> locals = new ArrayList<>();
    private final DebugType intT = f.intT(), charT = f.charT();

    private String local(String name, DebugType type, byte[] contents) {
        DebugVariable v = f.stackLocal(name, type, contents);
        f.scopes.clear();
        f.scope(DebugScope.Kind.FUNCTION, "main", v);
        return FrameValues.locals(f).get(0).value();
    }

    private static byte[] str(String s, int size) {
        return Arrays.copyOf(s.getBytes(StandardCharsets.ISO_8859_1), size);
    }

    @Test
    void characters() {
        // info locals: c1 = 65 'A', c0 = 0 '\000', cneg = -56 '\310', cnl = 10 '\n', cq = 34 '"', cbs = 92 '\\', csq = 39 '\'', c127 = 127 '\177'
        assertEquals("65 'A'", local("c1", charT, bytes(65)));
        assertEquals("0 '\\000'", local("c0", charT, bytes(0)));
        assertEquals("-56 '\\310'", local("cneg", charT, bytes(-56)));
        assertEquals("10 '\\n'", local("cnl", charT, bytes(10)));
        assertEquals("34 '\"'", local("cq", charT, bytes(34)));
        assertEquals("92 '\\\\'", local("cbs", charT, bytes(92)));
        assertEquals("39 '\\''", local("csq", charT, bytes(39)));
        assertEquals("127 '\\177'", local("c127", charT, bytes(127)));
        // uc = 200 '\310', sc = -3 '\375'
        assertEquals("200 '\\310'", local("uc", f.base("unsigned char", 1, Dw.ATE_UNSIGNED_CHAR), bytes(200)));
        assertEquals("-3 '\\375'", local("sc", f.base("signed char", 1, Dw.ATE_SIGNED_CHAR), bytes(-3)));
    }

    @Test
    void oneByteIntegerArraysReadAsTextWithoutAPrefix() {
        // Rust's [u8; 3] is DW_ATE_unsigned of one byte: text, as char's; never a "null" prefix
        DebugType u8 = f.base("u8", 1, Dw.ATE_UNSIGNED);
        assertEquals("\"\\001\\002\\003\"", local("flags", f.array(u8, 3), bytes(1, 2, 3)));
    }

    @Test
    void integersAndBooleans() {
        DebugType bool = f.base("_Bool", 1, Dw.ATE_BOOLEAN);
        // b1 = true, b0 = false; c2.c: a _Bool holding 2 prints bb = 2
        assertEquals("true", local("b1", bool, bytes(1)));
        assertEquals("false", local("b0", bool, bytes(0)));
        assertEquals("2", local("bb", bool, bytes(2)));
        // sh = -5, ush = 65535, l = -1234567890123, ul = 18446744073709551615, u = 4000000000
        assertEquals("-5", local("sh", f.base("short int", 2, Dw.ATE_SIGNED), le(2, -5)));
        assertEquals("65535", local("ush", f.base("short unsigned int", 2, Dw.ATE_UNSIGNED), le(2, 65535)));
        assertEquals("-1234567890123", local("l", f.base("long int", 8, Dw.ATE_SIGNED), le(8, -1234567890123L)));
        assertEquals("18446744073709551615", local("ul", f.base("long unsigned int", 8, Dw.ATE_UNSIGNED), le(8, -1)));
        assertEquals("4000000000", local("u", f.base("unsigned int", 4, Dw.ATE_UNSIGNED), le(4, 4000000000L)));
        // i128 = -5, u128 = 1267650600228229401496703205376 (1 << 100)
        assertEquals("-5", local("i128", f.base("__int128", 16, Dw.ATE_SIGNED), le(8, -5, -1)));
        assertEquals("1267650600228229401496703205376", local("u128", f.base("__int128 unsigned", 16, Dw.ATE_UNSIGNED), le(8, 0, 1L << 36)));
    }

    @Test
    void floatingPoint() {
        DebugType flt = f.base("float", 4, Dw.ATE_FLOAT), dbl = f.base("double", 8, Dw.ATE_FLOAT), ld = f.base("long double", 16, Dw.ATE_FLOAT);
        assertEquals("1.25", local("f1", flt, le(4, Float.floatToIntBits(1.25f))));
        assertEquals("4.34402524e-44", local("fden", flt, le(4, Float.floatToIntBits(4.34402524e-44f))));
        assertEquals("inf", local("finf", flt, le(4, 0x7f800000)));
        assertEquals("nan(0x400000)", local("fnan", flt, le(4, 0x7fc00000)));
        assertEquals("-0", local("fneg", flt, le(4, 0x80000000L)));
        assertEquals("0.333333343", local("f3", flt, le(4, Float.floatToIntBits(1.0f / 3))));
        assertEquals("1.00000002e+20", local("fbig", flt, le(4, Float.floatToIntBits(1e20f))));
        assertEquals("9.99999975e-06", local("fsmall", flt, le(4, Float.floatToIntBits(1e-5f))));
        assertEquals("100", local("f100", flt, le(4, Float.floatToIntBits(100f))));
        assertEquals("1.00000003e+16", local("f1e16", flt, le(4, Float.floatToIntBits(1e16f))));
        assertEquals("1.1000000000000001", local("d1", dbl, le(8, Double.doubleToLongBits(1.1))));
        assertEquals("0.10000000000000001", local("d2", dbl, le(8, Double.doubleToLongBits(0.1))));
        assertEquals("1.0000000000000001e+300", local("d3", dbl, le(8, Double.doubleToLongBits(1e300))));
        assertEquals("123456789", local("d4", dbl, le(8, Double.doubleToLongBits(123456789.0))));
        assertEquals("-2.5000000000000002e-10", local("d5", dbl, le(8, Double.doubleToLongBits(-2.5e-10))));
        assertEquals("-nan(0x8000000000000)", local("dnan", dbl, bytes(0, 0, 0, 0, 0, 0, 0xf8, 0xff)));
        assertEquals("10000000000000000", local("d6", dbl, le(8, Double.doubleToLongBits(1e16))));
        assertEquals("1000000000000000", local("d7", dbl, le(8, Double.doubleToLongBits(1e15))));
        assertEquals("0.0001", local("d8", dbl, le(8, Double.doubleToLongBits(0.0001))));
        assertEquals("1.0000000000000001e-05", local("d9", dbl, le(8, Double.doubleToLongBits(0.00001))));
        // long double: bytes from gdb's x/10xb &ld
        assertEquals("1.10000000000000000002", local("ld", ld, concat(bytes(0xcd, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0x8c, 0xff, 0x3f), new byte[6])));
        assertEquals("3", local("ld2", ld, concat(bytes(0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x40), new byte[6])));
        assertEquals("9.99999999999999999997e+3999", local("ld3", ld, concat(bytes(0x61, 0x8c, 0x55, 0xfe, 0x23, 0x83, 0xba, 0xd1, 0xe6, 0x73), new byte[6])));
        // c4.c: lnan = nan(0xc000000000000000), lninf = -inf, lden = 3.64519953188247460253e-4951
        assertEquals("nan(0xc000000000000000)", local("lnan", ld, concat(bytes(0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x7f), new byte[6])));
        assertEquals("-inf", local("lninf", ld, concat(bytes(0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0xff), new byte[6])));
        assertEquals("3.64519953188247460253e-4951", local("lden", ld, concat(bytes(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), new byte[6])));
        // c3.c: z = 1 + 2i, fz = 1.5 + -0.5i
        DebugType cd = f.base("complex double", 16, Dw.ATE_COMPLEX_FLOAT), cf = f.base("complex float", 8, Dw.ATE_COMPLEX_FLOAT);
        assertEquals("1 + 2i", local("z", cd, concat(le(8, Double.doubleToLongBits(1)), le(8, Double.doubleToLongBits(2)))));
        assertEquals("1.5 + -0.5i", local("fz", cf, concat(le(4, Float.floatToIntBits(1.5f)), le(4, Float.floatToIntBits(-0.5f)))));
    }

    @Test
    void characterArraysAsStrings() {
        assertEquals("\"hammer\\000\"", local("name", f.array(charT, 8), str("hammer", 8)));
        assertEquals("'\\000' <repeats 15 times>", local("z16", f.array(charT, 16), new byte[16]));
        assertEquals("\"ab\", '\\000' <repeats 13 times>", local("ab", f.array(charT, 16), str("ab", 16)));
        assertEquals("\"abcd\"", local("full", f.array(charT, 4), str("abcd", 4)));
        assertEquals("'a' <repeats 20 times>, \"b\\000\\000\\000\\000\\000\\000\\000\\000\"",
                local("rep", f.array(charT, 30), str("aaaaaaaaaaaaaaaaaaaab", 30)));
        // c3.c: many[300] = 'a' + i % 26, many[299] = 0: 200 characters, then ...
        byte[] many = new byte[300];
        for (int i = 0; i < 299; i++) many[i] = (byte) ('a' + i % 26);
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        assertEquals("\"" + alphabet.repeat(8).substring(0, 200) + "\"...", local("many", f.array(charT, 300), many));
        // c4.c: cr[40] all 'z' but the last: cr = 'z' <repeats 39 times>
        assertEquals("'z' <repeats 39 times>", local("cr", f.array(charT, 40), concat(str("z".repeat(39), 40))));
        // c2.c (UTF-8 locale): ub = "\001\002\310a"
        DebugType uchar = f.base("unsigned char", 1, Dw.ATE_UNSIGNED_CHAR);
        assertEquals("\"\\001\\002\\310a\"", local("ub", f.array(uchar, 5), bytes(1, 2, 200, 'a', 0)));
        // c1.c: un.c (char[4] over 0x41424344) = "DCBA"
        assertEquals("\"DCBA\"", local("c", f.array(charT, 4), str("DCBA", 4)));
    }

    @Test
    void arrays() {
        assertEquals("{1, 2, 3}", local("arr", f.array(intT, 3), le(4, 1, 2, 3)));
        assertEquals("{0 <repeats 16 times>}", local("zero", f.array(intT, 16), new byte[64]));
        long[] mix = new long[14];
        mix[0] = 1;
        mix[13] = 5;
        assertEquals("{1, 0 <repeats 12 times>, 5}", local("mix", f.array(intT, 14), le(4, mix)));
        long[] big = new long[300];
        for (int i = 0; i < 300; i++) big[i] = i;
        String expected = "{" + java.util.stream.LongStream.range(0, 200).mapToObj(Long::toString).collect(Collectors.joining(", ")) + "...}";
        assertEquals(expected, local("big", f.array(intT, 300), le(4, big)));
        long[] reps = new long[25];
        for (int i = 0; i < 25; i++) reps[i] = i < 12 ? 7 : i;
        assertEquals("{7 <repeats 12 times>, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}", local("reps", f.array(intT, 25), le(4, reps)));
        assertEquals("{{1, 2, 3}, {4, 5, 6}}", local("m2", f.array(intT, 2, 3), le(4, 1, 2, 3, 4, 5, 6)));
        // c3.c: exactly 10 repeats stay inline, 11 collapse
        assertEquals("{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1, 1}", local("tenr", f.array(intT, 12), le(4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1, 1)));
        assertEquals("{5 <repeats 11 times>, 1}", local("elevr", f.array(intT, 12), le(4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1)));
        // c4.c: pts = {{x = 1, y = 2} <repeats 14 times>, {x = 3, y = 2}}
        DebugType pt = f.struct("pt", 8, field("x", intT, 0), field("y", intT, 4));
        long[] pts = new long[30];
        for (int i = 0; i < 15; i++) {
            pts[2 * i] = 1;
            pts[2 * i + 1] = 2;
        }
        pts[28] = 3;
        assertEquals("{{x = 1, y = 2} <repeats 14 times>, {x = 3, y = 2}}", local("pts", f.array(pt, 15), le(4, pts)));
        // c4.c: huge[20000] = <error reading variable huge (value requires 80000 bytes, which is more than max-value-size)>
        assertEquals("<error reading variable huge (value requires 80000 bytes, which is more than max-value-size)>",
                local("huge", f.array(intT, 20000), new byte[80000]));
    }

    @Test
    void pointers() {
        f.global("counter", intT, 0x555555558010L, le(4, 7));
        f.global("table", f.array(intT, 5), 0x555555558020L, le(4, 1, 2, 3, 4, 5));
        DebugType fn = f.function(intT, intT);
        f.function("square", fn, 0x555555555129L);
        f.map(0x555555556010L, "hello\n\"world\"\\\001\177\200x\0".getBytes(StandardCharsets.ISO_8859_1));
        DebugType intp = f.ptr(intT);
        DebugType constChar = f.qual(Dw.TAG_CONST_TYPE, charT);
        assertEquals("0x555555558010 <counter>", local("p", intp, le(8, 0x555555558010L)));
        assertEquals("0x0", local("np", intp, le(8, 0)));
        assertEquals("0x555555558028 <table+8>", local("tp", intp, le(8, 0x555555558028L)));
        assertEquals("0x555555555129 <square>", local("fp", f.ptr(fn), le(8, 0x555555555129L)));
        assertEquals("0x555555556010 \"hello\\n\\\"world\\\"\\\\\\001\\177\\200x\"", local("s", f.ptr(constChar), le(8, 0x555555556010L)));
        assertEquals("0x10 <error: Cannot access memory at address 0x10>", local("bad", f.ptr(charT), le(8, 0x10)));
        assertEquals("0x7fffffffdf10", local("vp", f.ptr(null), le(8, 0x7fffffffdf10L)));
        // c1.c: fparr = {0x555555555129 <square>, 0x0}
        assertEquals("{0x555555555129 <square>, 0x0}", local("fparr", f.array(f.ptr(fn), 2), le(8, 0x555555555129L, 0)));
        // c3.c: pointers into a char array print the symbol and the string
        f.global("buf", f.array(charT, 16), 0x555555558100L, str("hello", 16));
        assertEquals("0x555555558100 <buf> \"hello\"", local("pb", f.ptr(charT), le(8, 0x555555558100L)));
        assertEquals("0x555555558102 <buf+2> \"llo\"", local("pm", f.ptr(charT), le(8, 0x555555558102L)));
    }

    @Test
    void printPrefixes() {
        f.global("counter", intT, 0x555555558010L, le(4, 7));
        DebugType fn = f.function(intT, intT);
        f.function("square", fn, 0x555555555129L);
        f.map(0x555555556010L, str("hello", 6));
        DebugType uchar = f.base("unsigned char", 1, Dw.ATE_UNSIGNED_CHAR);
        f.scope(DebugScope.Kind.FUNCTION, "main",
                f.stackLocal("p", f.ptr(intT), le(8, 0x555555558010L)),
                f.stackLocal("fp", f.ptr(fn), le(8, 0x555555555129L)),
                f.stackLocal("s", f.ptr(f.qual(Dw.TAG_CONST_TYPE, charT)), le(8, 0x555555556010L)),
                f.stackLocal("up", f.ptr(uchar), le(8, 0x555555556010L)),
                f.stackLocal("vp", f.ptr(null), le(8, 0x7fffffffdf10L)),
                f.stackLocal("cp", f.qual(Dw.TAG_CONST_TYPE, f.ptr(intT)), le(8, 0)));
        assertEquals("(int *) 0x555555558010 <counter>", f.print("p"));
        assertEquals("(int (*)(int)) 0x555555555129 <square>", f.print("fp"));
        assertEquals("{int (int)} 0x555555555129 <square>", f.print("*fp"));
        assertEquals("{int (int)} 0x555555555129 <square>", f.print("square"));
        assertEquals("(int (*)(int)) 0x555555555129 <square>", f.print("&square"));
        assertEquals("0x555555556010 \"hello\"", f.print("s"));
        assertEquals("(unsigned char *) 0x555555556010 \"hello\"", f.print("up"));
        assertEquals("(void *) 0x7fffffffdf10", f.print("vp"));
        assertEquals("(int * const) 0x0", f.print("cp"));
        assertEquals("(int *) 0x555555558010 <counter>", f.print("&counter"));
    }

    @Test
    void structsUnionsEnumsBitfields() {
        DebugType kind = f.enumeration("kind", "kind", false, en("TOOL", 0), en("FOOD", 1), en("TOY", 2));
        DebugType flt = f.base("float", 4, Dw.ATE_FLOAT);
        DebugType uint = f.base("unsigned int", 4, Dw.ATE_UNSIGNED);
        DebugType bits = f.struct("flagsbits", 4, bitfield("fragile", uint, 0, 1), bitfield("heavy", uint, 1, 1), bitfield("grade", intT, 2, 3));
        DebugType item = f.struct("item", 32);
        DebugType itemp = f.ptr(item);
        DebugType itemFull = f.struct("item", 32, field("name", f.array(charT, 8), 0), field("kind", kind, 8), field("qty", intT, 12),
                field("price", flt, 16), field("f", bits, 20), field("next", itemp, 24));
        // the pointer was made to the incomplete one: point it at the complete type instead
        DebugType next = f.ptr(itemFull);
        itemFull = f.struct("item", 32, field("name", f.array(charT, 8), 0), field("kind", kind, 8), field("qty", intT, 12),
                field("price", flt, 16), field("f", bits, 20), field("next", next, 24));
        byte[] it = concat(str("hammer", 8), le(4, 0, 3, Float.floatToIntBits(1.25f), 1 | 0 << 1 | 3 << 2), le(8, 0));
        assertEquals("{name = \"hammer\\000\", kind = TOOL, qty = 3, price = 1.25, f = {fragile = 1, heavy = 0, grade = 3}, next = 0x0}",
                local("it", itemFull, it));
        byte[] it2 = concat(str("saw", 8), le(4, 1, -1, Float.floatToIntBits(2.5f), 0 | 1 << 1 | (-2 & 7) << 2), le(8, 0x7fffffffdf10L));
        assertEquals("{name = \"saw\\000\\000\\000\\000\", kind = FOOD, qty = -1, price = 2.5, f = {fragile = 0, heavy = 1, grade = -2}, next = 0x7fffffffdf10}",
                local("it2", itemFull, it2));
        // enums: TOOL/FOOD/TOY (0, 1, 2) is a flag enum for gdb: k = 4 prints (unknown: 0x4)
        assertEquals("(unknown: 0x4)", local("k", kind, le(4, 4)));
        DebugType flags = f.enumeration("flags", "flags", false, en("FA", 1), en("FB", 2), en("FC", 8));
        assertEquals("(FA | FC)", local("fl", flags, le(4, 9)));
        assertEquals("(FA | unknown: 0x4)", local("fl2", flags, le(4, 5)));
        assertEquals("0", local("fl0", flags, le(4, 0)));
        assertEquals("(unknown: 0x10)", local("fl16", flags, le(4, 16)));
        // c2.c: enum nf { A1 = 1, A2 = 2, A3 = 3 } is not a flag enum: e7 = 7, e3 = A3; enum neg { NM = -1, NZ = 0 }: en = -2
        DebugType nf = f.enumeration("nf", "nf", false, en("A1", 1), en("A2", 2), en("A3", 3));
        assertEquals("7", local("e7", nf, le(4, 7)));
        assertEquals("A3", local("e3", nf, le(4, 3)));
        DebugType neg = f.enumeration("neg", "neg", false, en("NM", -1), en("NZ", 0));
        assertEquals("-2", local("en", neg, le(4, -2)));
        // union u { int i; float f; char c[4]; }: un = {i = 1094861636, f = 12.1414223, c = "DCBA"}
        DebugType u = f.struct(Dw.TAG_UNION_TYPE, "u", 4, field("i", intT, 0), field("f", flt, 0), field("c", f.array(charT, 4), 0));
        assertEquals("{i = 1094861636, f = 12.1414223, c = \"DCBA\"}", local("un", u, le(4, 0x41424344)));
        // struct anon { int a; union { int x; float y; }; struct { short p, q; }; }: an = {a = 1, {x = 2, y = 2.80259693e-45}, {p = 3, q = 4}}
        DebugType sh = f.base("short int", 2, Dw.ATE_SIGNED);
        DebugType au = f.struct(Dw.TAG_UNION_TYPE, "", 4, field("x", intT, 0), field("y", flt, 0));
        DebugType as = f.struct("", 4, field("p", sh, 0), field("q", sh, 2));
        DebugType anon = f.struct("anon", 12, field("a", intT, 0), field("", au, 4), field("", as, 8));
        assertEquals("{a = 1, {x = 2, y = 2.80259693e-45}, {p = 3, q = 4}}", local("an", anon, concat(le(4, 1, 2), le(2, 3, 4))));
        // c3.c: e = {<No data fields>}; b = {ok = true, neg = -3, big = 1000}
        assertEquals("{<No data fields>}", local("e", f.struct("empty", 0), new byte[0]));
        DebugType bool = f.base("_Bool", 1, Dw.ATE_BOOLEAN);
        DebugType bf = f.struct("bf", 4, bitfield("ok", bool, 0, 1), bitfield("neg", intT, 1, 4), bitfield("big", uint, 5, 20));
        assertEquals("{ok = true, neg = -3, big = 1000}", local("b", bf, le(4, 1 | (-3 & 15) << 1 | 1000 << 5)));
    }

    @Test
    void optimizedOutAndRegisters() {
        // o1.c at -O2, frame 1 (f) while g runs: a = <optimized out>, b = {1, 4}
        f.registers.put(Dw.REG_RBX, 7L);
        DebugVariable a = Fixture.variable("a", false, intT, dev.omniscope.debuginfo.DwarfOp.of(Dw.OP_REG0 + 3, 0, 0, 0));
        DebugVariable gone = Fixture.variable("r", false, intT, dev.omniscope.debuginfo.DwarfOp.of(Dw.OP_REG0, 0, 0, 0));
        f.scope(DebugScope.Kind.FUNCTION, "f", a, gone);
        List<ShownValue> shown = FrameValues.locals(f);
        assertEquals("7", shown.get(0).value());
        assertEquals(null, shown.get(0).address());
        assertEquals("<optimized out>", shown.get(1).value());
        assertEquals("value has been optimized out", f.print("r+1"));
        assertEquals("<optimized out>", f.print("r"));
        assertEquals("Attempt to take address of value not located in memory.", f.print("&a"));
    }

    /**
     * A one-byte integer type that is not a C char (Rust's {@code u8}: DW_ATE_unsigned, 1 byte), as
     * gdb 13.1 prints it in C: {@code rustc -g r.rs}, {@code break r.rs:7}, {@code run},
     * {@code set language c}, {@code print n} gives {@code $2 = 7 '\a'} and {@code print s.data_ptr}
     * {@code $3 = (u8 *) 0x5555555593a8 "hi/rustc/..."}.
     */
    @Test
    void oneByteIntegersAreCharacters() {
        DebugType u8 = f.base("u8", 1, Dw.ATE_UNSIGNED);
        f.map(0x5555555593a8L, new byte[] {'h', 'i', 0});
        f.scope(DebugScope.Kind.FUNCTION, "work", f.stackLocal("n", u8, new byte[] {7}),
                f.stackLocal("p", f.ptr(u8), le(8, 0x5555555593a8L)));
        assertEquals("7 '\\a'", f.print("n"));
        assertEquals("(u8 *) 0x5555555593a8 \"hi\"", f.print("p"));
    }
}
