package dev.omniscope.symbols;

import static dev.omniscope.symbols.ElfFileTest.symbol;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.debuginfo.CfiRow;
import dev.omniscope.debuginfo.DebugFunction;
import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.debuginfo.DwarfOp;
import dev.omniscope.debuginfo.VarLocation;

/**
 * {@link ElfFile#debugInfo()} on C and C++ programs compiled here (gcc/g++ -g at -O0 and -O2),
 * checked against llvm-dwarfdump and objdump: scopes and variable locations at a pc, types,
 * functions, call frame information.
 */
class ElfDebugInfoTest {
    @TempDir
    static Path tmp;
    static Path dir;

    @BeforeAll
    static void compile() throws Exception {
        dir = tmp.toRealPath();
        for (String source : List.of("values.c", "values.cpp")) {
            try (InputStream in = ElfDebugInfoTest.class.getResourceAsStream("/elf/" + source)) {
                Files.write(dir.resolve(source), in.readAllBytes());
            }
        }
        Toolchain.run(dir, "gcc", "-g", "-O0", "-o", "c0", "values.c");
        Toolchain.run(dir, "gcc", "-g", "-O2", "-o", "c2", "values.c");
        Toolchain.run(dir, "gcc", "-g", "-gdwarf-4", "-O2", "-o", "c2-dwarf4", "values.c");
        Toolchain.run(dir, "g++", "-g", "-O0", "-o", "cxx0", "values.cpp");
    }

    /** The lowest is_stmt address of a source line. */
    static long pcOf(ElfFile elf, String source, String marker) {
        int line = Toolchain.lineOf(source, marker);
        List<String> files = elf.sourceFiles();
        return elf.lineRows().stream()
                .filter(r -> r.isStmt() && r.line() == line && r.fileIndex() >= 0 && files.get(r.fileIndex()).endsWith("/" + source))
                .mapToLong(LineRow::address).min().orElseThrow();
    }

    static DebugVariable variable(DebugScope scope, String name) {
        return scope.variables().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + scope.variables()));
    }

    static DwarfOp op(VarLocation location) {
        assertThat(location).isInstanceOf(VarLocation.Expression.class);
        List<DwarfOp> ops = ((VarLocation.Expression) location).ops();
        assertThat(ops).hasSize(1);
        return ops.get(0);
    }

    /** llvm-dwarfdump's DW_OP_fbreg offset of a variable of a function (at -O0 each has one). */
    static long fbreg(Path bin, String function, String name) {
        String out = Toolchain.run(dir, "llvm-dwarfdump", "--name=" + function, "--show-children", bin.toString());
        Matcher m = Pattern.compile("DW_AT_name\\s+\\(\"" + Pattern.quote(name) + "\"\\)[^\\n]*\\n(?:[^\\n]*\\n)*?\\s+DW_AT_location\\s+\\(DW_OP_fbreg (-?\\d+)\\)")
                .matcher(out);
        assertThat(m.find()).as("fbreg of %s in %s", name, out).isTrue();
        return Long.parseLong(m.group(1));
    }

    record Range(long start, long end, String expr) {}

    /** llvm-dwarfdump's location list of a variable: [start, end): expression. */
    static List<Range> locationList(Path bin, String name) {
        String out = Toolchain.run(dir, "llvm-dwarfdump", "--name=" + name, bin.toString());
        Matcher m = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\): (.*)").matcher(out);
        List<Range> ranges = new ArrayList<>();
        while (m.find()) ranges.add(new Range(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16), m.group(3).trim()));
        return ranges;
    }

    @Test
    void scopesInANestedBlockAtO0ListTheFunctionItsBlocksAndTheirFrameBaseVariables() throws Exception {
        Path bin = dir.resolve("c0");
        try (ElfFile elf = ElfFile.open(bin)) {
            DebugInfo info = elf.debugInfo();
            long pc = pcOf(elf, "values.c", "inner");
            List<DebugScope> scopes = info.scopesAt(pc);
            assertThat(scopes).extracting(DebugScope::kind)
                    .containsExactly(DebugScope.Kind.FUNCTION, DebugScope.Kind.BLOCK, DebugScope.Kind.BLOCK);
            DebugScope work = scopes.get(0);
            assertThat(work.name()).isEqualTo("work");
            assertThat(work.qualifiedName()).isEqualTo("work");
            assertThat(work.lowPc()).isEqualTo(symbol(elf, "work").value());
            assertThat(work.entryPc()).isEqualTo(work.lowPc());
            assertThat(work.frameBase()).extracting(DwarfOp::atom).containsExactly(Dw.OP_CALL_FRAME_CFA);
            assertThat(work.declFile()).isEqualTo(dir.resolve("values.c").toString());
            assertThat(work.declLine()).isEqualTo(Toolchain.lineOf("values.c", "work"));
            assertThat(work.language()).isIn(Dw.LANG_C11, Dw.LANG_C17);
            assertThat(work.variables()).extracting(DebugVariable::name).containsExactly("n", "it", "total");
            assertThat(work.variables()).extracting(DebugVariable::parameter).containsExactly(true, true, false);
            for (String name : List.of("n", "it", "total")) {
                DwarfOp fb = op(variable(work, name).location());
                assertThat(fb.atom()).isEqualTo(Dw.OP_FBREG);
                assertThat(fb.number()).as(name).isEqualTo(fbreg(bin, "work", name));
            }
            assertThat(scopes.get(1).variables()).extracting(DebugVariable::name).containsExactly("i");
            assertThat(scopes.get(2).variables()).extracting(DebugVariable::name).containsExactly("sq");
            assertThat(op(variable(scopes.get(2), "sq").location()).number()).isEqualTo(fbreg(bin, "work", "sq"));
            assertThat(scopes.get(1).lowPc()).isLessThanOrEqualTo(pc);

            // Types of the variables: int, and a pointer to struct item.
            DebugType intType = info.type(variable(work, "n").type()).orElseThrow();
            assertThat(intType.tag()).isEqualTo(Dw.TAG_BASE_TYPE);
            assertThat(intType.name()).isEqualTo("int");
            assertThat(intType.byteSize()).isEqualTo(4);
            assertThat(intType.encoding()).isEqualTo(Dw.ATE_SIGNED);
            DebugType itemPtr = info.type(variable(work, "it").type()).orElseThrow();
            assertThat(itemPtr.tag()).isEqualTo(Dw.TAG_POINTER_TYPE);
            assertThat(itemPtr.byteSize()).isEqualTo(8);
            assertThat(info.type(itemPtr.target()).orElseThrow().name()).isEqualTo("item");

            // main's static local is listed with a static address.
            DebugScope main = info.scopesAt(symbol(elf, "main").value()).get(0);
            DebugVariable calls = variable(main, "calls");
            assertThat(calls.external()).isTrue();
            assertThat(op(calls.location()).atom()).isEqualTo(Dw.OP_ADDR);
            assertThat(info.scopesAt(0)).isEmpty();
        }
    }

    @Test
    void locationListsAtO2GiveTheEntryCoveringThePcAndOptimizedOutElsewhere() throws Exception {
        checkLocationLists(dir.resolve("c2")); // DWARF 5: .debug_loclists
    }

    @Test
    void anEntryValueCarriesItsSubExpression() throws Exception {
        Path bin = dir.resolve("c2");
        try (ElfFile elf = ElfFile.open(bin)) {
            // llvm-dwarfdump: work's "it" becomes DW_OP_entry_value(DW_OP_reg4 RSI), DW_OP_stack_value.
            Range range = locationList(bin, "it").stream().filter(r -> r.expr().startsWith("DW_OP_entry_value")).findFirst()
                    .orElseThrow();
            DebugScope work = elf.debugInfo().scopesAt(range.start()).get(0);
            assertThat(work.name()).isEqualTo("work");
            List<DwarfOp> ops = ((VarLocation.Expression) variable(work, "it").location()).ops();
            assertThat(ops).extracting(DwarfOp::atom).containsExactly(Dw.OP_ENTRY_VALUE, Dw.OP_STACK_VALUE);
            assertThat(ops(ops.get(0).nested())).isEqualTo(ops(List.of(DwarfOp.of(Dw.OP_REG0 + Dw.REG_RSI, 0, 0, 0))));
            assertThat(ops.get(1).offset()).isEqualTo(ops.get(0).number() + 2); // opcode, ULEB length, sub-expression
        }
    }

    @Test
    void dwarf4LocationListsToo() throws Exception {
        checkLocationLists(dir.resolve("c2-dwarf4")); // .debug_loc
        assertThat(Toolchain.run(dir, "readelf", "-SW", "c2-dwarf4")).contains(".debug_loc ").doesNotContain(".debug_loclists");
    }

    private static void checkLocationLists(Path bin) throws Exception {
        try (ElfFile elf = ElfFile.open(bin)) {
            DebugInfo info = elf.debugInfo();
            DebugFunction scale = info.functions().stream().filter(f -> f.name().equals("scale")).findFirst().orElseThrow();
            List<Range> k = locationList(bin, "k");
            assertThat(k).isNotEmpty();
            int covered = 0, uncovered = 0;
            for (long pc = scale.lowPc(); pc < scale.highPc(); pc++) {
                long at = pc;
                List<DebugScope> scopes = info.scopesAt(pc);
                assertThat(scopes).isNotEmpty();
                DebugVariable var = scopes.stream().flatMap(s -> s.variables().stream()).filter(v -> v.name().equals("k")).findFirst()
                        .orElseThrow();
                Optional<Range> range = k.stream().filter(r -> r.start() <= at && at < r.end()).findFirst();
                if (range.isEmpty()) {
                    assertThat(var.location()).as("k at 0x%x", pc).isInstanceOf(VarLocation.OptimizedOut.class);
                    uncovered++;
                } else {
                    // "DW_OP_reg0 RAX" -> DW_OP_reg0
                    Matcher m = Pattern.compile("DW_OP_reg(\\d+)").matcher(range.get().expr());
                    assertThat(m.lookingAt()).isTrue();
                    assertThat(op(var.location()).atom()).as("k at 0x%x", pc).isEqualTo(Dw.OP_REG0 + Integer.parseInt(m.group(1)));
                    covered++;
                }
            }
            assertThat(covered).isPositive();
            assertThat(uncovered).isPositive();
            // Parameters at entry are in registers: v in rdi (DWARF 5).
            DebugVariable v = variable(info.scopesAt(scale.lowPc()).get(0), "v");
            assertThat(op(v.location()).atom()).isEqualTo(Dw.OP_REG0 + Dw.REG_RDI);
        }
    }

    @Test
    void anInlinedFunctionIsAScopeWithItsCallSiteAndTheVariablesOfItsAbstractOrigin() throws Exception {
        Path bin = dir.resolve("c2");
        try (ElfFile elf = ElfFile.open(bin)) {
            DebugInfo info = elf.debugInfo();
            DebugFunction main = info.functions().stream().filter(f -> f.name().equals("main")).findFirst().orElseThrow();
            Optional<DebugScope> inlined = Optional.empty();
            for (long pc = main.lowPc(); pc < main.highPc() && inlined.isEmpty(); pc++) {
                inlined = info.scopesAt(pc).stream().filter(s -> s.kind() == DebugScope.Kind.INLINED).findFirst();
            }
            assertThat(inlined).isPresent();
            DebugScope twice = inlined.get();
            assertThat(twice.name()).isEqualTo("twice");
            assertThat(twice.callFile()).isEqualTo(dir.resolve("values.c").toString());
            assertThat(twice.callLine()).isEqualTo(Toolchain.lineOf("values.c", "twice-call"));
            assertThat(twice.qualifiedName()).isEqualTo("twice");
            assertThat(twice.frameBase()).isEmpty();
            // llvm-dwarfdump: DW_AT_entry_pc, and the lowest of the ranges.
            String dump = Toolchain.run(dir, "llvm-dwarfdump", "--name=main", "--show-children", bin.toString());
            Matcher entry = Pattern.compile("DW_AT_entry_pc\\s+\\(0x([0-9a-f]+)\\)").matcher(dump.substring(dump.indexOf("DW_TAG_inlined_subroutine")));
            assertThat(entry.find()).isTrue();
            assertThat(twice.entryPc()).isEqualTo(Long.parseLong(entry.group(1), 16));
            assertThat(twice.lowPc()).isLessThanOrEqualTo(twice.entryPc());
            assertThat(twice.variables()).extracting(DebugVariable::name).containsExactly("x", "doubled");
            assertThat(twice.variables().get(0).parameter()).isTrue();
        }
    }

    @Test
    void cTypesStructUnionEnumArrayBitFieldTypedefAndQualifiers() throws Exception {
        try (ElfFile elf = ElfFile.open(dir.resolve("c0"))) {
            DebugInfo info = elf.debugInfo();
            DebugType item = info.typeNamed("item").orElseThrow();
            assertThat(item.tag()).isEqualTo(Dw.TAG_STRUCTURE_TYPE);
            assertThat(item.declaration()).isFalse();
            assertThat(item.language()).isIn(Dw.LANG_C11, Dw.LANG_C17, Dw.LANG_C99);
            assertThat(item.members()).extracting(DebugType.Member::name)
                    .containsExactly("name", "pos", "grid", "n", "color", "fl", "id", "next", "fn", "cv");
            assertThat(item.byteSize()).isEqualTo(Long.parseLong(Toolchain.run(dir, "sh", "-c",
                    "llvm-dwarfdump --name=item c0 | grep -m1 DW_AT_byte_size | sed 's/.*(0x\\(.*\\))/\\1/'").trim(), 16));

            DebugType.Member grid = member(item, "grid");
            DebugType gridType = info.type(grid.type()).orElseThrow();
            assertThat(gridType.tag()).isEqualTo(Dw.TAG_ARRAY_TYPE);
            assertThat(gridType.dimensions()).containsExactly(3L, 4L);
            assertThat(grid.byteOffset()).isEqualTo(24);
            assertThat(info.type(member(item, "pos").type()).orElseThrow().dimensions()).containsExactly(2L);

            DebugType num = info.type(member(item, "n").type()).orElseThrow();
            assertThat(num.tag()).isEqualTo(Dw.TAG_UNION_TYPE);
            assertThat(num.members()).extracting(DebugType.Member::byteOffset).containsOnly(0L);

            DebugType color = info.type(member(item, "color").type()).orElseThrow();
            assertThat(color.tag()).isEqualTo(Dw.TAG_ENUMERATION_TYPE);
            assertThat(color.enumerators()).containsExactly(new DebugType.Enumerator("RED", 0), new DebugType.Enumerator("GREEN", 5),
                    new DebugType.Enumerator("BLUE", -2));

            DebugType flags = info.type(member(item, "fl").type()).orElseThrow();
            assertThat(flags.members()).extracting(DebugType.Member::bitSize).containsExactly(3, 5, 7, 0);
            assertThat(flags.members()).extracting(DebugType.Member::bitOffset).containsExactly(0L, 3L, 8L, -1L);
            assertThat(member(flags, "d").byteOffset()).isEqualTo(8);

            DebugType u32 = info.type(member(item, "id").type()).orElseThrow();
            assertThat(u32.tag()).isEqualTo(Dw.TAG_TYPEDEF);
            assertThat(u32.name()).isEqualTo("u32");
            assertThat(info.type(u32.target()).orElseThrow().name()).isEqualTo("unsigned int");
            assertThat(info.typeNamed("u32")).contains(u32);
            assertThat(info.typeNamed("unsigned int").orElseThrow().encoding()).isEqualTo(Dw.ATE_UNSIGNED);

            DebugType name = info.type(member(item, "name").type()).orElseThrow();
            assertThat(name.tag()).isEqualTo(Dw.TAG_POINTER_TYPE);
            DebugType constChar = info.type(name.target()).orElseThrow();
            assertThat(constChar.tag()).isEqualTo(Dw.TAG_CONST_TYPE);
            assertThat(info.type(constChar.target()).orElseThrow().name()).isEqualTo("char");

            DebugType cv = info.type(member(item, "cv").type()).orElseThrow();
            assertThat(List.of(cv.tag(), info.type(cv.target()).orElseThrow().tag()))
                    .containsExactlyInAnyOrder(Dw.TAG_CONST_TYPE, Dw.TAG_VOLATILE_TYPE);

            DebugType fnPtr = info.type(member(item, "fn").type()).orElseThrow();
            DebugType fn = info.type(fnPtr.target()).orElseThrow();
            assertThat(fn.tag()).isEqualTo(Dw.TAG_SUBROUTINE_TYPE);
            assertThat(fn.prototyped()).isTrue();
            assertThat(fn.varargs()).isFalse();
            assertThat(fn.parameters()).hasSize(1);
            assertThat(info.type(fn.target()).orElseThrow().name()).isEqualTo("double");

            assertThat(info.type(0)).isEmpty();
            assertThat(info.typeNamed("no_such_type")).isEmpty();
            // A DIE that is not a type (the function main).
            DebugFunction main = info.functions().stream().filter(f -> f.name().equals("main")).findFirst().orElseThrow();
            assertThat(info.type(main.dieOffset())).isEmpty();
        }
    }

    static DebugType.Member member(DebugType type, String name) {
        return type.members().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + name + " in " + type.members()));
    }

    @Test
    void staticVariablesCarryTheirTypes() throws Exception {
        try (ElfFile elf = ElfFile.open(dir.resolve("c0"))) {
            DebugInfo info = elf.debugInfo();
            DebugInfo.StaticVariable item = info.staticVariables().stream().filter(v -> v.name().equals("global_item")).findFirst()
                    .orElseThrow();
            assertThat(item.address()).isEqualTo(symbol(elf, "global_item").value());
            assertThat(info.type(item.type()).orElseThrow().name()).isEqualTo("item");
            DebugInfo.StaticVariable calls = info.staticVariables().stream().filter(v -> v.name().equals("calls")).findFirst()
                    .orElseThrow();
            assertThat(calls.qualifiedName()).isEqualTo("main::calls");
            assertThat(info.type(calls.type()).orElseThrow().name()).isEqualTo("int");
        }
    }

    @Test
    void functionsAreSortedAndIncludeMainAndQualifiedCxxMethods() throws Exception {
        try (ElfFile c = ElfFile.open(dir.resolve("c0")); ElfFile cxx = ElfFile.open(dir.resolve("cxx0"))) {
            List<DebugFunction> functions = c.debugInfo().functions();
            assertThat(functions).extracting(DebugFunction::name).contains("main", "work", "scale", "ext");
            assertThat(functions).isSortedAccordingTo((a, b) -> Long.compare(a.lowPc(), b.lowPc()));
            DebugFunction main = functions.stream().filter(f -> f.name().equals("main")).findFirst().orElseThrow();
            assertThat(main.lowPc()).isEqualTo(symbol(c, "main").value());
            assertThat(main.highPc()).isEqualTo(main.lowPc() + symbol(c, "main").size());
            assertThat(main.external()).isTrue();
            assertThat(main.declLine()).isEqualTo(Toolchain.lineOf("values.c", "main"));

            List<DebugFunction> methods = cxx.debugInfo().functions();
            DebugFunction area = methods.stream().filter(f -> f.qualifiedName().equals("geo::Circle::area")).findFirst().orElseThrow();
            assertThat(area.name()).isEqualTo("area");
            assertThat(area.linkageName()).isEqualTo("_ZNK3geo6Circle4areaEv");
            assertThat(area.lowPc()).isEqualTo(symbol(cxx, "_ZNK3geo6Circle4areaEv").value());
            assertThat(methods).extracting(DebugFunction::qualifiedName).contains("main", "geo::Box<int, 3>::first", "geo::Circle::Circle");
        }
    }

    @Test
    void cxxScopesAndTypes() throws Exception {
        try (ElfFile elf = ElfFile.open(dir.resolve("cxx0"))) {
            DebugInfo info = elf.debugInfo();
            List<DebugScope> scopes = info.scopesAt(pcOf(elf, "values.cpp", "area"));
            DebugScope area = scopes.get(0);
            assertThat(area.qualifiedName()).isEqualTo("geo::Circle::area");
            assertThat(area.linkageName()).isEqualTo("_ZNK3geo6Circle4areaEv");
            assertThat(Dw.isCxx(area.language())).isTrue();
            DebugVariable self = variable(area, "this");
            assertThat(self.artificial()).isTrue();
            assertThat(self.parameter()).isTrue();
            assertThat(variable(area, "squared").parameter()).isFalse();
            // this: a const pointer to a const Circle.
            DebugType thisType = info.type(self.type()).orElseThrow();
            while (thisType.tag() != Dw.TAG_POINTER_TYPE) thisType = info.type(thisType.target()).orElseThrow();
            DebugType circle = info.type(thisType.target()).orElseThrow();
            while (circle.tag() != Dw.TAG_CLASS_TYPE) circle = info.type(circle.target()).orElseThrow();
            assertThat(circle.qualifiedName()).isEqualTo("geo::Circle");
            assertThat(info.typeNamed("geo::Circle")).contains(circle);

            DebugType.Member base = circle.members().get(0);
            assertThat(base.inheritance()).isTrue();
            assertThat(base.name()).isEqualTo("Shape");
            assertThat(base.byteOffset()).isZero();
            assertThat(base.virtualBase()).isFalse();
            DebugType.Member count = member(circle, "count");
            assertThat(count.isStatic()).isTrue();
            assertThat(count.byteOffset()).isEqualTo(-1);
            assertThat(member(circle, "r_").byteOffset()).isEqualTo(16);
            DebugType shape = info.type(base.type()).orElseThrow();
            assertThat(shape.qualifiedName()).isEqualTo("geo::Shape");
            assertThat(shape.members()).anySatisfy(m -> {
                assertThat(m.name()).startsWith("_vptr");
                assertThat(m.artificial()).isTrue();
            });

            DebugScope main = info.scopesAt(pcOf(elf, "values.cpp", "main-return")).get(0);
            DebugType box = info.type(variable(main, "box").type()).orElseThrow();
            assertThat(box.name()).isEqualTo("Box<int, 3>");
            assertThat(box.qualifiedName()).isEqualTo("geo::Box<int, 3>");
            assertThat(box.templateParameters()).hasSize(2);
            assertThat(box.templateParameters().get(0).name()).isEqualTo("T");
            assertThat(info.type(box.templateParameters().get(0).type()).orElseThrow().name()).isEqualTo("int");
            assertThat(box.templateParameters().get(0).value()).isNull();
            assertThat(box.templateParameters().get(1).name()).isEqualTo("N");
            assertThat(box.templateParameters().get(1).value()).isEqualTo(3L);

            DebugType ref = info.type(variable(main, "ref").type()).orElseThrow();
            assertThat(ref.tag()).isEqualTo(Dw.TAG_REFERENCE_TYPE);
            assertThat(ref.byteSize()).isEqualTo(8);

            DebugType mode = info.type(variable(main, "mode").type()).orElseThrow();
            assertThat(mode.tag()).isEqualTo(Dw.TAG_ENUMERATION_TYPE);
            assertThat(mode.enumClass()).isTrue();
            assertThat(mode.qualifiedName()).isEqualTo("geo::Mode");
            assertThat(mode.enumerators()).containsExactly(new DebugType.Enumerator("Off", 0), new DebugType.Enumerator("On", 200));
            assertThat(info.type(mode.target()).orElseThrow().name()).isEqualTo("unsigned char");
        }
    }

    @Test
    void cfiAtAFunctionsEntryAndAfterItsPrologue() throws Exception {
        try (ElfFile elf = ElfFile.open(dir.resolve("c0"))) {
            DebugInfo info = elf.debugInfo();
            long work = symbol(elf, "work").value();
            CfiRow entry = info.cfiAt(work).orElseThrow();
            assertThat(entry.start()).isLessThanOrEqualTo(work);
            assertThat(entry.end()).isGreaterThan(work);
            assertThat(entry.returnRegister()).isEqualTo(Dw.REG_RA);
            assertThat(ops(entry.cfa())).isEqualTo(ops(List.of(DwarfOp.of(Dw.OP_BREG0 + Dw.REG_RSP, 8, 0, 0))));
            assertThat(rule(entry, Dw.REG_RA)).isEqualTo(savedAt(-8));
            assertThat(entry.registers()).containsKeys(0, 16);

            // objdump: push %rbp; mov %rsp,%rbp; the row after the mov.
            String asm = Toolchain.run(dir, "objdump", "-d", "--no-show-raw-insn", "c0");
            Matcher m = Pattern.compile("(?m)^\\s+([0-9a-f]+):\\s+mov\\s+%rsp,%rbp").matcher(asm.substring(asm.indexOf("<work>:")));
            assertThat(m.find()).isTrue();
            long afterMov = Long.parseLong(m.group(1), 16) + 3;
            CfiRow body = info.cfiAt(afterMov).orElseThrow();
            assertThat(ops(body.cfa())).isEqualTo(ops(List.of(DwarfOp.of(Dw.OP_BREG0 + Dw.REG_RBP, 16, 0, 0))));
            assertThat(rule(body, Dw.REG_RBP)).isEqualTo(savedAt(-16));
            assertThat(rule(body, Dw.REG_RA)).isEqualTo(savedAt(-8));
            assertThat(info.cfiAt(0)).isEmpty();
        }
    }

    /** A register saved at CFA+offset, as libdw spells it. */
    static String savedAt(long offset) {
        return "EXPRESSION " + ops(List.of(DwarfOp.of(Dw.OP_CALL_FRAME_CFA, 0, 0, 0), DwarfOp.of(Dw.OP_PLUS_UCONST, offset, 0, 0)));
    }

    static String rule(CfiRow row, int register) {
        CfiRow.Rule rule = row.registers().get(register);
        return rule.kind() + " " + ops(rule.ops());
    }

    /** Operations compared by value (DwarfOp's equals compares its block by identity). */
    static String ops(List<DwarfOp> ops) {
        StringBuilder sb = new StringBuilder();
        for (DwarfOp op : ops) sb.append(String.format("[0x%x %d %d]", op.atom(), op.number(), op.number2()));
        return sb.toString();
    }

    @Test
    void cfiOfLibcWithoutItsDebugInfoComesFromEhFrame() throws Exception {
        Path libc = Path.of(Toolchain.run(dir, "gcc", "-print-file-name=libc.so.6").trim());
        try (ElfFile elf = ElfFile.open(libc.toRealPath(), dir.resolve("no-debug-root"))) {
            assertThat(elf.hasDwarf()).isFalse();
            DebugInfo info = elf.debugInfo();
            assertThat(info.scopesAt(elf.entry())).isEmpty();
            assertThat(info.functions()).isEmpty();
            assertThat(info.staticVariables()).isEmpty();
            assertThat(info.typeNamed("int")).isEmpty();
            long getpid = symbol(elf, "getpid").value();
            CfiRow row = info.cfiAt(getpid).orElseThrow();
            assertThat(ops(row.cfa())).isEqualTo(ops(List.of(DwarfOp.of(Dw.OP_BREG0 + Dw.REG_RSP, 8, 0, 0))));
            assertThat(rule(row, Dw.REG_RA)).isEqualTo(savedAt(-8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
