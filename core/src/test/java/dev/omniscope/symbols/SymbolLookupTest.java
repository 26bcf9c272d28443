package dev.omniscope.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.omniscope.symbols.ElfSymbol.Binding;
import dev.omniscope.symbols.ElfSymbol.Kind;

/** SymbolLookup's rules on hand-made symbol tables (ElfFileTest checks it on real programs). */
class SymbolLookupTest {
    static final LoadSegment TEXT = new LoadSegment(0x1000, 0x1000, 0x1000, 0x1000, LoadSegment.READ | LoadSegment.EXECUTE);
    static final LoadSegment DATA = new LoadSegment(0x3000, 0x1000, 0x2000, 0x800, LoadSegment.READ | LoadSegment.WRITE);

    static ElfSymbol fn(String name, long value, long size, Binding binding) {
        return new ElfSymbol(name, name, value, size, Kind.FUNC, binding, true);
    }

    static String at(SymbolLookup lookup, long address) {
        return lookup.find(address).map(Object::toString).orElse(null);
    }

    @Test
    void sizedFunctionsCoverTheirRangeOnly() {
        SymbolLookup lookup = new SymbolLookup(List.of(fn("a", 0x1100, 0x10, Binding.GLOBAL), fn("b", 0x1120, 0x20, Binding.LOCAL)),
                List.of(TEXT, DATA), 0);
        assertThat(at(lookup, 0x10ff)).isNull();
        assertThat(at(lookup, 0x1100)).isEqualTo("a");
        assertThat(at(lookup, 0x110f)).isEqualTo("a+0xf");
        assertThat(at(lookup, 0x1110)).isNull(); // padding between functions
        assertThat(at(lookup, 0x113f)).isEqualTo("b+0x1f");
        assertThat(at(lookup, 0x1140)).isNull();
    }

    @Test
    void theBiasIsSubtracted() {
        SymbolLookup lookup = new SymbolLookup(List.of(fn("a", 0x1100, 0x10, Binding.GLOBAL)), List.of(TEXT), 0x7f0000000000L);
        assertThat(at(lookup, 0x7f0000001104L)).isEqualTo("a+0x4");
        assertThat(at(lookup, 0x1104)).isNull();
    }

    @Test
    void ofAliasesThePublicNameWins() {
        List<ElfSymbol> aliases = List.of(fn("__libc_malloc", 0x1100, 0x40, Binding.GLOBAL), fn("malloc", 0x1100, 0x40, Binding.GLOBAL),
                fn("__malloc", 0x1100, 0x40, Binding.LOCAL), fn("malloc_weak", 0x1100, 0x40, Binding.WEAK));
        assertThat(at(new SymbolLookup(aliases, List.of(TEXT), 0), 0x1108)).isEqualTo("malloc+0x8");
    }

    @Test
    void aFunctionInsideAnotherIsFoundAndTheOuterOneAroundIt() {
        SymbolLookup lookup = new SymbolLookup(List.of(fn("outer", 0x1000, 0x100, Binding.GLOBAL), fn("inner", 0x1040, 0x10, Binding.LOCAL)),
                List.of(TEXT), 0);
        assertThat(at(lookup, 0x1044)).isEqualTo("inner+0x4");
        assertThat(at(lookup, 0x1050)).isEqualTo("outer+0x50");
    }

    @Test
    void unsizedSymbolsAreAFallbackWithinTheirSegmentUntilTheNextSizedFunction() {
        List<ElfSymbol> symbols = List.of(fn("_start", 0x1000, 0, Binding.GLOBAL), fn("main", 0x1100, 0x20, Binding.GLOBAL),
                fn("asm_tail", 0x1200, 0, Binding.LOCAL),
                new ElfSymbol("counter", "counter", 0x3000, 4, Kind.OBJECT, Binding.GLOBAL, true),
                new ElfSymbol("puts", "puts", 0, 0, Kind.FUNC, Binding.GLOBAL, false));
        SymbolLookup lookup = new SymbolLookup(symbols, List.of(TEXT, DATA), 0);
        assertThat(at(lookup, 0x1010)).isEqualTo("_start+0x10");
        assertThat(at(lookup, 0x1110)).isEqualTo("main+0x10");
        assertThat(at(lookup, 0x1130)).isNull(); // after main, and _start is before main
        assertThat(at(lookup, 0x1300)).isEqualTo("asm_tail+0x100");
        assertThat(at(lookup, 0x3000)).isNull(); // data, and not in asm_tail's segment
        assertThat(at(lookup, 0)).isNull(); // undefined symbols are not code of this module
    }
}
