package dev.omniscope.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** LineLookup's rules on hand-made line tables (ElfFileTest checks it against addr2line). */
class LineLookupTest {
    static final List<String> FILES = List.of("/src/a.c", "/src/b.h");
    static final LoadSegment TEXT = new LoadSegment(0x1000, 0x1000, 0x1000, 0x1000, LoadSegment.READ | LoadSegment.EXECUTE);

    static LineRow row(long address, int file, int line) {
        return new LineRow(address, file, line, 1, true, false);
    }

    static LineRow end(long address) {
        return new LineRow(address, 0, 0, 0, true, true);
    }

    static String at(LineLookup lookup, long address) {
        return lookup.find(address).map(Object::toString).orElse(null);
    }

    @Test
    void anAddressBelongsToTheLastRowAtOrBelowItUntilItsSequenceEnds() {
        LineLookup lookup = new LineLookup(List.of(
                row(0x1100, 0, 10), row(0x1108, 1, 3), row(0x1108, 0, 11), row(0x1110, 0, 12), end(0x1120),
                row(0x1200, 0, 30), end(0x1210)), FILES, List.of(TEXT), 0);
        assertThat(at(lookup, 0x10ff)).isNull();
        assertThat(at(lookup, 0x1100)).isEqualTo("/src/a.c:10");
        assertThat(at(lookup, 0x1107)).isEqualTo("/src/a.c:10");
        assertThat(at(lookup, 0x1108)).isEqualTo("/src/a.c:11"); // two rows at one address: the last
        assertThat(at(lookup, 0x111f)).isEqualTo("/src/a.c:12");
        assertThat(at(lookup, 0x1120)).isNull(); // between sequences
        assertThat(at(lookup, 0x11ff)).isNull();
        assertThat(at(lookup, 0x1200)).isEqualTo("/src/a.c:30");
        assertThat(at(lookup, 0x1210)).isNull();
    }

    @Test
    void aSequenceStartingWhereAnotherEndsTakesOverThere() {
        // libdw gives sequences unit by unit, so they need not come in address order.
        LineLookup lookup = new LineLookup(List.of(row(0x1200, 1, 5), end(0x1240), row(0x1100, 0, 1), end(0x1200)),
                FILES, List.of(TEXT), 0);
        assertThat(at(lookup, 0x11ff)).isEqualTo("/src/a.c:1");
        assertThat(at(lookup, 0x1200)).isEqualTo("/src/b.h:5");
    }

    @Test
    void sequencesOfDiscardedCodeAtAddressZeroAreIgnored() {
        List<LineRow> rows = List.of(row(0, 1, 99), end(0x2000), row(0x1100, 0, 7), end(0x1110));
        LineLookup lookup = new LineLookup(rows, FILES, List.of(TEXT), 0);
        assertThat(at(lookup, 0x1080)).isNull();
        assertThat(at(lookup, 0x1104)).isEqualTo("/src/a.c:7");
        assertThat(at(lookup, 0x1900)).isNull();
        // Without segments there is nothing to tell them by.
        assertThat(at(new LineLookup(rows, FILES, List.of(), 0), 0x1080)).isEqualTo("/src/b.h:99");
    }

    @Test
    void theBiasIsSubtractedAndUnknownFilesStayUnknown() {
        LineLookup lookup = new LineLookup(List.of(row(0x1100, -1, 4), end(0x1104)), FILES, List.of(TEXT), 0x400000);
        assertThat(lookup.find(0x401100)).hasValueSatisfying(l -> {
            assertThat(l.file()).isNull();
            assertThat(l.line()).isEqualTo(4);
            assertThat(l).hasToString("??:4");
        });
        assertThat(lookup.find(0x1100)).isEmpty();
    }
}
