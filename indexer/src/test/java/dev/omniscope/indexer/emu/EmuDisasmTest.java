package dev.omniscope.indexer.emu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmuDisasmTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void decodesOneInstructionInIntelSyntax() {
        Emulator.Disassembly d = Emulator.disasm(bytes(0x48, 0x8b, 0x45, 0xf8, 0x90), 0x401000);
        assertThat(d.length()).isEqualTo(4);
        assertThat(d.text()).isEqualTo("mov rax, qword ptr [rbp - 8]");
    }

    @Test
    void relativeTargetsUseTheGivenAddress() {
        Emulator.Disassembly d = Emulator.disasm(bytes(0xe8, 0x00, 0x10, 0x00, 0x00), 0x401000);
        assertThat(d.text()).isEqualTo("call 0x402005");
        assertThat(Emulator.disasm(bytes(0x0f, 0x05), 0).text()).isEqualTo("syscall");
    }

    @Test
    void invalidOrTruncatedBytesAreNull() {
        assertThat(Emulator.disasm(bytes(0x48, 0x8b), 0)).isNull();
        assertThat(Emulator.disasm(bytes(0x06), 0)).as("push es does not exist in 64-bit mode").isNull();
    }
}
