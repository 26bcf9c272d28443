package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.omniscope.indexer.emu.Instruction;
import dev.omniscope.indexer.emu.Instruction.Kind;
import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.IndexStore;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.trace.Registers;

/**
 * Where a value went: the instructions that read a place after a moment, until every byte of it
 * was overwritten, each with what it produced. Found by walking the executed blocks of the
 * threads that could read it (the process's threads for memory, the thread for a register),
 * decoding each instruction and computing its memory operands' addresses from the registers,
 * which are kept up to date from reg_changes a window of steps at a time (docs/architecture.md,
 * "Data flow": why a walk and not a reads table). Thread-safe.
 */
final class Uses {
    public static final int MAX_LIMIT = 200;
    /** Steps whose register changes are held at once. */
    static final long WINDOW = 1 << 20;
    /** The first window's steps. */
    static final long FIRST_WINDOW = 1 << 12;
    /** Blocks fetched per lookup. */
    static final int BLOCK_PAGE = 16384;
    /** Steps one page scans at most before it returns a cursor. */
    static final long MAX_SCAN = 1L << 26;

    /** The writes to descriptors ({@link FileDescriptors#writes}), built when first needed. */
    interface KernelReads {
        List<FileDescriptors.OutputWrite> writes() throws IOException;
    }

    private final Machine machine;
    private final Symbolizer symbols;
    private final KernelReads kernelReads;
    private final OriginNodes nodes;

    Uses(Machine machine, Symbolizer symbols, KernelReads kernelReads) {
        this.machine = machine;
        this.symbols = symbols;
        this.kernelReads = kernelReads;
        this.nodes = new OriginNodes(machine, symbols);
    }

    UsesPage page(Loc loc, long t, int limit, String cursor, long span) throws IOException {
        long start = t;
        if (cursor != null) {
            try {
                start = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                start = -1;
            }
            if (start < t) throw QueryException.badRequest("cursor '" + QueryException.quote(cursor) + "' is not one this query gave");
        }
        long end = machine.trace().instructions();
        long[] kill = loc instanceof Loc.Mem m ? kills(m, t) : unknownKills(loc.length());
        long until = 0;
        boolean never = false;
        for (long k : kill) {
            if (k == Long.MAX_VALUE) never = true;
            else until = Math.max(until, k);
        }
        long stop = never ? end : Math.min(end, until + 1);
        List<Integer> tids = new ArrayList<>();
        if (loc instanceof Loc.Reg r) {
            tids.add(r.tid());
        } else {
            Set<Integer> s = new LinkedHashSet<>();
            for (Locator.Task task : machine.trace().tasks()) if (task.pid() == ((Loc.Mem) loc).pid()) s.add(task.tid());
            tids.addAll(s);
        }
        List<UsesPage.Use> uses = new ArrayList<>();
        long scanLimit = Math.min(stop, start + Math.min(span, MAX_SCAN));
        List<FileDescriptors.OutputWrite> sent = new ArrayList<>();
        if (loc instanceof Loc.Mem m && kernelReads != null) {
            for (FileDescriptors.OutputWrite w : kernelReads.writes()) {
                if (w.pid() == m.pid() && w.step() >= start && w.step() < scanLimit) sent.add(w);
            }
        }
        long w0 = start;
        long size = FIRST_WINDOW; // most values are read soon after they are made: small windows first, doubling
        while (w0 < scanLimit && uses.size() < limit) {
            long w1 = Math.min(scanLimit, w0 + size);
            size = Math.min(WINDOW, size * 2);
            List<UsesPage.Use> found = new ArrayList<>();
            boolean dead = false;
            for (int tid : tids) dead |= window(loc, kill, tid, w0, w1, found);
            for (FileDescriptors.OutputWrite w : sent) {
                if (w.step() >= w0 && w.step() < w1) {
                    UsesPage.Use u = sentBy(w, (Loc.Mem) loc, kill);
                    if (u != null) found.add(u);
                }
            }
            found.sort(Comparator.comparingLong(UsesPage.Use::step));
            if (dead) {
                // a register's last byte was overwritten in this window: what it knows now
                until = 0;
                never = false;
                for (long k : kill) until = Math.max(until, k);
                stop = Math.min(stop, until + 1);
            }
            for (UsesPage.Use u : found) {
                if (uses.size() == limit) {
                    return new UsesPage(nodes.describe(loc), t, never ? null : until, uses, Long.toString(u.step()), u.step());
                }
                uses.add(u);
            }
            if (dead) {
                w0 = stop;
                break;
            }
            w0 = w1;
        }
        String next = w0 < stop ? Long.toString(w0) : null;
        return new UsesPage(nodes.describe(loc), t, never ? null : until, uses, next, w0);
    }

    /** A system call that read live bytes of {@code m} to write them to a descriptor, as a use; null when it read none. */
    private UsesPage.Use sentBy(FileDescriptors.OutputWrite w, Loc.Mem m, long[] kill) throws IOException {
        long index = 0;
        for (FileDescriptors.Piece p : w.pieces()) {
            for (int i = 0; i < m.length(); i++) {
                long a = m.address() + i;
                if (a - p.address() >= 0 && a - p.address() < p.length() && w.step() <= kill[i]) {
                    long at = index + (a - p.address());
                    String where = w.path() != null ? w.path() + (w.offset() != null ? " at offset " + (w.offset() + at) : "")
                            : w.kind() + (w.peer() != null ? " to " + w.peer() : "") + ", byte " + at + " of the write";
                    Machine.Executed x = machine.executed(w.step());
                    long rip = x == null ? 0 : x.insn().address();
                    Symbolizer.Line line = symbols.sourceLine(w.pid(), rip, w.step());
                    return new UsesPage.Use(w.step(), w.pid(), w.tid(), History.hex(rip), symbols.functionName(w.pid(), rip, w.step()),
                            line == null ? null : line.file(), line == null ? null : line.line(), "syscall", m.describe(),
                            w.syscall() + "(" + w.fd() + ", ...)", true, List.of(new UsesPage.Produced("fd " + w.fd() + ": " + where, null, null)));
                }
            }
            index += p.length();
        }
        return null;
    }

    private static long[] unknownKills(int length) {
        long[] kill = new long[length];
        java.util.Arrays.fill(kill, Long.MAX_VALUE);
        return kill;
    }

    /** For each byte of memory, the step of the first write at or after {@code t} (Long.MAX_VALUE: none). */
    private long[] kills(Loc.Mem m, long t) throws IOException {
        long[] kill = unknownKills(m.length());
        int left = m.length();
        long[] after = null;
        while (left > 0) {
            List<IndexStore.SeqWrite> rows = machine.store().writes(new IndexStore.WriteQuery(m.address(), m.length(), m.pid(), t, null, after, false, 64));
            for (IndexStore.SeqWrite sw : rows) {
                History.Write w = sw.write();
                for (int i = 0; i < m.length(); i++) {
                    long a = m.address() + i;
                    if (kill[i] == Long.MAX_VALUE && a - w.addr() >= 0 && a - w.addr() < w.size()) {
                        kill[i] = w.step();
                        left--;
                    }
                }
                after = new long[] {w.step(), sw.seq()};
            }
            if (rows.size() < 64) break;
        }
        return kill;
    }

    /**
     * The uses by {@code tid} in steps [w0, w1): the window's distinct blocks are decoded first, and
     * only the blocks that can read the place (or, for a register, write it) are fetched and walked.
     * For a register, its bytes' overwrites are found here too: true once every byte was overwritten.
     */
    private boolean window(Loc loc, long[] kill, int tid, long w0, long w1, List<UsesPage.Use> out) throws IOException {
        List<Locator.Block> first = machine.store().blocks(tid, w0, false, 1);
        long from = first.isEmpty() ? w0 : Math.min(w0, first.get(0).step());
        boolean memory = loc instanceof Loc.Mem;
        List<Long> rips = new ArrayList<>();
        long used = 0;
        for (IndexStore.BlockShape shape : machine.store().blockShapes(tid, from, w1)) {
            Machine.Code code = machine.code(new Locator.Block(shape.firstStep(), shape.pid(), tid, shape.rip(), shape.instructions()));
            boolean relevant = code.changeable() || (memory ? code.memoryReaders().length > 0 : touchesRegister(code, (Loc.Reg) loc));
            if (!relevant) continue;
            rips.add(shape.rip());
            used |= code.addressRegisters();
        }
        if (rips.isEmpty()) return false;
        long[] regs = new long[Registers.MXCSR + 1];
        List<long[]> changes = new ArrayList<>();
        if (memory) {
            // only the registers the window's code addresses memory with
            for (var e : machine.registers(tid, w0).entrySet()) if (e.getKey() < regs.length) regs[e.getKey()] = e.getValue()[0];
            if (used != 0) {
                int[] ids = java.util.BitSet.valueOf(new long[] {used}).stream().toArray();
                machine.store().registerChanges(tid, w0, w1, ids, (step, reg, value, hi) -> changes.add(new long[] {step, reg, value}));
            }
        }
        long[] wanted = rips.stream().mapToLong(Long::longValue).toArray();
        int next = 0;
        long cursor = from;
        while (cursor < w1) {
            List<Locator.Block> page = machine.store().blocksIn(tid, cursor, w1, wanted, BLOCK_PAGE);
            for (Locator.Block b : page) {
                Machine.Code code = machine.code(b);
                List<Instruction> insns = code.instructions();
                int[] which = memory ? code.memoryReaders() : null;
                int count = memory ? which.length : insns.size();
                for (int x = 0; x < count; x++) {
                    int k = memory ? which[x] : x;
                    long s = b.step() + k;
                    if (s < w0) continue;
                    if (s >= w1) return false;
                    while (next < changes.size() && changes.get(next)[0] < s) {
                        long[] c = changes.get(next++);
                        regs[(int) c[1]] = c[2];
                    }
                    String read = reads(insns.get(k), loc, kill, s, regs);
                    if (read != null) out.add(use(b, insns.get(k), s, loc, read));
                    if (!memory && overwrites(insns.get(k), (Loc.Reg) loc, kill, s)) return true;
                }
            }
            if (page.size() < BLOCK_PAGE) break;
            cursor = page.get(page.size() - 1).step() + 1;
        }
        return false;
    }

    /** Marks the bytes of {@code r} an instruction overwrites at step s; true once every byte is overwritten. */
    private static boolean overwrites(Instruction insn, Loc.Reg r, long[] kill, long s) {
        int[] w = Semantics.regWrite(insn, r.id());
        if (w == null) return false;
        boolean all = true;
        for (int i = 0; i < r.length(); i++) {
            int byteIndex = r.offset() + i;
            if (kill[i] == Long.MAX_VALUE && byteIndex >= w[0] && byteIndex < w[0] + w[1]) kill[i] = s;
            all &= kill[i] != Long.MAX_VALUE;
        }
        return all;
    }

    private static boolean touchesRegister(Machine.Code code, Loc.Reg r) {
        long bit = 1L << r.id();
        return ((code.readRegisters() | code.writtenRegisters()) & bit) != 0;
    }

    /** How the instruction at step s reads a live byte of {@code loc} (its operand's text), or null. */
    private static String reads(Instruction insn, Loc loc, long[] kill, long s, long[] regs) {
        if (loc instanceof Loc.Reg r) {
            for (Instruction.Operand o : insn.operands()) {
                if (o.kind() == Kind.REG && o.read() && covers(r, o.reg(), kill, s)) return o.reg().name();
                if (o.kind() == Kind.MEM) {
                    if (o.mem().base() != null && covers(r, o.mem().base(), kill, s)) return o.mem().base().name() + " (as an address)";
                    if (o.mem().index() != null && covers(r, o.mem().index(), kill, s)) return o.mem().index().name() + " (as an address)";
                }
            }
            for (Instruction.Reg x : insn.implicitReads()) if (covers(r, x, kill, s)) return x.name();
            return null;
        }
        Loc.Mem m = (Loc.Mem) loc;
        for (Instruction.Operand o : insn.operands()) {
            if (o.kind() != Kind.MEM || !o.read() || o.size() <= 0 || insn.mnemonic().equals("lea")) continue;
            long a = address(insn, o.mem(), regs);
            int size = o.size();
            if (Semantics.isString(insn) && (insn.prefixes() & (Instruction.PREFIX_REP | Instruction.PREFIX_REPNE)) != 0) {
                size = (int) Math.min(1 << 20, size * Math.max(1, regs[Registers.RCX]));
            }
            if (overlapsLive(m, kill, a, size, s)) return Semantics.memText(insn, o, a);
        }
        String mn = insn.mnemonic();
        if (mn.equals("pop") || mn.equals("ret") || mn.equals("leave")) {
            long a = mn.equals("leave") ? regs[Registers.RBP] : regs[Registers.RSP];
            if (overlapsLive(m, kill, a, 8, s)) return "[" + (mn.equals("leave") ? "rbp" : "rsp") + "] = " + History.hex(a);
        }
        return null;
    }

    private static boolean covers(Loc.Reg r, Instruction.Reg x, long[] kill, long s) {
        if (x.id() != r.id()) return false;
        for (int i = 0; i < r.length(); i++) {
            int b = r.offset() + i;
            if (b >= x.offset() && b < x.offset() + x.size() && s <= kill[i]) return true;
        }
        return false;
    }

    private static boolean overlapsLive(Loc.Mem m, long[] kill, long a, int size, long s) {
        for (int i = 0; i < m.length(); i++) {
            long b = m.address() + i;
            if (b - a >= 0 && b - a < size && s <= kill[i]) return true;
        }
        return false;
    }

    private static long address(Instruction insn, Instruction.Mem mem, long[] regs) {
        long a = mem.disp();
        if (mem.base() != null) a += mem.base().id() == Registers.RIP ? insn.address() + insn.size() : part(regs, mem.base());
        if (mem.index() != null && mem.index().id() >= 0) a += part(regs, mem.index()) * mem.scale();
        if (mem.segment() >= 0) a += regs[mem.segment()];
        return a;
    }

    private static long part(long[] regs, Instruction.Reg r) {
        if (r.id() < 0 || r.id() >= regs.length) return 0;
        long v = regs[r.id()] >>> (8 * r.offset());
        return r.size() >= 8 ? v : v & ((1L << (8 * r.size())) - 1);
    }

    private UsesPage.Use use(Locator.Block b, Instruction insn, long s, Loc loc, String read) throws IOException {
        Machine.Executed x = new Machine.Executed(s, b.pid(), b.tid(), insn);
        List<UsesPage.Produced> produced = new ArrayList<>();
        boolean copy = false;
        for (Loc out : outputs(x)) {
            produced.add(new UsesPage.Produced(out instanceof Loc.Mem m ? nodes.describe(m) : out.describe(), OriginNodes.value(machine.read(out, s + 1)),
                    Loc.token(out, s + 1)));
            if (!(out instanceof Loc.Reg r && r.id() == Registers.EFLAGS)) copy |= isCopy(x, out);
        }
        Symbolizer.Line line = symbols.sourceLine(b.pid(), insn.address(), s);
        int space = read.indexOf(" = ");
        return new UsesPage.Use(s, b.pid(), b.tid(), History.hex(insn.address()), symbols.functionName(b.pid(), insn.address(), s),
                line == null ? null : line.file(), line == null ? null : line.line(), insn.text(), loc.describe(),
                space < 0 ? read : read.substring(0, space), copy, produced);
    }

    private boolean isCopy(Machine.Executed x, Loc out) throws IOException {
        try {
            return Semantics.effect(machine, x, out) instanceof Semantics.Copy;
        } catch (RuntimeException e) {
            return false; // operands this code does not expect: not known to be a copy
        }
    }

    /** The places an instruction wrote: its written operands, the registers it writes implicitly (not rsp, rip), memory it pushed. */
    private List<Loc> outputs(Machine.Executed x) throws IOException {
        List<Loc> out = new ArrayList<>();
        Instruction i = x.insn();
        for (Instruction.Operand o : i.operands()) {
            if (o.kind() == Kind.REG && o.written() && o.reg().id() >= 0) out.add(new Loc.Reg(x.tid(), o.reg().id(), o.reg().offset(), o.reg().size()));
        }
        for (long[] w : Semantics.memWrites(machine, x)) {
            if (w[1] > 0 && w[1] <= 4096) out.add(new Loc.Mem(x.pid(), w[0], (int) w[1]));
        }
        for (Instruction.Reg r : i.implicitWrites()) {
            if (r.id() < 0 || r.id() == Registers.RSP || r.id() == Registers.RIP || r.id() == Registers.EFLAGS) continue;
            if (out.stream().noneMatch(l -> l instanceof Loc.Reg lr && lr.id() == r.id())) out.add(new Loc.Reg(x.tid(), r.id(), r.offset(), r.size()));
        }
        if (out.isEmpty() && i.flagsWritten() != 0) out.add(new Loc.Reg(x.tid(), Registers.EFLAGS, 0, 8));
        return out;
    }
}
