package dev.omniscope.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.omniscope.symbols.Toolchain.NmSymbol;

/**
 * A C program compiled here with gcc -g -O0 in several ways, read through ElfFile and checked
 * against readelf, nm and addr2line.
 */
class ElfFileTest {
    /** How prog.c is built. */
    enum Variant {
        PIE("-pie", "-fPIE"),
        NO_PIE("-no-pie", "-fno-pie"),
        STATIC("-static"),
        DWARF4("-gdwarf-4"),
        /** Variables and their file table in a .dwo file beside the program. */
        SPLIT_DWARF("-gsplit-dwarf");

        final List<String> flags;

        Variant(String... flags) {
            this.flags = List.of(flags);
        }
    }

    @TempDir
    static Path tmp;
    static Path dir;
    static final Map<Variant, Path> BINARIES = new EnumMap<>(Variant.class);

    @BeforeAll
    static void compile() throws Exception {
        dir = tmp.toRealPath(); // gcc records the real working directory
        Toolchain.copySources(dir);
        for (Variant v : Variant.values()) {
            List<String> command = new ArrayList<>(List.of("gcc", "-g", "-O0", "-Iinclude"));
            command.addAll(v.flags);
            // A source path with ".." in it, which the file table must normalise away.
            command.addAll(List.of("-o", "prog-" + v, "src/../src/prog.c"));
            Toolchain.run(dir, command);
            BINARIES.put(v, dir.resolve("prog-" + v));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void headerMatchesReadelf(Variant v) throws Exception {
        Path bin = BINARIES.get(v);
        String header = Toolchain.run(dir, "readelf", "-hW", bin.toString());
        String notes = Toolchain.run(dir, "readelf", "-n", bin.toString());
        try (ElfFile elf = ElfFile.open(bin)) {
            assertThat(elf.type()).isEqualTo(v == Variant.NO_PIE || v == Variant.STATIC ? ElfFile.Type.EXEC : ElfFile.Type.DYN);
            assertThat(header).contains("Type:", elf.type().name() + " (");
            assertThat(elf.machine()).isEqualTo(62);
            assertThat(elf.is64Bit()).isTrue();
            assertThat(elf.entry()).isEqualTo(Long.decode(group(header, "Entry point address:\\s+(0x\\p{XDigit}+)")));
            assertThat(elf.buildId()).contains(group(notes, "Build ID: (\\p{XDigit}+)"));
            assertThat(elf.hasDwarf()).isTrue();
            assertThat(elf.debugFile()).isEmpty();
            assertThat(elf.warnings()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void loadSegmentsMatchReadelf(Variant v) throws Exception {
        Path bin = BINARIES.get(v);
        List<LoadSegment> expected = new ArrayList<>();
        Pattern load = Pattern.compile(
                "^\\s*LOAD\\s+(0x\\p{XDigit}+)\\s+(0x\\p{XDigit}+)\\s+0x\\p{XDigit}+\\s+(0x\\p{XDigit}+)\\s+(0x\\p{XDigit}+)\\s+(.+?)\\s+0x\\p{XDigit}+$",
                Pattern.MULTILINE);
        Matcher m = load.matcher(Toolchain.run(dir, "readelf", "-lW", bin.toString()));
        while (m.find()) {
            String f = m.group(5);
            int flags = (f.contains("R") ? LoadSegment.READ : 0) | (f.contains("W") ? LoadSegment.WRITE : 0)
                    | (f.contains("E") ? LoadSegment.EXECUTE : 0);
            expected.add(new LoadSegment(Long.decode(m.group(2)), Long.decode(m.group(4)), Long.decode(m.group(1)),
                    Long.decode(m.group(3)), flags));
        }
        try (ElfFile elf = ElfFile.open(bin)) {
            assertThat(expected).isNotEmpty();
            assertThat(elf.segments()).isEqualTo(expected);
            assertThat(elf.segments()).anyMatch(s -> s.executable() && s.contains(elf.entry()));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void pltStubsAreNamedAsObjdumpNamesThem(Variant v) throws Exception {
        Set<String> ours = pltStubsAsObjdumpNamesThem(BINARIES.get(v));
        if (v != Variant.STATIC) assertThat(ours).anyMatch(s -> s.startsWith("printf@plt@"));
    }

    /**
     * The binary's PLT stubs are named at the addresses objdump names them, with objdump's names,
     * except that an ifunc's stub (objdump's "*ABS*+0xRESOLVER@plt") bears the name of one of the
     * ifunc symbols nm lists at its resolver's address ("mempcpy@plt"). Returns ours.
     */
    static Set<String> pltStubsAsObjdumpNamesThem(Path bin) throws Exception {
        var objdump = new ProcessBuilder("objdump", "-d", bin.toString()).redirectErrorStream(true).start();
        String listing = new String(objdump.getInputStream().readAllBytes());
        objdump.waitFor();
        java.util.Map<Long, Set<String>> ifuncs = new java.util.HashMap<>();
        for (Toolchain.NmSymbol s : Toolchain.nm(bin, bin.getFileName().toString().endsWith(".so.6") ? "-D" : "-a")) {
            if (s.type() == 'i') ifuncs.computeIfAbsent(s.value(), a -> new java.util.TreeSet<>()).add(s.name().replaceFirst("@.*", ""));
        }
        java.util.Map<Long, String> theirs = new java.util.TreeMap<>();
        var m = java.util.regex.Pattern.compile("(?m)^([0-9a-f]+) <([^>]+@plt)>:").matcher(listing);
        while (m.find()) theirs.put(Long.parseLong(m.group(1), 16), m.group(2));
        try (ElfFile elf = ElfFile.open(bin)) {
            java.util.Map<Long, String> ours = new java.util.TreeMap<>();
            for (ElfSymbol s : elf.symbols()) if (s.name().endsWith("@plt")) ours.put(s.value(), s.name());
            // a static binary's ifunc stubs, which objdump leaves unnamed, bear an ifunc's name
            Set<String> anyIfunc = new java.util.TreeSet<>();
            ifuncs.values().forEach(anyIfunc::addAll);
            for (var e : ours.entrySet()) {
                if (!theirs.containsKey(e.getKey())) assertThat(anyIfunc).as("the stub at 0x%x", e.getKey()).contains(e.getValue().replaceFirst("@plt$", ""));
            }
            assertThat(ours.keySet()).containsAll(theirs.keySet());
            for (var e : theirs.entrySet()) {
                var ifunc = java.util.regex.Pattern.compile("^\\*ABS\\*\\+0x([0-9a-f]+)@plt$").matcher(e.getValue());
                Set<String> names = ifunc.matches() ? ifuncs.get(Long.parseLong(ifunc.group(1), 16)) : null;
                if (names == null) {
                    assertThat(ours.get(e.getKey())).as("the stub at 0x%x", e.getKey()).isEqualTo(e.getValue());
                } else {
                    assertThat(names).as("the ifunc stub at 0x%x (%s)", e.getKey(), e.getValue()).contains(ours.get(e.getKey()).replaceFirst("@plt$", ""));
                }
            }
            Set<String> named = new java.util.TreeSet<>();
            ours.forEach((a, n) -> named.add(n + "@" + a));
            return named;
        }
    }


    @ParameterizedTest
    @EnumSource(Variant.class)
    void definedSymbolsAreExactlyWhatNmPrints(Variant v) throws Exception {
        Path bin = BINARIES.get(v);
        List<NmSymbol> nm = Toolchain.nm(bin);
        try (ElfFile elf = ElfFile.open(bin)) {
            // nm lists the symbol tables; the synthetic PLT stubs ("printf@plt") are checked against objdump below.
            Set<String> ours = elf.symbols().stream().filter(ElfSymbol::defined).filter(s -> !s.name().endsWith("@plt"))
                    .map(s -> s.name() + "@" + Long.toHexString(s.value()) + "/" + s.size()).collect(Collectors.toSet());
            Set<String> theirs = nm.stream().map(s -> s.name() + "@" + Long.toHexString(s.value()) + "/" + s.size())
                    .collect(Collectors.toSet());
            assertThat(ours).isEqualTo(theirs);

            ElfSymbol main = symbol(elf, "main");
            assertThat(main.kind()).isEqualTo(ElfSymbol.Kind.FUNC);
            assertThat(main.binding()).isEqualTo(ElfSymbol.Binding.GLOBAL);
            assertThat(main.size()).isPositive();
            ElfSymbol bump = symbol(elf, "bump");
            assertThat(bump.kind()).isEqualTo(ElfSymbol.Kind.FUNC);
            assertThat(bump.binding()).isEqualTo(ElfSymbol.Binding.LOCAL);
            ElfSymbol counter = symbol(elf, "counter");
            assertThat(counter.kind()).isEqualTo(ElfSymbol.Kind.OBJECT);
            assertThat(counter.size()).isEqualTo(4);
            assertThat(counter.demangled()).isEqualTo("counter");
            if (v != Variant.STATIC) {
                // printf comes from libc: an undefined reference in .symtab and .dynsym, listed once.
                assertThat(elf.symbols()).filteredOn(s -> !s.defined() && s.name().startsWith("printf"))
                        .singleElement().satisfies(s -> assertThat(s.kind()).isEqualTo(ElfSymbol.Kind.FUNC));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void everyAddressOfTheProgramsFunctionsHasTheLineAddr2lineGives(Variant v) throws Exception {
        Path bin = BINARIES.get(v);
        try (ElfFile elf = ElfFile.open(bin)) {
            LineLookup lines = LineLookup.of(elf, 0);
            List<Long> addresses = new ArrayList<>();
            // Not twice(), from util.h: binutils 2.40's addr2line reads DWARF 5 file numbers as
            // DWARF 4 ones and names prog.c there (gdb and readelf agree with us, see below).
            for (String f : List.of("main", "bump")) {
                ElfSymbol s = symbol(elf, f);
                for (long a = s.value(); a < s.value() + s.size(); a++) addresses.add(a);
            }
            List<String> expected = Toolchain.addr2line(bin, addresses);
            assertThat(expected).hasSameSizeAs(addresses);
            for (int i = 0; i < addresses.size(); i++) {
                String[] fileLine = expected.get(i).split(":");
                LineLookup.SourceLine ours = lines.find(addresses.get(i)).orElseThrow(
                        () -> new AssertionError("no line for an address that addr2line knows"));
                assertThat(ours.file()).as("file at 0x%x", addresses.get(i))
                        .isEqualTo(Path.of(fileLine[0]).normalize().toString());
                assertThat(ours.line()).as("line at 0x%x", addresses.get(i)).isEqualTo(Integer.parseInt(fileLine[1]));
            }
            // Code of the header function is attributed to the header.
            assertThat(lines.find(symbol(elf, "twice").value()).orElseThrow().file())
                    .isEqualTo(dir.resolve("include/util.h").toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void lineRowsAreTheRowsReadelfDecodes(Variant v) throws Exception {
        Path bin = BINARIES.get(v);
        // readelf -wL: "file line address [view] [x]" per row, "file - address" at a sequence end.
        Pattern row = Pattern.compile("^(\\S+)\\s+(\\d+|-)\\s+(0x\\p{XDigit}+)(?:\\s+\\S+)??(\\s+x)?\\s*$", Pattern.MULTILINE);
        Matcher m = row.matcher(Toolchain.run(dir, "readelf", "-wL", bin.toString()));
        List<String> expected = new ArrayList<>();
        while (m.find()) {
            boolean end = m.group(2).equals("-");
            expected.add(m.group(1) + " " + (end ? "end" : m.group(2)) + " " + m.group(3) + (m.group(4) != null ? " stmt" : ""));
        }
        try (ElfFile elf = ElfFile.open(bin)) {
            List<String> ours = elf.lineRows().stream().map(r -> Path.of(elf.sourceFiles().get(r.fileIndex())).getFileName()
                    + " " + (r.endSequence() ? "end" : r.line()) + " 0x" + Long.toHexString(r.address())
                    + (r.isStmt() && !r.endSequence() ? " stmt" : "")).toList();
            assertThat(ours).isNotEmpty().containsExactlyInAnyOrderElementsOf(expected);
            assertThat(ours).anyMatch(r -> r.startsWith("util.h " + Toolchain.lineOf("include/util.h", "twice-body") + " "));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void aMarkedLineHasRowsWhoseAddressesAddr2lineMapsBack(Variant v) throws Exception {
        Path bin = BINARIES.get(v);
        int line = Toolchain.lineOf("prog.c", "bump-body");
        try (ElfFile elf = ElfFile.open(bin)) {
            int prog = elf.sourceFiles().indexOf(dir.resolve("src/prog.c").toString());
            List<LineRow> rows = elf.lineRows().stream().filter(r -> r.fileIndex() == prog && r.line() == line).toList();
            assertThat(rows).isNotEmpty().allMatch(r -> r.isStmt() && !r.endSequence());
            List<String> a2l = Toolchain.addr2line(bin, rows.stream().map(LineRow::address).toList());
            assertThat(a2l).allMatch(s -> s.endsWith("prog.c:" + line));
            // Each sequence ends with an end_sequence row, past its last instruction.
            assertThat(elf.lineRows().get(elf.lineRows().size() - 1).endSequence()).isTrue();
            LineRow end = elf.lineRows().stream().filter(LineRow::endSequence)
                    .filter(r -> r.address() > symbol(elf, "main").value()).findFirst().orElseThrow();
            assertThat(LineLookup.of(elf, 0).find(end.address())).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void fileTableHoldsAbsoluteNormalisedPaths(Variant v) throws Exception {
        try (ElfFile elf = ElfFile.open(BINARIES.get(v))) {
            assertThat(elf.sourceFiles()).contains(dir.resolve("src/prog.c").toString(),
                    dir.resolve("include/util.h").toString(), "/usr/include/stdio.h");
            assertThat(elf.sourceFiles()).doesNotHaveDuplicates().allSatisfy(f -> {
                assertThat(Path.of(f).isAbsolute()).as(f).isTrue();
                assertThat(Path.of(f).normalize().toString()).isEqualTo(f);
            });
            assertThat(elf.lineRows()).allMatch(r -> r.fileIndex() >= 0 && r.fileIndex() < elf.sourceFiles().size());
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void globalsHaveTheirDeclaredNamesTypesSizesAndPlaces(Variant v) throws Exception {
        Path bin = BINARIES.get(v);
        String prog = dir.resolve("src/prog.c").toString();
        try (ElfFile elf = ElfFile.open(bin)) {
            assertThat(global(elf, "counter")).isEqualTo(new GlobalVariable("counter", symbol(elf, "counter").value(), 4,
                    "int", prog, Toolchain.lineOf("prog.c", "counter"), ""));
            assertThat(global(elf, "values")).isEqualTo(new GlobalVariable("values", symbol(elf, "values").value(), 64,
                    "long int[8]", prog, Toolchain.lineOf("prog.c", "values"), ""));
            assertThat(global(elf, "origin")).isEqualTo(new GlobalVariable("origin", symbol(elf, "origin").value(), 8,
                    "struct point", prog, Toolchain.lineOf("prog.c", "origin"), ""));
            assertThat(global(elf, "label")).isEqualTo(new GlobalVariable("label", symbol(elf, "label").value(), 16,
                    "char[16]", prog, Toolchain.lineOf("prog.c", "label"), ""));
            // A function's static: its name as written, the function as scope; gcc's symbol is "calls.0".
            GlobalVariable calls = global(elf, "calls");
            assertThat(calls.scope()).isEqualTo("bump");
            assertThat(calls.qualifiedName()).isEqualTo("bump::calls");
            assertThat(calls.line()).isEqualTo(Toolchain.lineOf("prog.c", "calls"));
            assertThat(calls.address()).isEqualTo(symbol(elf, "calls.0").value());
            assertThat(calls.typeName()).isEqualTo("int");

            Map<String, String> types = elf.globals().stream().filter(g -> prog.equals(g.file()))
                    .collect(Collectors.toMap(GlobalVariable::name, GlobalVariable::typeName));
            assertThat(types).containsEntry("greeting", "const char *").containsEntry("fixed", "char *const")
                    .containsEntry("handler", "int (*)(int)").containsEntry("handlers", "void (*[4])(int, ...)")
                    .containsEntry("grid", "int[3][4]").containsEntry("rowp", "int (*)[4]")
                    .containsEntry("anon", "struct {...}").containsEntry("ticks", "volatile long long unsigned int");

            // Every variable is where nm has a symbol of the same size and name (or name.N for statics).
            List<NmSymbol> nm = Toolchain.nm(bin);
            for (GlobalVariable g : elf.globals()) {
                assertThat(nm).as(g.toString()).anyMatch(s -> s.value() == g.address() && s.size() == g.size()
                        && (s.name().equals(g.name()) || s.name().startsWith(g.name() + ".")));
            }
        }
    }

    @Test
    void lookupsWorkWithALoadBias() throws Exception {
        long bias = 0x555555554000L; // where the kernel puts a PIE with randomisation off
        try (ElfFile elf = ElfFile.open(BINARIES.get(Variant.PIE))) {
            assertThat(elf.loadBias(bias, 0)).isEqualTo(bias);
            LoadSegment text = elf.segments().stream().filter(LoadSegment::executable).findFirst().orElseThrow();
            assertThat(elf.loadBias(bias + text.vaddr(), text.fileOffset())).isEqualTo(bias);
            assertThatThrownBy(() -> elf.loadBias(bias, 0x123000)).isInstanceOf(IllegalArgumentException.class);

            SymbolLookup symbols = SymbolLookup.of(elf, bias);
            ElfSymbol bump = symbol(elf, "bump");
            assertThat(symbols.find(bias + bump.value())).hasValueSatisfying(h -> assertThat(h).hasToString("bump"));
            assertThat(symbols.find(bias + bump.value() + 5)).hasValueSatisfying(h -> {
                assertThat(h.symbol()).isEqualTo(bump);
                assertThat(h.offset()).isEqualTo(5);
                assertThat(h).hasToString("bump+0x5");
            });
            assertThat(symbols.find(bias + bump.value() + bump.size()))
                    .hasValueSatisfying(h -> assertThat(h.symbol().name()).isEqualTo("main"));
            assertThat(symbols.find(bias + symbol(elf, "counter").value())).isEmpty();
            assertThat(symbols.find(bump.value())).isEmpty(); // the link-time address is not the runtime one

            LineLookup lines = LineLookup.of(elf, bias);
            List<LineRow> body = elf.lineRows().stream().filter(r -> r.line() == Toolchain.lineOf("prog.c", "bump-body")).toList();
            assertThat(lines.find(bias + body.get(0).address())).hasValueSatisfying(l -> {
                assertThat(l.file()).isEqualTo(dir.resolve("src/prog.c").toString());
                assertThat(l.line()).isEqualTo(body.get(0).line());
                assertThat(l.column()).isEqualTo(body.get(0).column());
            });
        }
    }

    @Test
    void closedFilesRefuseQueries() throws Exception {
        ElfFile elf = ElfFile.open(BINARIES.get(Variant.PIE));
        List<ElfSymbol> symbols = elf.symbols();
        elf.close();
        elf.close(); // idempotent
        assertThat(elf.symbols()).isSameAs(symbols); // already read
        assertThatThrownBy(elf::lineRows).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    static ElfSymbol symbol(ElfFile elf, String name) {
        return elf.symbols().stream().filter(s -> s.defined() && s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no symbol " + name));
    }

    static GlobalVariable global(ElfFile elf, String name) {
        return elf.globals().stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no global " + name));
    }

    static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }
}
