package dev.omniscope.values;

import static dev.omniscope.values.Fixture.field;
import static dev.omniscope.values.Fixture.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;

/** C expressions, against gdb 13's {@code print} in c1.c's and c4.c's main (gcc -g -O0). */
class ExpressionTest {
    private final Fixture f = Fixture.c();
    private DebugType intT;

    @BeforeEach
    void frame() {
        intT = f.intT();
        DebugType charT = f.charT();
        DebugType uint = f.base("unsigned int", 4, Dw.ATE_UNSIGNED);
        DebugType uchar = f.base("unsigned char", 1, Dw.ATE_UNSIGNED_CHAR);
        DebugType dbl = f.base("double", 8, Dw.ATE_FLOAT);
        DebugType flt = f.base("float", 4, Dw.ATE_FLOAT);
        f.base("long int", 8, Dw.ATE_SIGNED);
        DebugType pt = f.struct("pt", 8, field("x", intT, 0), field("y", intT, 4));
        DebugType item = f.struct("item", 24, field("name", f.array(charT, 8), 0), field("qty", intT, 8), field("price", flt, 12),
                field("next", f.ptr(pt), 16));
        f.global("counter", intT, 0x555555558010L, le(4, 7));
        f.global("table", f.array(intT, 5), 0x555555558020L, le(4, 1, 2, 3, 4, 5));
        f.scope(DebugScope.Kind.FUNCTION, "main",
                f.stackLocal("neg", intT, le(4, -1)),
                f.stackLocal("big", uint, le(4, 0x80000000L)),
                f.stackLocal("uc", uchar, Fixture.bytes(200)),
                f.stackLocal("c1", charT, Fixture.bytes('A')),
                f.stackLocal("d1", dbl, le(8, Double.doubleToLongBits(1.1))),
                f.stackLocal("arr", f.array(intT, 3), le(4, 1, 2, 3)),
                f.stackLocal("tp", f.ptr(intT), le(8, 0x555555558028L)),
                f.stackLocal("p", f.ptr(intT), le(8, 0x555555558010L)),
                f.stackLocal("pts", f.array(pt, 3), le(4, 1, 2, 3, 4, 5, 6)),
                f.stackLocal("it", item, Fixture.concat(Fixture.bytes('h', 'a', 'm', 0, 0, 0, 0, 0), le(4, 3, Float.floatToIntBits(1.25f)), le(8, 0))));
    }

    @Test
    void arithmeticAsGdb() {
        assertEquals("2147483647", f.print("neg + big"));       // unsigned int
        assertEquals("1", f.print("10 > 3 && 2"));
        assertEquals("1", f.print("-neg"));
        assertEquals("4294967294", f.print("5 - 7u"));
        assertEquals("0.33333333333333331", f.print("1.0/3"));
        assertEquals("98", f.print("'a' + 1"));
        assertEquals("3", f.print("3.0f"));
        assertEquals("10000000000", f.print("1e10"));
        assertEquals("-9223372036854775808", f.print("0x7fffffffffffffff + 1"));
        assertEquals("18446744073709551615", f.print("18446744073709551615"));
        assertEquals("1500", f.print("1.5e3"));
        assertEquals("Division by zero", f.print("10 % 0"));
        assertEquals("3.5", f.print("7 / 2.0f"));
        assertEquals("-2147483648", f.print("2147483647 + 1"));
        assertEquals("0", f.print("1 << 40"));
        assertEquals("1099511627776", f.print("1L << 40"));
        assertEquals("4294967295", f.print("0xffffffff"));
        assertEquals("4294967295", f.print("-1u"));
        assertEquals("7", f.print("07"));
        assertEquals("201", f.print("uc + 1"));
        assertEquals("2.2000000000000002", f.print("d1 * 2"));
        assertEquals("1", f.print("7 % 3"));
        assertEquals("-6", f.print("~5"));
        assertEquals("0", f.print("!5"));
        assertEquals("2", f.print("1 ? 2 : 3"));
        assertEquals("2.5", f.print("1 ? 2.5 : 3"));
        assertEquals("65 'A'", f.print("(char)65"));
        assertEquals("255 '\\377'", f.print("(unsigned char)-1"));
        assertEquals("0.333333343", f.print("(float)1/3"));
        assertEquals("4", f.print("sizeof(int)"));
        assertEquals("24", f.print("sizeof(it)"));
        assertEquals("65 'A'", f.print("'A'"));
        assertEquals("\"ab\"", f.print("\"a\" \"b\""));
    }

    @Test
    void lvaluesPointersMembers() {
        assertEquals("7", f.print("counter"));
        assertEquals("{1, 2, 3, 4, 5}", f.print("table"));
        assertEquals("(int (*)[5]) 0x555555558020 <table>", f.print("&table"));
        assertEquals("(int *) 0x555555558024 <table+4>", f.print("&table[1]"));
        assertEquals("6", f.print("tp - p"));
        assertEquals("(int *) 0x55555555802c <table+12>", f.print("tp + 1"));
        assertEquals("93824992247848", f.print("(long)tp"));
        assertEquals("{3, 4, 5}", f.print("*tp@3"));
        assertEquals("3", f.print("*tp"));
        assertEquals("4", f.print("tp[1]"));
        assertEquals("2", f.print("arr[1]"));
        assertEquals("1", f.print("*arr"));
        assertEquals("{x = 3, y = 4}", f.print("pts[1]"));
        assertEquals("{{x = 3, y = 4}, {x = 5, y = 6}}", f.print("pts[1]@2"));
        assertEquals("5", f.print("pts[2].x"));
        assertEquals("3", f.print("it.qty"));
        assertEquals("3", f.print("(&it)->qty"));
        assertEquals("3", f.print("it->qty"));
        assertEquals("\"ham\\000\\000\\000\\000\"", f.print("it.name"));
        assertEquals("\"ham\"", f.print("*it.name@3"));
        assertEquals("104 'h'", f.print("it.name[0]"));
        assertEquals("2.5", f.print("it.price * 2"));
        assertEquals("(struct pt *) 0x0", f.print("it.next"));
        assertEquals("1", f.print("p == &counter"));
    }

    @Test
    void errorsAsGdb() {
        assertEquals("No symbol \"nosuch\" in current context.", f.print("nosuch"));
        assertEquals("There is no member named foo.", f.print("it.foo"));
        assertEquals("Cannot access memory at address 0x41", f.print("*c1"));
        assertEquals("A syntax error in expression, near `'.", f.print("1 +"));
        assertEquals("A syntax error in expression, near `)'.", f.print(")"));
        assertEquals("Structure has no component named operator+.", f.print("it + 1"));
        assertEquals("Attempt to take contents of a non-pointer value.", f.print("*it"));
        assertEquals("Cannot access memory at address 0x0", f.print("*it.next"));
        assertEquals("No struct type named nosuch.", f.print("(struct nosuch *)0"));
        assertEquals("No symbol \"foo\" in current context.", f.print("(foo)1"));
        assertEquals("Attempt to take address of value not located in memory.", f.print("&5"));
        assertEquals("Only values in memory can be extended with '@'.", f.print("5@2"));
        ExpressionException e = assertThrows(ExpressionException.class, () -> FrameValues.evaluate(f, "counter + nosuch"));
        assertEquals(10, e.position());
    }

    @Test
    void shownValuesAndChildren() throws ExpressionException {
        ShownValue v = FrameValues.evaluate(f, "table[2]");
        assertEquals("int", v.type());
        assertEquals("0x555555558028", v.address());
        assertEquals(4, v.size());
        ShownValue pts = FrameValues.locals(f).get(8);
        assertEquals("struct pt [3]", pts.type());
        assertEquals(3, pts.children());
        List<ShownValue> elements = FrameValues.children(f, "pts", 1, 5);
        assertEquals(List.of("[1]", "[2]"), elements.stream().map(ShownValue::name).toList());
        assertEquals("pts[1]", elements.get(0).expression());
        assertEquals("{x = 3, y = 4}", elements.get(0).value());
        List<ShownValue> members = FrameValues.children(f, "pts[1]", 0, 5);
        assertEquals("pts[1].y", members.get(1).expression());
        assertEquals("4", members.get(1).value());
        List<ShownValue> target = FrameValues.children(f, "tp + 1", 0, 5);
        assertEquals("*(tp + 1)", target.get(0).expression());
        assertEquals("4", target.get(0).value());
    }
}
