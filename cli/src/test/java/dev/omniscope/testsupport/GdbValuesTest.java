package dev.omniscope.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.omniscope.testsupport.GdbValues.Outcome;
import dev.omniscope.testsupport.GdbValues.Tally;
import dev.omniscope.testsupport.GdbValues.Variable;

/** The values oracle's normaliser and tally, on texts gdb 13.1 printed for the values_* test programs. */
class GdbValuesTest {
    @Test
    void stackAddressesBecomeAPlaceholderAndNothingElseDoes() {
        assertThat(GdbValues.normalise("0x7fffffffe584")).isEqualTo("<stack>");
        assertThat(GdbValues.normalise("@0x7fffffffe5d4: 14")).isEqualTo("@<stack>: 14");
        assertThat(GdbValues.normalise("0x555555558080 <accounts>")).isEqualTo("0x555555558080");
        assertThat(GdbValues.normalise("-1234567890123")).isEqualTo("-1234567890123");
        assertThat(GdbValues.normalise("140737351481152")).isEqualTo("140737351481152"); // decimal: not an address to gdb
    }

    @Test
    void symbolAnnotationsGoButRepeatsAndOptimizedOutStay() {
        assertThat(GdbValues.normalise("0x5555555580b8 <accounts+56>")).isEqualTo("0x5555555580b8");
        assertThat(GdbValues.normalise("0x555555558028 <name_buffer> \"omni\"")).isEqualTo("0x555555558028 \"omni\"");
        assertThat(GdbValues.normalise("{<geo::Base> = {_vptr.Base = 0x555555557d58 <vtable for geo::Rect+16>, id_ = 1, static instances = 3, scale_ = 1.5}, w_ = 3}"))
                .isEqualTo("{<geo::Base> = {_vptr.Base = 0x555555557d58, id_ = 1, static instances = 3, scale_ = 1.5}, w_ = 3}");
        assertThat(GdbValues.normalise("0x555555555189 <largest<int>(int const*, int)>")).isEqualTo("0x555555555189");
        assertThat(GdbValues.normalise("'\\000' <repeats 15 times>")).isEqualTo("'\\000' <repeats 15 times>");
        assertThat(GdbValues.normalise("{0x0 <repeats 12 times>}")).isEqualTo("{0x0 <repeats 12 times>}");
        assertThat(GdbValues.normalise("{<optimized out>, 101 'e', <optimized out>}")).isEqualTo("{<optimized out>, 101 'e', <optimized out>}");
        assertThat(GdbValues.normalise("0x7ffff7e1b5a0 <puts>")).isEqualTo("<stack>");
    }

    @Test
    void printLosesOnlyTheLeadingCastOfAPointerOrReference() {
        assertThat(GdbValues.normalisePrint("(binop_fn) 0x555555555159 <add>")).isEqualTo("0x555555555159");
        assertThat(GdbValues.normalisePrint("(const geo::Point &) @0x7fffffffe5d8: {x = 5, y = 6}")).isEqualTo("@<stack>: {x = 5, y = 6}");
        assertThat(GdbValues.normalisePrint("(int (*)(int, int)) 0x555555555159 <add>")).isEqualTo("0x555555555159");
        assertThat(GdbValues.normalisePrint("(RED | unknown: 0x8)")).isEqualTo("(RED | unknown: 0x8)");
        assertThat(GdbValues.normalisePrint("{x = 3, y = -4}")).isEqualTo("{x = 3, y = -4}");
    }

    @Test
    void optimizedOutPartsAreMissingValuesNotWrongOnes() {
        assertThat(GdbValues.lessInformative("{<optimized out>, 101 'e'}", "{97 'a', 101 'e'}")).isTrue();
        assertThat(GdbValues.lessInformative("<optimized out>", "42")).isTrue();
        assertThat(GdbValues.lessInformative("{<optimized out>, 102 'f'}", "{97 'a', 101 'e'}")).isFalse();
        assertThat(GdbValues.lessInformative("43", "42")).isFalse();
    }

    @Test
    void theTallyClassifiesAndReports() {
        Tally t = new Tally();
        t.variables("inspect #1", "locals",
                List.of(new Variable("x", "3"), new Variable("x", "2"), new Variable("total", "<optimized out>"),
                        new Variable("p", "0x7fffffffe000"), new Variable("q", "5")),
                List.of(new Variable("x", "3"), new Variable("x", "9"), new Variable("p", "0x7ffffffde010"),
                        new Variable("q", "<optimized out>"), new Variable("zz", "1")));
        assertThat(t.count(Outcome.EQUAL)).isEqualTo(2);      // x, p (both stack addresses)
        assertThat(t.count(Outcome.DIFFERENT)).isEqualTo(1);  // the second x
        assertThat(t.count(Outcome.MISSING)).isEqualTo(1);    // q
        assertThat(t.count(Outcome.LISTING)).isEqualTo(1);    // total, left out
        assertThat(t.count(Outcome.EXTRA)).isEqualTo(1);      // zz
        t.print("inspect #1", "acc->owner", null, "value has been optimized out", "\"Bob\"", null);
        t.print("descend #4 frame 1", "here", null, "No symbol \"here\" in current context.", "5", null);
        t.print("descend #4 frame 1", "depth", null, "No symbol \"depth\" in current context.", null, "no symbol depth");
        assertThat(t.count(Outcome.OMNI_ONLY)).isEqualTo(1);
        assertThat(t.count(Outcome.DIFFERENT)).isEqualTo(2);
        assertThat(t.count(Outcome.BOTH_REFUSE)).isEqualTo(1);
        assertThat(t.allEqual()).isFalse();
        assertThat(t.goodEnough(0.95)).isFalse();
        assertThat(t.report(100)).contains("DIFFERENT   inspect #1: locals x (#2)", "gdb:  2", "omni: 9", "EXTRA");

        Tally good = new Tally();
        good.value("m", "a", "1", "1", null);
        good.value("m", "b", "<optimized out>", "<optimized out>", null);
        good.print("m", "op", "(binop_fn) 0x555555555159 <add>", null, "0x555555555159 <add>", null);
        assertThat(good.allEqual()).isTrue();
        assertThat(good.shown()).isEqualTo(2);
    }
}
