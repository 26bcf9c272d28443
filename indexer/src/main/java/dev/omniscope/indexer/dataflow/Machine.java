package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.emu.Instruction;
import dev.omniscope.indexer.query.IndexStore;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.trace.Registers;

/**
 * The machine state data flow reads from the index: registers of a thread at a step (with the
 * step each last changed), memory, and the instructions of executed blocks, decoded once per
 * address of code that cannot change (a region without write permission). Thread-safe.
 */
final class Machine {
    private static final int CACHE = 4096;

    private final QueryableTrace trace;
    private final IndexStore store;
    private final MemoryView memory;
    private final Map<String, Map<Integer, long[]>> registers = lru(256);

    Machine(QueryableTrace trace) {
        this.trace = trace;
        this.store = trace.store();
        this.memory = trace.memory();
    }

    private static <K, V> Map<K, V> lru(int size) {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > size;
            }
        });
    }

    QueryableTrace trace() {
        return trace;
    }

    IndexStore store() {
        return store;
    }

    MemoryView memory() {
        return memory;
    }

    /** Registers of {@code tid} before the instruction at {@code step}: id to [value, high half, step of the change]. */
    Map<Integer, long[]> registers(int tid, long step) throws IOException {
        String key = tid + ":" + step;
        Map<Integer, long[]> r = registers.get(key);
        if (r == null) {
            r = store.registers(tid, step);
            registers.put(key, r);
        }
        return r;
    }

    private record RegisterKey(int tid, long step, int id) {}

    private static final long[] NONE = new long[0];
    private final Map<RegisterKey, long[]> oneRegister = lru(4096);

    /**
     * One register of {@code tid} before the instruction at {@code step}: [value, high half, step of
     * the change], or null; one lookup of that register, unless the whole set is at hand.
     */
    long[] registerRow(int tid, long step, int id) throws IOException {
        Map<Integer, long[]> all = registers.get(tid + ":" + step);
        if (all != null) return all.get(id);
        RegisterKey key = new RegisterKey(tid, step, id);
        long[] v = oneRegister.get(key);
        if (v == null) {
            v = store.register(tid, id, step);
            oneRegister.put(key, v == null ? NONE : v);
        }
        return v == null || v.length == 0 ? null : v;
    }

    /** A register's 64-bit value (the low half of an xmm register), 0 when unknown. */
    long register(int tid, long step, int id) throws IOException {
        long[] v = registerRow(tid, step, id);
        return v == null ? 0 : v[0];
    }

    /** The bytes of a register (little-endian; 16 for xmm registers) before the instruction at {@code step}. */
    byte[] registerBytes(int tid, long step, int id) throws IOException {
        long[] v = registerRow(tid, step, id);
        int size = id >= Registers.XMM0 && id < Registers.XMM0 + Registers.XMM_COUNT ? 16 : 8;
        byte[] b = new byte[size];
        if (v == null) return b;
        for (int i = 0; i < 8; i++) b[i] = (byte) (v[0] >>> (8 * i));
        for (int i = 8; i < size; i++) b[i] = (byte) (v[1] >>> (8 * (i - 8)));
        return b;
    }

    /** The bytes of a place just before {@code step}. */
    byte[] read(Loc loc, long step) throws IOException {
        if (loc instanceof Loc.Mem m) return memory.read(m.pid(), m.address(), m.length(), step).data();
        Loc.Reg r = (Loc.Reg) loc;
        return Arrays.copyOfRange(registerBytes(r.tid(), step, r.id()), r.offset(), r.offset() + r.length());
    }

    /** The instructions a block executed (its first {@code instructions}), decoded. */
    List<Instruction> instructions(Locator.Block b) throws IOException {
        return code(b).instructions();
    }

    /** A block's decoded instructions and which of them read memory (data flow's uses look only at those). */
    /** {@code changeable}: the code is in writable memory, so it is decoded again for every block rather than kept. */
    record Code(List<Instruction> instructions, int[] memoryReaders, long addressRegisters, long readRegisters, long writtenRegisters,
                boolean changeable, long validFrom, long validTo) {}

    private record CodeKey(int pid, long rip, int instructions) {}

    private final Map<CodeKey, Code> code = lru(CACHE);

    /** A block's code, decoded once per address of code that cannot change (no write permission) while its region lives. */
    Code code(Locator.Block b) throws IOException {
        CodeKey key = new CodeKey(b.pid(), b.rip(), b.instructions());
        Code cached = code.get(key);
        if (cached != null && b.step() + 1 > cached.validFrom() && b.step() + 1 <= cached.validTo()) return cached;
        MemoryView.Region region = memory.regionAt(b.pid(), b.rip(), b.step() + 1);
        boolean fixed = region != null && (region.prot() & 2) == 0;
        byte[] bytes = memory.read(b.pid(), b.rip(), 16 * b.instructions() + 16, b.step() + 1).data();
        List<Instruction> out = new ArrayList<>(b.instructions());
        List<Integer> readers = new ArrayList<>();
        long addressRegisters = 0, readRegisters = 0, writtenRegisters = 0;
        int offset = 0;
        for (int i = 0; i < b.instructions() && offset + 16 <= bytes.length; i++) {
            Instruction insn = Instruction.decode(Arrays.copyOfRange(bytes, offset, offset + 16), b.rip() + offset);
            if (insn == null) break;
            out.add(insn);
            readRegisters |= Semantics.readRegisters(insn);
            writtenRegisters |= Semantics.writtenRegisters(insn);
            if (Semantics.readsMemory(insn)) {
                readers.add(i);
                addressRegisters |= Semantics.addressRegisters(insn);
            }
            offset += insn.size();
        }
        Code c = new Code(out, readers.stream().mapToInt(Integer::intValue).toArray(), addressRegisters, readRegisters, writtenRegisters,
                !fixed, fixed ? region.fromStep() : b.step(), fixed ? region.toStep() : b.step() + 1);
        if (fixed) code.put(key, c);
        return c;
    }

    /** The instruction {@code tid} ran at {@code step} and its block, or null when it ran none then. */
    Executed executed(long step) throws IOException {
        Locator.Block b = store.blockAt(step);
        if (b == null) return null;
        List<Instruction> insns = instructions(b);
        int i = (int) (step - b.step());
        return i < insns.size() ? new Executed(step, b.pid(), b.tid(), insns.get(i)) : null;
    }

    /** An instruction as it ran: at {@code step}, by {@code tid} of {@code pid}. */
    record Executed(long step, int pid, int tid, Instruction insn) {}

    /** The address a memory operand of an instruction that ran at {@code step} names. */
    long address(Executed x, Instruction.Mem mem) throws IOException {
        long a = mem.disp();
        if (mem.base() != null) a += part(x, mem.base());
        if (mem.index() != null) a += part(x, mem.index()) * mem.scale();
        if (mem.segment() >= 0) a += register(x.tid(), x.step(), mem.segment());
        return a;
    }

    /** A register part's value as an instruction read it (rip: the next instruction's address). */
    long part(Executed x, Instruction.Reg r) throws IOException {
        if (r.id() == Registers.RIP) return x.insn().address() + x.insn().size();
        long v = register(x.tid(), x.step(), r.id()) >>> (8 * r.offset());
        return r.size() >= 8 ? v : v & ((1L << (8 * r.size())) - 1);
    }
}
