package dev.omniscope.symbols;

import static dev.omniscope.symbols.ElfFileTest.symbol;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripped programs whose DWARF and .symtab live in a separate debug file, found by
 * .gnu_debuglink or build-id as gdb finds them, and only when it belongs to the program.
 */
class ElfFileDebugInfoTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static Path full;

    @BeforeAll
    static void build() throws Exception {
        dir = tmp.toRealPath();
        Toolchain.copySources(dir);
        Toolchain.run(dir, "gcc", "-g", "-O0", "-Iinclude", "-o", "prog", "src/prog.c");
        Toolchain.run(dir, "objcopy", "--only-keep-debug", "prog", "prog.debug");
        Toolchain.run(dir, "objcopy", "--strip-all", "prog", "prog.stripped");
        Toolchain.run(dir, "objcopy", "--add-gnu-debuglink=prog.debug", "prog.stripped", "prog.linked");
        full = dir.resolve("prog");
    }

    @TempDir
    Path work;

    @Test
    void aDebuglinkNextToTheFileSuppliesLinesVariablesAndLocalSymbols() throws Exception {
        try (ElfFile stripped = ElfFile.open(dir.resolve("prog.linked"), work); ElfFile original = ElfFile.open(full)) {
            assertThat(Toolchain.run(dir, "readelf", "-SW", "prog.linked")).doesNotContain(".symtab", ".debug_info");
            assertThat(stripped.debugFile()).contains(dir.resolve("prog.debug"));
            assertThat(stripped.hasDwarf()).isTrue();
            assertThat(stripped.buildId()).isEqualTo(original.buildId());
            assertThat(stripped.sourceFiles()).isEqualTo(original.sourceFiles());
            assertThat(stripped.lineRows()).isEqualTo(original.lineRows());
            assertThat(stripped.globals()).isEqualTo(original.globals());
            assertThat(stripped.symbols()).isEqualTo(original.symbols());
            assertThat(symbol(stripped, "bump").binding()).isEqualTo(ElfSymbol.Binding.LOCAL);
        }
    }

    @Test
    void aDebuglinkIsAlsoLookedForInDotDebugAndUnderTheDebugRoot() throws Exception {
        Path bin = work.resolve("bin").resolve("prog");
        Files.createDirectories(bin.getParent().resolve(".debug"));
        Files.copy(dir.resolve("prog.linked"), bin);
        Files.copy(dir.resolve("prog.debug"), bin.getParent().resolve(".debug/prog.debug"));
        try (ElfFile elf = ElfFile.open(bin, work.resolve("root"))) {
            assertThat(elf.debugFile()).contains(bin.getParent().resolve(".debug/prog.debug"));
        }
        Files.delete(bin.getParent().resolve(".debug/prog.debug"));
        Path underRoot = Path.of(work.resolve("root") + bin.getParent().toRealPath().toString(), "prog.debug");
        Files.createDirectories(underRoot.getParent());
        Files.copy(dir.resolve("prog.debug"), underRoot);
        try (ElfFile elf = ElfFile.open(bin, work.resolve("root"))) {
            assertThat(elf.debugFile()).contains(underRoot);
            assertThat(elf.lineRows()).isNotEmpty();
        }
    }

    @Test
    void aBuildIdPathUnderTheDebugRootIsFoundWithoutADebuglink() throws Exception {
        String id;
        try (ElfFile original = ElfFile.open(full)) {
            id = original.buildId().orElseThrow();
        }
        Path debug = work.resolve(".build-id").resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug");
        Files.createDirectories(debug.getParent());
        Files.copy(dir.resolve("prog.debug"), debug);
        try (ElfFile elf = ElfFile.open(dir.resolve("prog.stripped"), work)) {
            assertThat(elf.debugFile()).contains(debug);
            assertThat(elf.globals()).extracting(GlobalVariable::name).contains("counter", "calls");
        }
        try (ElfFile elf = ElfFile.open(dir.resolve("prog.stripped"), work.resolve("elsewhere"))) {
            assertThat(elf.debugFile()).isEmpty();
            assertThat(elf.hasDwarf()).isFalse();
            assertThat(elf.symbols()).noneMatch(s -> s.name().equals("bump")); // .dynsym only
        }
    }

    @Test
    void aDebugFileOfAnotherBuildIsRefused() throws Exception {
        // With build-ids: the ids differ. Another build of the same source: -O1.
        Path other = work.resolve("other");
        Toolchain.run(dir, "gcc", "-g", "-O1", "-Iinclude", "-o", other.toString(), "src/prog.c");
        Toolchain.run(dir, "objcopy", "--only-keep-debug", other.toString(), other + ".debug");
        Path bin = work.resolve("with-id");
        Files.createDirectories(bin);
        Files.copy(dir.resolve("prog.linked"), bin.resolve("prog"));
        Files.copy(Path.of(other + ".debug"), bin.resolve("prog.debug"));
        try (ElfFile elf = ElfFile.open(bin.resolve("prog"), work)) {
            assertThat(elf.debugFile()).isEmpty();
            assertThat(elf.hasDwarf()).isFalse();
        }

        // Without build-ids the .gnu_debuglink CRC decides: the right file passes, another does not.
        Path noId = work.resolve("no-id");
        Files.createDirectories(noId);
        Toolchain.run(dir, "gcc", "-g", "-O0", "-Iinclude", "-Wl,--build-id=none", "-o", noId.resolve("p").toString(), "src/prog.c");
        Toolchain.run(noId, "objcopy", "--only-keep-debug", "p", "p.debug");
        Toolchain.run(noId, "objcopy", "--strip-all", "--add-gnu-debuglink=p.debug", "p", "p.linked");
        try (ElfFile elf = ElfFile.open(noId.resolve("p.linked"), work)) {
            assertThat(elf.buildId()).isEmpty();
            assertThat(elf.debugFile()).contains(noId.resolve("p.debug"));
        }
        Toolchain.run(noId, "gcc", "-g", "-O1", "-Iinclude", "-I" + dir.resolve("include"), "-Wl,--build-id=none", "-o", "q",
                dir.resolve("src/prog.c").toString());
        Toolchain.run(noId, "objcopy", "--only-keep-debug", "q", "q.debug");
        Files.move(noId.resolve("q.debug"), noId.resolve("p.debug"), StandardCopyOption.REPLACE_EXISTING);
        try (ElfFile elf = ElfFile.open(noId.resolve("p.linked"), work)) {
            assertThat(elf.debugFile()).isEmpty();
            assertThat(elf.lineRows()).isEmpty();
        }
    }
}
