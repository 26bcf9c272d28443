package dev.omniscope.values;

import static dev.omniscope.values.Fixture.artificial;
import static dev.omniscope.values.Fixture.en;
import static dev.omniscope.values.Fixture.field;
import static dev.omniscope.values.Fixture.le;
import static dev.omniscope.values.Fixture.staticMember;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;

/**
 * C++ values as gdb 13 prints them: p1.cpp ({@code g++ -g -O0}), frames {@code use} and
 * {@code main}, printed with {@code info args}, {@code info locals} and {@code print}.
 */
class CxxFormatTest {
    private final Fixture f = Fixture.cxx();
    private final DebugType intT = f.intT();

    @Test
    void referencesBasesStaticsVtablesEnums() {
        DebugType pt = f.struct("geo::Point", 8, field("x", intT, 0), field("y", intT, 4));
        DebugType base = f.struct("Base", 4, field("x", intT, 0));
        DebugType derived = f.struct("Derived", 8, Fixture.base(base, 0), field("y", intT, 4), staticMember("count", intT));
        DebugType fnT = f.function(intT);
        DebugType vptrT = f.ptr(f.ptr(fnT));
        DebugType shape = f.struct("Shape", 16, artificial("_vptr.Shape", vptrT, 0), field("id", intT, 8));
        DebugType dbl = f.base("double", 8, Dw.ATE_FLOAT);
        DebugType circle = f.struct("Circle", 24, Fixture.base(shape, 0), field("r", dbl, 16));
        DebugType color = f.enumeration("Color", "geo::Color", true, en("Red", 0), en("Green", 5));
        DebugType plain = f.enumeration("Plain", "geo::Plain", false, en("PA", 0), en("PB", 1));
        DebugType kindE = f.enumeration("E", "Kind::E", false, en("K1", 0), en("K2", 1));
        DebugType kind = f.struct("Kind", 4, field("e", kindE, 0));
        f.global("Derived::count", intT, 0x555555558010L, le(4, 3));
        f.symbol("vtable for Circle", 0x555555557d48L, 48);
        long c = 0x7fffffffe620L;
        f.map(c, Fixture.concat(le(8, 0x555555557d58L), le(4, 9, 0), le(8, Double.doubleToLongBits(2.0))));
        f.map(0x7fffffffe644L, le(4, 5));
        f.map(0x7fffffffe618L, le(4, 3, 4));
        f.scope(DebugScope.Kind.FUNCTION, "main",
                f.stackLocal("r", f.ref(intT), le(8, 0x7fffffffe644L)),
                f.stackLocal("d", derived, le(4, 1, 2)),
                f.memoryVariable("c", false, circle, c),
                f.stackLocal("sr", f.ref(shape), le(8, c)),
                f.stackLocal("sp", f.ptr(shape), le(8, c)),
                f.stackLocal("ptr", f.ref(pt), le(8, 0x7fffffffe618L)),
                f.stackLocal("col", color, le(4, 5)),
                f.stackLocal("colx", color, le(4, 7)),
                f.stackLocal("pl", plain, le(4, 1)),
                f.stackLocal("kk", kind, le(4, 1)),
                f.stackLocal("np", f.add(Dw.TAG_UNSPECIFIED_TYPE, "decltype(nullptr)", "decltype(nullptr)", 8, 0, 0, List.of(), List.of(), List.of(), List.of(), false, false), le(8, 0)),
                f.stackLocal("bt", f.base("bool", 1, Dw.ATE_BOOLEAN), Fixture.bytes(1)),
                f.stackLocal("wc", f.base("wchar_t", 4, Dw.ATE_SIGNED), le(4, 'y')),
                f.stackLocal("c16", f.base("char16_t", 2, Dw.ATE_UTF), le(2, 'z')),
                f.stackLocal("c32", f.base("char32_t", 4, Dw.ATE_UTF), le(4, 'w')));
        List<ShownValue> locals = FrameValues.locals(f);
        String[] expected = {
            "r = @0x7fffffffe644: 5",
            "d = {<Base> = {x = 1}, y = 2, static count = 3}",
            "c = {<Shape> = {_vptr.Shape = 0x555555557d58 <vtable for Circle+16>, id = 9}, r = 2}",
            "sr = @0x7fffffffe620: {_vptr.Shape = 0x555555557d58 <vtable for Circle+16>, id = 9}",
            "sp = 0x7fffffffe620",
            "ptr = @0x7fffffffe618: {x = 3, y = 4}",
            "col = geo::Color::Green",
            "colx = 7",
            "pl = geo::PB",
            "kk = {e = Kind::K2}",
            "np = 0",
            "bt = true",
            "wc = 121 L'y'",
            "c16 = 122 u'z'",
            "c32 = 119 U'w'",
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], locals.get(i).name() + " = " + locals.get(i).value());
        }
        assertEquals("(int &) @0x7fffffffe644: 5", f.print("r"));
        assertEquals("(Shape &) @0x7fffffffe620: {_vptr.Shape = 0x555555557d58 <vtable for Circle+16>, id = 9}", f.print("sr"));
        assertEquals("(Shape *) 0x7fffffffe620", f.print("sp"));
        assertEquals("{_vptr.Shape = 0x555555557d58 <vtable for Circle+16>, id = 9}", f.print("*sp"));
        assertEquals("3", f.print("Derived::count"));
        assertEquals("3", f.print("d.count"));
        assertEquals("geo::Color::Green", f.print("col"));
        assertEquals("true", f.print("1 == 1"));
        assertEquals("(geo::Point *) 0x7fffffffe618", f.print("&ptr"));
        assertEquals("6", f.print("r + 1"));
        assertEquals("geo::Point &", locals.get(5).type());
        assertEquals("Derived", locals.get(1).type());
        // children: base class, field, static member
        try {
            List<ShownValue> kids = FrameValues.children(f, "d", 0, 10);
            assertEquals(List.of("<Base>", "y", "count"), kids.stream().map(ShownValue::name).toList());
            assertEquals("{x = 1}", kids.get(0).value());
            assertEquals("d.y", kids.get(1).expression());
            assertEquals("Derived::count", kids.get(2).expression());
            List<ShownValue> viaPointer = FrameValues.children(f, "sp", 0, 10);
            assertEquals(List.of("_vptr.Shape", "id"), viaPointer.stream().map(ShownValue::name).toList());
            assertEquals("sp->id", viaPointer.get(1).expression());
            assertEquals("9", viaPointer.get(1).value());
        } catch (ExpressionException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * values_cpp2.cpp ({@code g++ -g -O0} and {@code -O2}), gdb 13.1:
     * in {@code Item::weight() const}, {@code print name} (a field of the base class Named) is the
     * field, not a global of that name elsewhere: {@code $1 = 0x555555556008 "widget"};
     * in {@code adjust(int *&ptr, ...)}, {@code print ptr} is {@code (int *&) @0x7fffffffe578: 0x555555558044 <numbers+4>}
     * and {@code print *ptr} the int it points to, {@code $2 = 20}; {@code print *moved} of an
     * {@code int &&} is {@code Attempt to take contents of a non-pointer value.};
     * in the lambda at -O2, {@code print scale} (an {@code int &} capture, optimized out) is
     * {@code $3 = <optimized out>}, without print's {@code (int &)}.
     */
    @Test
    void thisFieldsFirstReferencesToPointersOptimizedOutReferences() {
        DebugType charT = f.charT();
        DebugType cstr = f.ptr(f.qual(Dw.TAG_CONST_TYPE, charT));
        DebugType named = f.struct("Named", 16, field("name", cstr, 8));
        DebugType item = f.struct("Item", 24, Fixture.base(named, 0), field("size", intT, 16));
        f.map(0x555555556008L, new byte[] {'w', 'i', 'd', 'g', 'e', 't', 0});
        f.global("name", f.array(charT, 4), 0x555555559000L, new byte[4]); // a global of that name
        f.symbol("numbers", 0x555555558040L, 16);
        f.map(0x555555558040L, le(4, 10, 20, 30, 40));
        f.map(0x7fffffffe5c0L, Fixture.concat(le(8, 0, 0x555555556008L), le(4, 5, 0)));
        f.map(0x7fffffffe578L, le(8, 0x555555558044L));
        f.map(0x7fffffffe608L, le(4, 88));
        f.scope(DebugScope.Kind.FUNCTION, "Item::weight",
                f.stackLocal("this", f.ptr(f.qual(Dw.TAG_CONST_TYPE, item)), le(8, 0x7fffffffe5c0L)),
                f.stackLocal("ptr", f.ref(f.ptr(intT)), le(8, 0x7fffffffe578L)),
                f.stackLocal("moved", f.add(Dw.TAG_RVALUE_REFERENCE_TYPE, "", "", 8, 0, intT.offset(), List.of(), List.of(), List.of(),
                        List.of(), false, false), le(8, 0x7fffffffe608L)),
                Fixture.variable("scale", false, f.ref(intT)));
        assertEquals("0x555555556008 \"widget\"", f.print("name"));
        assertEquals("5", f.print("size"));
        assertEquals("(int *&) @0x7fffffffe578: 0x555555558044 <numbers+4>", f.print("ptr"));
        assertEquals("20", f.print("*ptr"));
        assertEquals("Attempt to take contents of a non-pointer value.", f.print("*moved"));
        assertEquals("<optimized out>", f.print("scale"));
    }

    /**
     * values_cpp2.cpp ({@code g++ -g -O0}), in {@code Table<int, double, 3>::lookup(int) const}
     * (template <typename K, typename V, int N>), gdb 13.1: {@code print N} is {@code $1 = 3},
     * {@code print N + 1} is {@code $2 = 4}, {@code print K} is
     * {@code Attempt to use a type name as an expression}, which omni reports as no symbol.
     */
    @Test
    void nonTypeTemplateParametersOfTheMethodsClass() {
        DebugType table = f.template("Table<int, double, 3>", 56, List.of(new DebugType.TemplateParameter("K", intT.offset(), null),
                new DebugType.TemplateParameter("N", intT.offset(), 3L)), field("used", intT, 48));
        f.map(0x7fffffffe590L, new byte[56]);
        DebugScope s = f.scope(DebugScope.Kind.FUNCTION, "Table<int, double, 3>::lookup",
                f.stackLocal("this", f.ptr(f.qual(Dw.TAG_CONST_TYPE, table)), le(8, 0x7fffffffe590L)));
        assertEquals("Table<int, double, 3>::lookup", s.qualifiedName());
        assertEquals("3", f.print("N"));
        assertEquals("4", f.print("N + 1"));
    }

    /**
     * values_cpp2.cpp ({@code g++ -g -O0}, {@code namespace oi = outer::inner;}), gdb 13.1 in
     * {@code adjust}: {@code print oi::counter} is {@code $1 = 3}, as {@code print outer::inner::counter};
     * {@code print (oi::Level)8} is {@code $2 = outer::inner::Level::Mid}.
     */
    @Test
    void namespaceAliases() {
        f.aliases.put("oi", "outer::inner");
        f.global("outer::inner::counter", intT, 0x555555558010L, le(4, 3));
        DebugType level = f.enumeration("Level", "outer::inner::Level", true, en("Low", 1), en("Mid", 8));
        f.scope(DebugScope.Kind.FUNCTION, "adjust");
        assertEquals("3", f.print("oi::counter"));
        assertEquals("3", f.print("outer::inner::counter"));
        assertEquals("3", f.print("::oi::counter"));
        assertEquals("outer::inner::Level::Mid", f.print("(oi::Level)8"));
        assertEquals("outer::inner::Level", TypeNames.name(f, level.offset()));
    }

    /**
     * values_cpp2.cpp ({@code g++ -g -O0}), in the lambda {@code [bias, &scale](int v)}: gdb 13.1
     * {@code info locals} lists the captures, which g++ declares as artificial variables:
     * <pre>
     * out = 26
     * scale = @0x7fffffffe554: 3
     * bias = -4
     * </pre>
     */
    @Test
    void lambdaCapturesAreLocals() {
        f.map(0x7fffffffe554L, le(4, 3));
        f.scope(DebugScope.Kind.FUNCTION, "operator()",
                new dev.omniscope.debuginfo.DebugVariable("scale", false, f.ref(intT).offset(), 1, new dev.omniscope.debuginfo.VarLocation.Expression(
                        List.of(dev.omniscope.debuginfo.DwarfOp.of(Dw.OP_ADDR, 0x7fffffffe600L, 0, 0))), true, false),
                new dev.omniscope.debuginfo.DebugVariable("bias", false, intT.offset(), 1, new dev.omniscope.debuginfo.VarLocation.Expression(
                        List.of(dev.omniscope.debuginfo.DwarfOp.of(Dw.OP_ADDR, 0x7fffffffe608L, 0, 0))), true, false));
        f.scope(DebugScope.Kind.BLOCK, "", f.stackLocal("out", intT, le(4, 26)));
        f.map(0x7fffffffe600L, le(8, 0x7fffffffe554L));
        f.map(0x7fffffffe608L, le(4, -4));
        List<ShownValue> locals = FrameValues.locals(f);
        assertEquals(List.of("out = 26", "scale = @0x7fffffffe554: 3", "bias = -4"),
                locals.stream().map(v -> v.name() + " = " + v.value()).toList());
    }
}
