package dev.omniscope.indexer.dataflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.omniscope.indexer.emu.Instruction;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.trace.Registers;

/** Places, their tokens and names, and the condition codes data flow reads cmov by. */
class LocTest {
    @Test
    void tokensNameAPlaceAndAStepAndReadBack() {
        Loc.Mem m = new Loc.Mem(4242, 0xffff_ffff_ff60_0000L, 16);
        assertThat(Loc.token(m, 120_345)).isEqualTo("m.4242.ffffffffff600000.16.120345");
        assertThat(Loc.parse(Loc.token(m, 120_345))).isEqualTo(new Loc.At(m, 120_345));
        Loc.Reg ah = new Loc.Reg(7, Registers.RAX, 1, 1);
        assertThat(Loc.token(ah, 9)).isEqualTo("r.7.10.1.1.9");
        assertThat(Loc.parse("r.7.10.1.1.9")).isEqualTo(new Loc.At(ah, 9));
        assertThat(Loc.parse("r.7.33.8.8.9").loc().describe()).isEqualTo("xmm1 bytes 8-15");
    }

    @Test
    void malformedTokensAreBadRequests() {
        for (String bad : new String[] {null, "", "m.1.zz.4.5", "m.1.10.0.5", "m.1.10.-3.5", "r.1.15.0.8.5", "r.1.10.4.8.5", "r.1.10.0.17.5",
                "x.1.2.3.4", "m.1.10.4", "r.1.10.0.8.5.6", "m.1.10.4.5x"}) {
            assertThatThrownBy(() -> Loc.parse(bad)).as(String.valueOf(bad)).isInstanceOf(QueryException.class)
                    .hasMessageContaining("is not a node of an origin tree");
        }
    }

    @Test
    void registerNamesAsAnAssemblerWritesThem() {
        assertThat(RegisterNames.parse("EAX")).isEqualTo(new RegisterNames.Part(Registers.RAX, 0, 4));
        assertThat(RegisterNames.parse("ah")).isEqualTo(new RegisterNames.Part(Registers.RAX, 1, 1));
        assertThat(RegisterNames.parse("r9d")).isEqualTo(new RegisterNames.Part(Registers.R9, 0, 4));
        assertThat(RegisterNames.parse("sil")).isEqualTo(new RegisterNames.Part(Registers.RSI, 0, 1));
        assertThat(RegisterNames.parse("xmm15")).isEqualTo(new RegisterNames.Part(Registers.XMM0 + 15, 0, 16));
        assertThat(RegisterNames.parse("rflags")).isEqualTo(new RegisterNames.Part(Registers.EFLAGS, 0, 8));
        assertThat(RegisterNames.parse("st0")).isNull();
        assertThat(RegisterNames.name(Registers.R12, 0, 2)).isEqualTo("r12w");
        assertThat(RegisterNames.name(Registers.RBX, 2, 2)).isEqualTo("rbx bytes 2-3");
        assertThat(RegisterNames.name(Registers.RDX, 4, 1)).isEqualTo("rdx byte 4");
    }

    @Test
    void conditionCodesOverFlags() {
        long zero = Instruction.ZF, carry = Instruction.CF, signOnly = Instruction.SF, signAndOverflow = Instruction.SF | Instruction.OF;
        assertThat(Conditions.holds("e", zero)).isTrue();
        assertThat(Conditions.holds("ne", zero)).isFalse();
        assertThat(Conditions.holds("b", carry)).isTrue();
        assertThat(Conditions.holds("a", carry)).isFalse();
        assertThat(Conditions.holds("a", 0)).isTrue();
        assertThat(Conditions.holds("l", signOnly)).isTrue();
        assertThat(Conditions.holds("l", signAndOverflow)).isFalse();
        assertThat(Conditions.holds("ge", signAndOverflow)).isTrue();
        assertThat(Conditions.holds("le", zero)).isTrue();
        assertThat(Conditions.holds("g", zero)).isFalse();
        assertThat(Conditions.holds("xyz", zero)).isFalse();
    }

    @Test
    void copyingRoutinesByTheirNames() {
        assertThat(CopyRoutines.routine("memcpy")).isEqualTo("memcpy");
        assertThat(CopyRoutines.routine("__memmove_sse2_unaligned_erms")).isEqualTo("memmove");
        assertThat(CopyRoutines.routine("__memcpy_chk")).isEqualTo("memcpy");
        assertThat(CopyRoutines.routine("__strcpy_sse2")).isEqualTo("strcpy");
        assertThat(CopyRoutines.routine("memset@plt")).isEqualTo("memset");
        assertThat(CopyRoutines.routine("__strlen_sse2")).isNull();
        assertThat(CopyRoutines.routine("my_memcpy_wrapper")).isNull();
        assertThat(CopyRoutines.routine(null)).isNull();
    }
}
