package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.Symbolizer;

/** Makes the nodes of origin trees: a place's words and value, a moment's code and source line, a system call leaf. */
final class OriginNodes {
    private static final HexFormat HEX = HexFormat.of();

    private final Machine machine;
    private final Symbolizer symbols;

    OriginNodes(Machine machine, Symbolizer symbols) {
        this.machine = machine;
        this.symbols = symbols;
    }

    OriginNode syscallLeaf(Loc.Mem part, History.Write w, QueryDocuments.Syscall call, FileDescriptors.Input in) throws IOException {
        OriginNode n = leaf("syscall", part, w.step() + 1);
        place(n, w.step(), w.pid(), w.tid(), w.rip());
        n.disassembly = "syscall";
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", call.name());
        s.put("fd", in == null ? null : in.fd());
        s.put("path", in == null ? null : in.path());
        s.put("offset", in == null ? null : in.offset());
        s.put("length", part.length());
        if (in != null && in.peer() != null) s.put("peer", in.peer());
        if (in != null && in.path() == null) s.put("descriptor", in.kind());
        s.put("result", call.result());
        s.put("args", call.args());
        n.syscall = s;
        return n;
    }

    /** A syscall leaf's description without a descriptor: its name and result, the descriptor fields null. */
    static Map<String, Object> syscall(String name, Long result) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("fd", null);
        s.put("path", null);
        s.put("offset", null);
        s.put("length", null);
        s.put("result", result);
        return s;
    }


    OriginNode leaf(String kind, Loc loc, long valueStep) throws IOException {
        OriginNode n = new OriginNode(kind);
        n.location = describe(loc);
        n.value = value(machine.read(loc, valueStep));
        if (loc instanceof Loc.Mem m) n.pid = m.pid();
        if (loc instanceof Loc.Reg r) n.tid = r.tid();
        n.node = Loc.token(loc, valueStep);
        return n;
    }

    OriginNode unknown(Loc loc, long t, String note) throws IOException {
        OriginNode n = leaf("unknown", loc, t);
        n.step = t;
        n.note = note;
        return n;
    }

    /** The moment and the code of a node: step, thread, process, rip, function, file and line. */
    void place(OriginNode n, long step, int pid, int tid, long rip) {
        n.step = step;
        n.pid = pid;
        n.tid = tid;
        n.rip = History.hex(rip);
        n.function = symbols.functionName(pid, rip, step);
        Symbolizer.Line line = symbols.sourceLine(pid, rip, step);
        if (line != null) {
            n.file = line.file();
            n.line = line.line();
        }
    }

    /** A place in words, memory with the variable it falls in. */
    String describe(Loc loc) {
        if (loc instanceof Loc.Mem m) {
            java.util.Optional<String> symbol = symbols.dataSymbolAt(m.address());
            return symbol.map(s -> s + " (" + History.hex(m.address()) + ", " + m.length() + (m.length() == 1 ? " byte)" : " bytes)")).orElse(loc.describe());
        }
        return loc.describe();
    }

    /** A value: up to 8 bytes as one little-endian number in hex, else the bytes in memory order. */
    static String value(byte[] bytes) {
        if (bytes.length > 8) return HEX.formatHex(bytes);
        long v = 0;
        for (int i = bytes.length - 1; i >= 0; i--) v = (v << 8) | (bytes[i] & 0xFF);
        return "0x" + Long.toHexString(v);
    }
}
