package dev.omniscope.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not ELF, or not intact ELF: a clear error, or whatever can still be read, and
 * never a crash (which would take the test JVM down with it).
 */
class ElfFileHostileInputTest {
    @TempDir
    static Path dir;
    static byte[] program;

    @BeforeAll
    static void build() throws Exception {
        Toolchain.copySources(dir);
        Toolchain.run(dir, "gcc", "-g", "-O0", "-Iinclude", "-o", "prog", "src/prog.c");
        program = Files.readAllBytes(dir.resolve("prog"));
    }

    @Test
    void aMissingFileIsAnErrorThatSaysSo() {
        Path missing = dir.resolve("no-such-file");
        assertThatThrownBy(() -> ElfFile.open(missing)).isInstanceOf(ElfException.class)
                .hasMessage("cannot open " + missing + ": No such file or directory");
    }

    @Test
    void aDirectoryIsNotAnElfFile() {
        assertThatThrownBy(() -> ElfFile.open(dir)).isInstanceOf(ElfException.class)
                .hasMessage(dir + " is not a regular file");
    }

    @Test
    void emptyFilesGarbageAndArchivesAreNotElfFiles() throws Exception {
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> ElfFile.open(empty)).hasMessage(empty + " is not an ELF file");
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage"), noise);
        assertThatThrownBy(() -> ElfFile.open(garbage)).hasMessage(garbage + " is not an ELF file");
        Path text = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        assertThatThrownBy(() -> ElfFile.open(text)).hasMessage(text + " is not an ELF file");
        Toolchain.run(dir, "ar", "rc", "lib.a", "src/prog.c");
        assertThatThrownBy(() -> ElfFile.open(dir.resolve("lib.a"))).hasMessageContaining("(it is an ar archive)");
    }

    @Test
    void anElfMagicFollowedByGarbageIsRefusedOrReadWithoutCrashing() throws Exception {
        byte[] bytes = new byte[4096];
        new Random(2).nextBytes(bytes);
        System.arraycopy(program, 0, bytes, 0, 6); // \x7fELF, ELFCLASS64, ELFDATA2LSB
        Path file = Files.write(dir.resolve("magic"), bytes);
        readEverything(file);
    }

    @Test
    void aTruncatedProgramIsRefusedOrReadAsFarAsItGoes() throws Exception {
        int[] lengths = {4, 16, 63, 64, 65, 200, 1000, program.length / 2, program.length - 1000, program.length - 1};
        int opened = 0;
        for (int length : lengths) {
            Path file = Files.write(dir.resolve("truncated-" + length), Arrays.copyOf(program, length));
            if (readEverything(file)) opened++;
        }
        assertThat(opened).as("files cut short after their headers still open").isPositive();
        assertThatThrownBy(() -> ElfFile.open(dir.resolve("truncated-63")))
                .isInstanceOf(ElfException.class).hasMessageContaining("truncated-63");
    }

    @Test
    void randomlyCorruptedProgramsNeverCrashTheReader() throws Exception {
        Random random = new Random(3);
        Path file = dir.resolve("corrupt");
        for (int i = 0; i < 300; i++) {
            byte[] bytes = program.clone();
            int flips = 1 + random.nextInt(32);
            for (int k = 0; k < flips; k++) {
                // Half of the damage in the second half of the file, where DWARF and the section headers are.
                int at = random.nextBoolean() ? random.nextInt(bytes.length) : bytes.length / 2 + random.nextInt(bytes.length / 2);
                bytes[at] = (byte) random.nextInt(256);
            }
            Files.write(file, bytes);
            readEverything(file);
        }
    }

    /**
     * Asks the DWARF queries about every function, its variables' types (and theirs, a few levels
     * down), the CFI at its entry, and a few types by name and by arbitrary offsets.
     */
    private static void readDebugInfo(ElfFile elf) {
        dev.omniscope.debuginfo.DebugInfo info = elf.debugInfo();
        info.staticVariables().forEach(v -> info.type(v.type()));
        info.cfiAt(elf.entry());
        for (var f : info.functions()) {
            info.cfiAt(f.lowPc());
            for (long pc : new long[] {f.lowPc(), (f.lowPc() + f.highPc()) / 2, f.highPc() - 1}) {
                for (var scope : info.scopesAt(pc)) {
                    info.type(scope.returnType());
                    for (var v : scope.variables()) followType(info, v.type(), 4);
                }
            }
        }
        for (String name : new String[] {"int", "item", "point", "no such type"}) info.typeNamed(name);
        for (long offset = 0; offset < 4096; offset += 37) info.type(offset);
    }

    private static void followType(dev.omniscope.debuginfo.DebugInfo info, long offset, int depth) {
        if (depth == 0) return;
        info.type(offset).ifPresent(t -> {
            followType(info, t.target(), depth - 1);
            t.members().forEach(m -> followType(info, m.type(), depth - 1));
        });
    }

    /** Opens the file and reads every table; false when opening is refused with a message. */
    private static boolean readEverything(Path file) {
        ElfFile elf;
        try {
            elf = ElfFile.open(file, dir.resolve("no-debug-root"));
        } catch (ElfException e) {
            assertThat(e.getMessage()).contains(file.toString());
            return false;
        }
        try (elf) {
            elf.type();
            elf.buildId();
            elf.segments();
            elf.symbols().forEach(s -> assertThat(s.name()).isNotEmpty());
            elf.lineRows().forEach(r -> assertThat(r.fileIndex()).isBetween(-1, elf.sourceFiles().size() - 1));
            elf.globals().forEach(g -> assertThat(g.name()).isNotNull());
            elf.warnings();
            SymbolLookup.of(elf, 0).find(elf.entry());
            LineLookup.of(elf, 0).find(elf.entry());
            readDebugInfo(elf);
            return true;
        }
    }
}
