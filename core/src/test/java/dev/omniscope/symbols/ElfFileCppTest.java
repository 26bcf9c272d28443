package dev.omniscope.symbols;

import static dev.omniscope.symbols.ElfFileTest.global;
import static dev.omniscope.symbols.ElfFileTest.symbol;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A C++ program compiled here with g++ -g -O0: demangled names, namespaces, static members. */
class ElfFileCppTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static Path bin;

    @BeforeAll
    static void compile() throws Exception {
        dir = tmp.toRealPath();
        Toolchain.copySources(dir);
        Toolchain.run(dir, "g++", "-g", "-O0", "-o", "shapes", "shapes.cpp");
        bin = dir.resolve("shapes");
    }

    @Test
    void everyMangledNameIsDemangledAsCxxfiltDoes() throws Exception {
        try (ElfFile elf = ElfFile.open(bin)) {
            List<ElfSymbol> mangled = elf.symbols().stream().filter(s -> s.name().startsWith("_Z")).toList();
            assertThat(mangled).hasSizeGreaterThan(4);
            List<String> command = new ArrayList<>(List.of("c++filt"));
            mangled.forEach(s -> command.add(s.name()));
            List<String> expected = List.of(Toolchain.run(dir, command).split("\n"));
            assertThat(mangled.stream().map(ElfSymbol::demangled).toList()).isEqualTo(expected);

            assertThat(symbol(elf, "_ZN3geo4areaERKNS_5ShapeE").demangled()).isEqualTo("geo::area(geo::Shape const&)");
            assertThat(symbol(elf, "_ZN3geo5twiceIiEET_S1_").demangled()).isEqualTo("int geo::twice<int>(int)");
            assertThat(symbol(elf, "main").demangled()).isEqualTo("main");
        }
    }

    @Test
    void cxxVariablesKnowTheirScopes() throws Exception {
        try (ElfFile elf = ElfFile.open(bin)) {
            String src = dir.resolve("shapes.cpp").toString();
            assertThat(global(elf, "made")).isEqualTo(new GlobalVariable("made", symbol(elf, "_ZN3geo4madeE").value(), 4,
                    "int", src, Toolchain.lineOf("shapes.cpp", "made"), "geo"));
            // Defined outside its class (DW_AT_specification): the class is still its scope.
            GlobalVariable total = global(elf, "total");
            assertThat(total.qualifiedName()).isEqualTo("Counter::total");
            assertThat(total.address()).isEqualTo(symbol(elf, "_ZN7Counter5totalE").value());
            assertThat(total.file()).isEqualTo(src);
            assertThat(total.line()).isEqualTo(Toolchain.lineOf("shapes.cpp", "total-definition"));
            // An anonymous namespace has no linkage name to go by.
            assertThat(global(elf, "hidden").qualifiedName()).isEqualTo("(anonymous namespace)::hidden");
            GlobalVariable runs = global(elf, "runs");
            assertThat(runs.qualifiedName()).isEqualTo("main::runs");
            assertThat(runs.address()).isEqualTo(symbol(elf, "_ZZ4mainE4runs").value());
            assertThat(symbol(elf, "_ZZ4mainE4runs").demangled()).isEqualTo("main::runs");
            assertThat(runs.line()).isEqualTo(Toolchain.lineOf("shapes.cpp", "runs"));
            // C++ spells a struct type without "struct"; DWARF names it without its namespace.
            assertThat(global(elf, "unit").typeName()).isEqualTo("Shape");
            assertThat(global(elf, "unit").size()).isEqualTo(8);
        }
    }

    @Test
    void symbolLookupNamesFunctionsDemangled() throws Exception {
        try (ElfFile elf = ElfFile.open(bin)) {
            ElfSymbol area = symbol(elf, "_ZN3geo4areaERKNS_5ShapeE");
            assertThat(SymbolLookup.of(elf, 0).find(area.value() + 4))
                    .hasValueSatisfying(h -> assertThat(h).hasToString("geo::area(geo::Shape const&)+0x4"));
        }
    }
}
