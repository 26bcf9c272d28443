package dev.omniscope.symbols;

import static dev.omniscope.symbols.ElfFileTest.symbol;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.kenai.jffi.Library;

/** The system's C library: stripped, with .dynsym only, and (when installed) its debug file. */
class ElfFileLibcTest {
    static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    @TempDir
    Path emptyDebugRoot;

    @Test
    void withoutDebugInfoTheDynamicSymbolsAreStillThere() throws Exception {
        try (ElfFile elf = ElfFile.open(LIBC, emptyDebugRoot)) {
            assertThat(elf.type()).isEqualTo(ElfFile.Type.DYN);
            assertThat(elf.hasDwarf()).isFalse();
            assertThat(elf.debugFile()).isEmpty();
            assertThat(elf.lineRows()).isEmpty();
            assertThat(elf.sourceFiles()).isEmpty();
            assertThat(elf.globals()).isEmpty();
            assertThat(elf.warnings()).isEmpty();

            // nm -D prints .dynsym names with their versions ("printf@@GLIBC_2.2.5").
            Set<String> theirs = Toolchain.nm(LIBC, "-D").stream()
                    .map(s -> s.name().replaceFirst("@.*", "") + "@" + Long.toHexString(s.value()) + "/" + s.size())
                    .collect(Collectors.toSet());
            Set<String> ours = elf.symbols().stream().filter(ElfSymbol::defined).filter(s -> !s.name().endsWith("@plt"))
                    .map(s -> s.name() + "@" + Long.toHexString(s.value()) + "/" + s.size()).collect(Collectors.toSet());
            assertThat(ours).hasSizeGreaterThan(1000).isEqualTo(theirs);
            for (String f : new String[] {"printf", "malloc"}) {
                ElfSymbol s = symbol(elf, f);
                assertThat(s.kind()).isEqualTo(ElfSymbol.Kind.FUNC);
                assertThat(s.binding()).isEqualTo(ElfSymbol.Binding.GLOBAL);
                assertThat(s.size()).isPositive();
            }
        }
    }

    /** libc's .rela.plt is not in PLT order, and most of its stubs are ifuncs' (its internal calls of memcpy and friends). */
    @Test
    void pltStubsAreNamedByTheirGotSlots() throws Exception {
        Set<String> ours = ElfFileTest.pltStubsAsObjdumpNamesThem(LIBC);
        assertThat(ours).anyMatch(s -> s.startsWith("mempcpy@plt@")).anyMatch(s -> s.startsWith("realloc@plt@"));
    }

    @Test
    void theBiasOfTheJvmsOwnLibcMappingPutsMallocWhereTheDynamicLinkerDid() throws Exception {
        long start = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 6 && Long.parseLong(f[2], 16) == 0 && Files.exists(Path.of(f[5]))
                    && Files.isSameFile(Path.of(f[5]), LIBC)) {
                start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
                break;
            }
        }
        assertThat(start).as("libc's first mapping in /proc/self/maps").isPositive();
        long malloc = Library.getCachedInstance("libc.so.6", Library.LAZY).getSymbolAddress("malloc");
        try (ElfFile elf = ElfFile.open(LIBC, emptyDebugRoot)) {
            long bias = elf.loadBias(start, 0);
            assertThat(symbol(elf, "malloc").value() + bias).isEqualTo(malloc);
            assertThat(SymbolLookup.of(elf, bias).find(malloc + 0x10))
                    .hasValueSatisfying(h -> assertThat(h).hasToString("malloc+0x10"));
        }
    }

    @Test
    void installedDebugInfoIsFoundByBuildId() throws Exception {
        String id;
        try (ElfFile elf = ElfFile.open(LIBC, emptyDebugRoot)) {
            id = elf.buildId().orElseThrow();
        }
        Path debug = Path.of("/usr/lib/debug/.build-id", id.substring(0, 2), id.substring(2) + ".debug");
        Assumptions.assumeTrue(Files.exists(debug), "libc6-dbg is not installed");
        try (ElfFile elf = ElfFile.open(LIBC)) {
            assertThat(elf.debugFile()).contains(debug);
            assertThat(elf.hasDwarf()).isTrue();
            ElfSymbol printf = symbol(elf, "printf");
            assertThat(LineLookup.of(elf, 0).find(printf.value()))
                    .hasValueSatisfying(l -> assertThat(l.file()).endsWith("stdio-common/printf.c"));
            // The debug file's .symtab adds local symbols that .dynsym lacks.
            assertThat(elf.symbols()).anyMatch(s -> s.defined() && s.binding() == ElfSymbol.Binding.LOCAL
                    && s.kind() == ElfSymbol.Kind.FUNC);
            assertThat(elf.globals()).isNotEmpty();
        }
    }
}
