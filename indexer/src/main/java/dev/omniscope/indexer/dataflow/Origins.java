package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.emu.Instruction;
import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.IndexStore;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.trace.Registers;

/**
 * Where a value came from: the origin tree of a place at a moment (docs/architecture.md, "Data
 * flow"). The bytes are split by what last wrote them (a write row of mem_writes; for a register,
 * the last instruction whose write set holds it, found walking back over the thread's blocks to
 * the register's last change); an instruction that copied is followed to its source, one that
 * computed becomes a node whose inputs are the origins of what it read, and bytes nothing wrote
 * are what the process began with. Thread-safe.
 */
final class Origins {
    /** Nodes one question builds at most; past it, compute nodes are left to expand on demand. */
    static final int MAX_NODES = 400;
    /** Copies followed in a row at most (a copy loop cannot run away). */
    static final int MAX_COPIES = 256;
    /** Blocks walked back looking for a register's writer before its last change is taken instead. */
    static final int MAX_WALK = 4096;

    /** Where the bytes a system call wrote came from: {@link FileDescriptors#inputs}, built when first needed. */
    interface KernelInputs {
        List<FileDescriptors.Input> inputs(int tid, long step, long address, int length) throws IOException;
    }

    private final Machine machine;
    private final Symbolizer symbols;
    private final KernelInputs kernelInputs;
    private final InitialData initial;
    private final OriginNodes nodes;

    Origins(Machine machine, Symbolizer symbols, KernelInputs kernelInputs) {
        this.machine = machine;
        this.symbols = symbols;
        this.kernelInputs = kernelInputs;
        this.initial = new InitialData(machine, symbols);
        this.nodes = new OriginNodes(machine, symbols);
    }

    /** One question's budget. */
    private static final class Budget {
        int nodes;
        /** What each question asked so far answered, and how deep: a value met again is not searched again. */
        final Map<String, Answered> answered = new java.util.HashMap<>();

        boolean spent() {
            return nodes >= MAX_NODES;
        }
    }

    /** Pieces found for a question, kept as they were made (callers add to the copies they are given). */
    private record Answered(int depth, List<OriginNode> pieces) {}

    /** The origin tree of {@code loc} just before {@code step}, compute nodes expanded {@code depth} levels. */
    OriginNode tree(Loc loc, long step, int depth) throws IOException {
        List<OriginNode> pieces = resolve(loc, step, depth, new Budget(), 0);
        if (pieces.size() == 1) return pieces.get(0);
        OriginNode root = new OriginNode("copy");
        root.step = step;
        root.location = nodes.describe(loc);
        root.value = OriginNodes.value(machine.read(loc, step));
        root.node = Loc.token(loc, step);
        root.note = "its bytes come from " + pieces.size() + " places";
        if (loc instanceof Loc.Mem m) root.pid = m.pid();
        if (loc instanceof Loc.Reg r) root.tid = r.tid();
        root.inputs.addAll(pieces);
        return root;
    }

    /** Where the bytes of {@code loc} just before step {@code t} came from: a node per piece. */
    List<OriginNode> resolve(Loc loc, long t, int depth, Budget budget, int copies) throws IOException {
        if (copies > MAX_COPIES) return List.of(nodes.unknown(loc, t, "copied more than " + MAX_COPIES + " times in a row; ask this node again"));
        String key = Loc.token(loc, t);
        Answered before = budget.answered.get(key);
        if (before != null && before.depth() >= depth) {
            // the same value again (a DAG: i read twice, a sum's previous value): shown once, here a reference to expand
            List<OriginNode> refs = new ArrayList<>();
            for (OriginNode n : before.pieces()) {
                OriginNode r = n.copy();
                if (!r.inputs.isEmpty()) {
                    r.inputs.clear();
                    r.expand = true;
                    r.note = r.note == null ? "shown above" : r.note;
                }
                refs.add(r);
            }
            return refs;
        }
        List<OriginNode> pieces = loc instanceof Loc.Mem m ? memory(m, t, depth, budget, copies) : register((Loc.Reg) loc, t, depth, budget, copies);
        List<OriginNode> kept = new ArrayList<>();
        for (OriginNode n : pieces) kept.add(n.copy());
        budget.answered.put(key, new Answered(depth, kept));
        return pieces;
    }

    // ---- memory

    private List<OriginNode> memory(Loc.Mem m, long t, int depth, Budget budget, int copies) throws IOException {
        MemoryView.Region first = machine.memory().regionAt(m.pid(), m.address(), t);
        if (first != null && "borrowed".equals(first.origin())) {
            return memory(new Loc.Mem(first.sourcePid(), m.address(), m.length()), t, depth, budget, copies);
        }
        History.Write[] by = new History.Write[m.length()];
        long[] since = new long[m.length()];
        for (int i = 0; i < m.length(); i++) {
            MemoryView.Region r = machine.memory().regionAt(m.pid(), m.address() + i, t);
            since[i] = r == null ? Long.MAX_VALUE : r.contentStep();
        }
        int left = m.length();
        long[] after = null;
        while (left > 0) {
            List<IndexStore.SeqWrite> rows = machine.store().writes(new IndexStore.WriteQuery(m.address(), m.length(), m.pid(), null, t - 1,
                    after, true, 64));
            for (IndexStore.SeqWrite sw : rows) {
                History.Write w = sw.write();
                for (int i = 0; i < m.length(); i++) {
                    long a = m.address() + i;
                    if (by[i] == null && w.step() >= since[i] && a - w.addr() >= 0 && a - w.addr() < w.size()) {
                        by[i] = w;
                        left--;
                    }
                }
                after = new long[] {w.step(), sw.seq()};
            }
            if (rows.size() < 64) break;
            boolean older = false;
            for (int i = 0; i < m.length(); i++) older |= by[i] == null && since[i] <= after[0];
            if (!older) break;
        }
        List<OriginNode> out = new ArrayList<>();
        for (int i = 0; i < m.length(); ) {
            int j = i + 1;
            while (j < m.length() && by[j] == by[i] && (by[i] != null || since[j] == since[i])) j++;
            Loc.Mem piece = new Loc.Mem(m.pid(), m.address() + i, j - i);
            History.Write w = by[i];
            if (w == null) {
                out.addAll(unwritten(piece, t, depth, budget, copies));
            } else if (w.kernel()) {
                out.addAll(kernel(piece, w, depth, budget, copies));
            } else {
                Machine.Executed x = machine.executed(w.step());
                if (x == null || x.tid() != w.tid()) {
                    out.add(nodes.unknown(piece, w.step() + 1, "the index has no instruction at step " + w.step()));
                } else {
                    out.addAll(produced(x, piece, depth, budget, copies));
                }
            }
            i = j;
        }
        return out;
    }

    /** Bytes nothing wrote since their region's content began. */
    private List<OriginNode> unwritten(Loc.Mem piece, long t, int depth, Budget budget, int copies) throws IOException {
        MemoryView.Region r = machine.memory().regionAt(piece.pid(), piece.address(), t);
        if (r == null) return List.of(nodes.unknown(piece, t, "not mapped at step " + t));
        switch (r.origin()) {
            case "inherited" -> {
                // a forked child's memory: the parent's as of the fork
                OriginNode fork = new OriginNode("copy");
                fork.step = r.contentStep();
                fork.pid = piece.pid();
                fork.location = nodes.describe(piece);
                fork.value = OriginNodes.value(machine.read(piece, t));
                fork.note = "inherited at fork from process " + r.sourcePid();
                fork.routine = "fork";
                List<OriginNode> parent = resolve(new Loc.Mem(r.sourcePid(), piece.address(), piece.length()), r.contentStep() + 1, depth,
                        budget, copies + 1);
                for (OriginNode n : parent) n.via.add(0, fork);
                return parent;
            }
            case "zero" -> {
                OriginNode zero = nodes.leaf("constant", piece, t);
                zero.value = OriginNodes.value(new byte[piece.length()]);
                zero.note = "zero-filled memory (mapped or grown at step " + r.contentStep() + ")";
                zero.step = r.contentStep();
                return List.of(zero);
            }
            default -> {
                OriginNode n = nodes.leaf("initial", piece, t);
                n.initial = new LinkedHashMap<>(initial.describe(r, piece.pid(), piece.address(), piece.length()));
                n.step = r.contentStep();
                n.initial.put("length", piece.length());
                return List.of(n);
            }
        }
    }

    /** Bytes the kernel wrote: a system call's output, continued in the writer when another recorded process sent them. */
    private List<OriginNode> kernel(Loc.Mem piece, History.Write w, int depth, Budget budget, int copies) throws IOException {
        QueryDocuments.Syscall call = syscallAt(w.tid(), w.step());
        if (call == null) {
            OriginNode n = nodes.leaf("unknown", piece, w.step() + 1);
            nodes.place(n, w.step(), w.pid(), w.tid(), w.rip());
            n.note = "written by the kernel outside a system call (a signal frame or a thread-id word)";
            return List.of(n);
        }
        List<FileDescriptors.Input> inputs = kernelInputs == null ? List.of() : kernelInputs.inputs(w.tid(), w.step(), piece.address(), piece.length());
        if (inputs.isEmpty()) return List.of(nodes.syscallLeaf(piece, w, call, null));
        List<OriginNode> out = new ArrayList<>();
        for (FileDescriptors.Input in : inputs) {
            Loc.Mem part = new Loc.Mem(piece.pid(), in.address(), in.length());
            if (in.writer() == null) {
                out.add(nodes.syscallLeaf(part, w, call, in));
                continue;
            }
            OriginNode through = nodes.syscallLeaf(part, w, call, in);
            through.kind = "copy";
            through.note = "read from a " + in.kind() + ", written by process " + in.writer().pid()
                    + " (" + in.writer().syscall() + " at step " + in.writer().step() + ")";
            through.routine = call.name();
            List<OriginNode> sent = resolve(new Loc.Mem(in.writer().pid(), in.writer().address(), in.length()), in.writer().step(), depth,
                    budget, copies + 1);
            for (OriginNode n : sent) n.via.add(0, through);
            out.addAll(sent);
        }
        return out;
    }

    private QueryDocuments.Syscall syscallAt(int tid, long step) throws IOException {
        for (QueryDocuments.Syscall s : machine.store().syscalls(step, step, null, 64)) if (s.tid() == tid) return s;
        return null;
    }

    // ---- registers

    private List<OriginNode> register(Loc.Reg r, long t, int depth, Budget budget, int copies) throws IOException {
        if (r.id() == Registers.RIP) {
            OriginNode n = nodes.leaf("constant", r, t);
            n.note = "the address of the instruction";
            return List.of(n);
        }
        long[] last = machine.registerRow(r.tid(), t, r.id());
        long change = last == null ? Long.MIN_VALUE : last[2];
        long[] writer = new long[r.length()];
        Machine.Executed[] executed = new Machine.Executed[r.length()];
        java.util.Arrays.fill(writer, Long.MIN_VALUE);
        int left = r.length(), walked = 0;
        long cursor = t - 1;
        walk:
        while (left > 0 && walked < MAX_WALK && cursor >= 0 && cursor >= change) {
            List<Locator.Block> blocks = machine.store().blocks(r.tid(), cursor, false, walked == 0 ? 32 : 512);
            if (blocks.isEmpty()) break;
            for (Locator.Block b : blocks) {
                if (++walked > MAX_WALK) break walk;
                List<Instruction> insns = machine.instructions(b);
                for (int k = (int) Math.min(insns.size() - 1, cursor - b.step()); k >= 0; k--) {
                    long s = b.step() + k;
                    if (s < change) break walk;
                    int[] w = Semantics.regWrite(insns.get(k), r.id());
                    if (w == null) continue;
                    for (int i = 0; i < r.length(); i++) {
                        int byteIndex = r.offset() + i;
                        if (writer[i] == Long.MIN_VALUE && byteIndex >= w[0] && byteIndex < w[0] + w[1]) {
                            writer[i] = s;
                            executed[i] = new Machine.Executed(s, b.pid(), b.tid(), insns.get(k));
                            left--;
                        }
                    }
                    if (left == 0) break walk;
                }
                cursor = b.step() - 1;
            }
        }
        List<OriginNode> out = new ArrayList<>();
        for (int i = 0; i < r.length(); ) {
            int j = i + 1;
            while (j < r.length() && writer[j] == writer[i]) j++;
            Loc.Reg piece = new Loc.Reg(r.tid(), r.id(), r.offset() + i, j - i);
            if (executed[i] != null) {
                out.addAll(produced(executed[i], piece, depth, budget, copies));
            } else {
                out.addAll(lastChange(piece, change, t, depth, budget, copies));
            }
            i = j;
        }
        return out;
    }

    /** A register's bytes no decoded instruction wrote since its last change: the kernel, the task's start, or the change's instruction. */
    private List<OriginNode> lastChange(Loc.Reg piece, long change, long t, int depth, Budget budget, int copies) throws IOException {
        if (change == Long.MIN_VALUE) return List.of(nodes.unknown(piece, t, "the index holds no value of this register before step " + t));
        QueryDocuments.Syscall call = change >= 0 ? syscallAt(piece.tid(), change) : null;
        if (call != null) {
            OriginNode n = nodes.leaf("syscall", piece, change + 1);
            Machine.Executed x = machine.executed(change);
            if (x != null) nodes.place(n, change, x.pid(), x.tid(), x.insn().address());
            n.syscall = OriginNodes.syscall(call.name(), call.result());
            if (piece.id() != Registers.RAX) n.note = "set by the kernel at " + call.name();
            return List.of(n);
        }
        Machine.Executed x = change >= 0 ? machine.executed(change) : null;
        if (x != null && x.tid() == piece.tid()) return produced(x, piece, depth, budget, copies);
        for (Locator.Task task : machine.trace().tasks()) {
            if (task.tid() == piece.tid() && task.startStep() >= change - 1 && task.startStep() <= change + 1) {
                OriginNode n = nodes.leaf("initial", piece, t);
                n.step = change;
                n.initial = new LinkedHashMap<>(Map.of("what", "registers", "note", "the thread's registers when it began (exec, fork or clone)"));
                return List.of(n);
            }
        }
        OriginNode n = nodes.leaf("unknown", piece, t);
        n.step = change;
        n.note = "set by the kernel at step " + change + " (a signal delivery or return)";
        return List.of(n);
    }

    // ---- what an instruction did

    /** The origin of {@code dest}, written by the instruction that ran as {@code x}. */
    private List<OriginNode> produced(Machine.Executed x, Loc dest, int depth, Budget budget, int copies) throws IOException {
        budget.nodes++;
        if (dest instanceof Loc.Mem m) {
            List<OriginNode> routed = routine(x, m, depth, budget, copies);
            if (routed != null) return routed;
        }
        Semantics.Effect effect;
        try {
            effect = Semantics.effect(machine, x, dest);
        } catch (RuntimeException e) {
            // an instruction whose operands this code does not expect: say so rather than fail the question
            OriginNode n = nodes.leaf("unknown", dest, x.step() + 1);
            nodes.place(n, x.step(), x.pid(), x.tid(), x.insn().address());
            n.disassembly = x.insn().text();
            n.note = "cannot follow " + x.insn().mnemonic() + " (" + e + ")";
            return List.of(n);
        }
        OriginNode self = nodes.leaf("compute", dest, x.step() + 1);
        nodes.place(self, x.step(), x.pid(), x.tid(), x.insn().address());
        self.disassembly = x.insn().text();
        self.node = Loc.token(dest, x.step() + 1);
        if (effect instanceof Semantics.Entered e) {
            self.kind = e.kind();
            if (e.kind().equals("syscall")) {
                QueryDocuments.Syscall call = syscallAt(x.tid(), x.step());
                self.syscall = OriginNodes.syscall(call != null ? call.name() : e.what(), call != null ? call.result() : null);
            } else {
                self.note = e.what();
            }
            return List.of(self);
        }
        if (effect instanceof Semantics.Copy copy) {
            self.kind = "copy";
            List<OriginNode> out = new ArrayList<>();
            for (Semantics.Move mv : copy.moves()) {
                Loc part = dest.part(mv.offset(), mv.length());
                if (mv.source() == null) {
                    OriginNode c = nodes.leaf("constant", part, x.step() + 1);
                    nodes.place(c, x.step(), x.pid(), x.tid(), x.insn().address());
                    c.disassembly = x.insn().text();
                    c.note = mv.constant();
                    out.add(c);
                    continue;
                }
                OriginNode via = self.copy();
                via.location = nodes.describe(part);
                via.value = OriginNodes.value(machine.read(part, x.step() + 1));
                for (OriginNode n : resolve(mv.source(), x.step(), depth, budget, copies + 1)) {
                    n.via.add(0, via);
                    out.add(n);
                }
            }
            return out;
        }
        List<Semantics.Input> inputs = ((Semantics.Computed) effect).inputs();
        if (depth <= 0 || budget.spent()) {
            self.expand = !inputs.isEmpty();
            return List.of(self);
        }
        for (Semantics.Input in : inputs) {
            if (in.loc() == null) {
                OriginNode c = new OriginNode("constant");
                c.step = x.step();
                c.tid = x.tid();
                c.pid = x.pid();
                c.rip = History.hex(x.insn().address());
                c.operand = in.operand();
                c.value = in.immediate();
                c.location = "immediate";
                self.inputs.add(c);
                continue;
            }
            for (OriginNode n : resolve(in.loc(), x.step(), depth - 1, budget, 0)) {
                n.operand = in.operand();
                self.inputs.add(n);
            }
        }
        return List.of(self);
    }

    /** Bytes a copying routine (memcpy, strcpy...) wrote, followed to the bytes it copied; null when the write is not one. */
    private List<OriginNode> routine(Machine.Executed x, Loc.Mem m, int depth, Budget budget, int copies) throws IOException {
        if (CopyRoutines.routine(symbols.functionName(x.pid(), x.insn().address(), x.step())) == null) return null;
        Locator.OpenCall call = CopyRoutines.innermost(machine.store().openCalls(x.tid(), x.step()));
        if (call == null) return null;
        CopyRoutines.Span span = CopyRoutines.span(machine, x.pid(), x.tid(), call);
        if (span == null || m.address() - span.dst() < 0 || m.address() + m.length() - span.dst() > span.length()) return null;
        OriginNode via = new OriginNode("copy");
        Symbolizer.Place at = symbols.place(x.pid(), call.callSite(), x.step());
        via.step = call.callStep();
        via.tid = x.tid();
        via.pid = x.pid();
        via.rip = History.hex(call.callSite());
        via.function = symbols.functionName(x.pid(), call.callSite(), x.step());
        via.file = at.file();
        via.line = at.line();
        via.routine = span.routine();
        via.caller = via.function;
        via.disassembly = "call " + call.function();
        via.location = nodes.describe(m);
        via.value = OriginNodes.value(machine.read(m, x.step() + 1));
        via.node = Loc.token(m, x.step() + 1);
        via.note = span.routine() + "(" + History.hex(span.dst()) + ", " + (span.fill() ? "byte" : History.hex(span.src())) + ", " + span.length()
                + ") in " + via.function;
        Loc source = span.fill() ? new Loc.Reg(x.tid(), Registers.RSI, 0, 1)
                : new Loc.Mem(x.pid(), span.src() + (m.address() - span.dst()), m.length());
        List<OriginNode> out = new ArrayList<>();
        for (OriginNode n : resolve(source, call.callStep(), depth, budget, copies + 1)) {
            n.via.add(0, via);
            out.add(n);
        }
        return out;
    }
}
