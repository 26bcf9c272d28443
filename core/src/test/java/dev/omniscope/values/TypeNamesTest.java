package dev.omniscope.values;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;

/** Type names as gdb 13's {@code whatis} prints them (c1.c, c3.c, p1.cpp). */
class TypeNamesTest {
    private static String name(Fixture f, DebugType t) {
        return TypeNames.name(f, t.offset());
    }

    @Test
    void cNames() {
        Fixture f = Fixture.c();
        DebugType i = f.intT(), c = f.charT();
        DebugType item = f.struct("item", 32);
        assertEquals("int", name(f, i));
        assertEquals("long", name(f, f.base("long int", 8, Dw.ATE_SIGNED)));
        assertEquals("unsigned long", name(f, f.base("long unsigned int", 8, Dw.ATE_UNSIGNED)));
        assertEquals("short", name(f, f.base("short int", 2, Dw.ATE_SIGNED)));
        assertEquals("unsigned short", name(f, f.base("short unsigned int", 2, Dw.ATE_UNSIGNED)));
        assertEquals("long long", name(f, f.base("long long int", 8, Dw.ATE_SIGNED)));
        assertEquals("__int128 unsigned", name(f, f.base("__int128 unsigned", 16, Dw.ATE_UNSIGNED)));
        assertEquals("struct item *", name(f, f.ptr(item)));
        assertEquals("char [8]", name(f, f.array(c, 8)));
        assertEquals("const char *", name(f, f.ptr(f.qual(Dw.TAG_CONST_TYPE, c))));
        assertEquals("const char * const", name(f, f.qual(Dw.TAG_CONST_TYPE, f.ptr(f.qual(Dw.TAG_CONST_TYPE, c)))));
        assertEquals("int * const", name(f, f.qual(Dw.TAG_CONST_TYPE, f.ptr(i))));
        DebugType fn = f.function(i, i);
        assertEquals("int (*)(int)", name(f, f.ptr(fn)));
        assertEquals("int (int)", name(f, fn));
        DebugType mainT = f.function(i, i, f.ptr(f.ptr(c)));
        assertEquals("int (int, char **)", name(f, mainT));
        assertEquals("int (*)(int, char **)", name(f, f.ptr(mainT)));
        assertEquals("int (void)", name(f, f.function(i)));
        assertEquals("int (*)[3]", name(f, f.ptr(f.array(i, 3))));
        assertEquals("int [2][3]", name(f, f.array(i, 2, 3)));
        assertEquals("int (*[2])(int)", name(f, f.array(f.ptr(fn), 2)));
        assertEquals("int (*(*)[2])(int)", name(f, f.ptr(f.array(f.ptr(fn), 2))));
        assertEquals("char ***", name(f, f.ptr(f.ptr(f.ptr(c)))));
        assertEquals("enum kind", name(f, f.enumeration("kind", "kind", false)));
        assertEquals("union u", name(f, f.struct(Dw.TAG_UNION_TYPE, "u", 4)));
        assertEquals("struct {...}", name(f, f.struct("", 4)));
        assertEquals("void *", name(f, f.ptr(null)));
        DebugType ulong = f.typedef("ulong_t", f.base("long unsigned int", 8, Dw.ATE_UNSIGNED));
        assertEquals("ulong_t", name(f, ulong));
        assertEquals("volatile int", name(f, f.qual(Dw.TAG_VOLATILE_TYPE, i)));
        assertEquals("const volatile int *", name(f, f.ptr(f.qual(Dw.TAG_VOLATILE_TYPE, f.qual(Dw.TAG_CONST_TYPE, i)))));
        DebugType intp = f.typedef("intp", f.ptr(i));
        assertEquals("const intp", name(f, f.qual(Dw.TAG_CONST_TYPE, intp)));
    }

    @Test
    void cxxNames() {
        Fixture f = Fixture.cxx();
        DebugType i = f.intT();
        DebugType shape = f.struct("Shape", 16);
        assertEquals("Shape &", name(f, f.ref(shape)));
        assertEquals("const Shape &", name(f, f.ref(f.qual(Dw.TAG_CONST_TYPE, shape))));
        assertEquals("int *&", name(f, f.ref(f.ptr(i))));
        assertEquals("int &&", name(f, f.add(Dw.TAG_RVALUE_REFERENCE_TYPE, "", "", 8, 0, i.offset(), java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), false, false)));
        assertEquals("geo::Point *", name(f, f.ptr(f.struct("geo::Point", 8))));
        assertEquals("Box<int>", name(f, f.struct("Box<int>", 4)));
        assertEquals("std::vector<unsigned long, std::allocator<unsigned long> >",
                name(f, f.struct("std::vector<long unsigned int, std::allocator<long unsigned int> >", 24)));
        assertEquals("int (&)[2]", name(f, f.ref(f.array(i, 2))));
        assertEquals("int (&)(int)", name(f, f.ref(f.function(i, i))));
        assertEquals("geo::Color", name(f, f.enumeration("Color", "geo::Color", true)));
        assertEquals("int (void)", name(f, f.function(i)));
    }

    @Test
    void functionNamesAsGdbSpellsThem() {
        // values_cpp2.cpp (g++ -O0), gdb 13.1 at `break values_cpp2.cpp:91`, second stop:
        // `bt` shows "#0  Table<char, short, 2>::lookup (this=..., key=98 'b')"; gcc's DW_AT_name of
        // the class is "Table<char, short int, 2>"
        assertEquals("Table<char, short, 2>::lookup", TypeNames.canonicalName("Table<char, short int, 2>::lookup"));
        assertEquals("Map<unsigned long, long long>::get", TypeNames.canonicalName("Map<long unsigned int, long long int>::get"));
        assertEquals("Table<int, double, 3>::lookup", TypeNames.canonicalName("Table<int, double, 3>::lookup"));
    }
}
