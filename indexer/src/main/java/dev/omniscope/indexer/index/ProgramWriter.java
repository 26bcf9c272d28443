package dev.omniscope.indexer.index;

import java.util.function.Function;

import dev.omniscope.indexer.index.IndexTable.Col;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.symbols.ElfSymbol;
import dev.omniscope.symbols.GlobalVariable;
import dev.omniscope.symbols.LineRow;
import dev.omniscope.trace.TraceFiles;

/**
 * The program tables, written once for each thing however often it is mapped: {@code modules}
 * with their {@code symbols}, {@code lines} and {@code variables} at run-time addresses (a module
 * instance as the module map meets it), and the {@code sources} the trace carries.
 */
final class ProgramWriter {
    private static final class Modules {
        static final IndexTable T = IndexTable.MODULES;
        static final Col<Integer> MODULE_ID = T.i32("module_id");
        static final Col<String> PATH = T.string("path"), BUILD_ID = T.string("build_id");
        static final Col<Long> BIAS = T.i64("bias");
        static final Col<Boolean> HAS_DEBUG_INFO = T.bool("has_debug_info");
    }

    private static final class Symbols {
        static final IndexTable T = IndexTable.SYMBOLS;
        static final Col<Integer> MODULE_ID = T.i32("module_id");
        static final Col<String> NAME = T.string("name"), DEMANGLED = T.string("demangled"), KIND = T.string("kind"),
                BINDING = T.string("binding");
        static final Col<Long> START = T.i64("start"), SIZE = T.i64("size");
    }

    private static final class Lines {
        static final IndexTable T = IndexTable.LINES;
        static final Col<Integer> MODULE_ID = T.i32("module_id"), LINE = T.i32("line"), COLUMN = T.i32("column");
        static final Col<Long> ADDRESS = T.i64("address");
        static final Col<String> FILE = T.string("file");
        static final Col<Boolean> IS_STMT = T.bool("is_stmt"), END_SEQUENCE = T.bool("end_sequence");
    }

    private static final class Variables {
        static final IndexTable T = IndexTable.VARIABLES;
        static final Col<Integer> MODULE_ID = T.i32("module_id"), LINE = T.i32("line");
        static final Col<String> NAME = T.string("name"), QUALIFIED_NAME = T.string("qualified_name"),
                TYPE = T.string("type"), FILE = T.string("file");
        static final Col<Long> ADDRESS = T.i64("address"), SIZE = T.i64("size");
    }

    private static final class Sources {
        static final IndexTable T = IndexTable.SOURCES;
        static final Col<String> PATH = T.string("path"), BLOB = T.string("blob");
        static final Col<Long> SIZE = T.i64("size");
    }

    private final TableWriter modules, symbols, lines, variables, sources;

    ProgramWriter(Function<IndexTable, TableWriter> tables) {
        this.modules = tables.apply(Modules.T);
        this.symbols = tables.apply(Symbols.T);
        this.lines = tables.apply(Lines.T);
        this.variables = tables.apply(Variables.T);
        this.sources = tables.apply(Sources.T);
    }

    /** A module instance appeared: its row, and its symbols, lines and variables at their run-time addresses. */
    void moduleLoaded(ModuleMap.Instance m) {
        modules.setInt(Modules.MODULE_ID, m.id());
        modules.setString(Modules.PATH, m.path());
        modules.setLong(Modules.BIAS, m.bias());
        modules.setString(Modules.BUILD_ID, m.elf().buildId().orElse(null));
        modules.setBool(Modules.HAS_DEBUG_INFO, m.elf().hasDwarf());
        modules.endRow();
        for (ElfSymbol s : m.elf().symbols()) {
            if (!s.defined() || s.value() == 0) continue;
            symbols.setInt(Symbols.MODULE_ID, m.id());
            symbols.setString(Symbols.NAME, s.name());
            symbols.setString(Symbols.DEMANGLED, s.demangled());
            symbols.setString(Symbols.KIND, s.kind().name().toLowerCase());
            symbols.setLong(Symbols.START, s.value() + m.bias());
            symbols.setLong(Symbols.SIZE, s.size());
            symbols.setString(Symbols.BINDING, s.binding().name().toLowerCase());
            symbols.endRow();
        }
        var files = m.elf().sourceFiles();
        for (LineRow l : m.elf().lineRows()) {
            lines.setInt(Lines.MODULE_ID, m.id());
            lines.setLong(Lines.ADDRESS, l.address() + m.bias());
            lines.setString(Lines.FILE, l.fileIndex() >= 0 && l.fileIndex() < files.size() ? files.get(l.fileIndex()) : "");
            lines.setInt(Lines.LINE, l.line());
            lines.setInt(Lines.COLUMN, l.column());
            lines.setBool(Lines.IS_STMT, l.isStmt());
            lines.setBool(Lines.END_SEQUENCE, l.endSequence());
            lines.endRow();
        }
        for (GlobalVariable v : m.elf().globals()) {
            variables.setInt(Variables.MODULE_ID, m.id());
            variables.setString(Variables.NAME, v.name());
            variables.setString(Variables.QUALIFIED_NAME, v.qualifiedName());
            variables.setLong(Variables.ADDRESS, v.address() + m.bias());
            variables.setLong(Variables.SIZE, v.size());
            variables.setString(Variables.TYPE, v.typeName());
            variables.setString(Variables.FILE, v.file());
            variables.setInt(Variables.LINE, v.line());
            variables.endRow();
        }
    }

    void sources(TraceFiles.Sources carried) {
        for (TraceFiles.Source s : carried.sources()) {
            sources.setString(Sources.PATH, s.path());
            sources.setString(Sources.BLOB, s.blob());
            sources.setLong(Sources.SIZE, s.size());
            sources.endRow();
        }
    }
}
