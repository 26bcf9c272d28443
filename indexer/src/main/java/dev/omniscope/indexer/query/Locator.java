package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.omniscope.indexer.emu.Emulator;
import dev.omniscope.indexer.index.Tables;
import dev.omniscope.trace.Registers;

/** Builds a {@link Location}: which task runs at a step, where, with what registers and call stack. */
public final class Locator {
    private static final int XMM0 = 32, MXCSR = 48;
    private static final int CONTEXT_AFTER = 6;

    /** Thrown for a step or task the index does not have; the message is for people. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    private Locator() {}

    private record Block(long step, int pid, int tid, long rip, int instructions) {}

    public static Location locate(IndexTables index, MemoryView memory, Symbolizer symbols, long step, Integer tid) throws IOException {
        long end = index.summary().instructions();
        if (step < 0 || step >= Math.max(end, 1)) {
            throw new NotFound("step " + step + " is outside the trace (steps 0 to " + Math.max(end - 1, 0) + ")");
        }
        Block running = blockAt(index, step);
        int task = tid != null ? tid : running != null ? running.tid() : -1;
        if (task < 0) throw new NotFound("no task runs at step " + step);
        Map<Integer, long[]> regs = registers(index, task, step);
        if (regs.isEmpty()) throw new NotFound("task " + task + " does not exist at step " + step);
        int pid = pidOf(index, task, step);
        boolean isRunning = running != null && running.tid() == task;
        List<Location.Instruction> listing = new ArrayList<>();
        long rip;
        if (isRunning) {
            rip = decode(memory, pid, running, step, listing);
        } else {
            long[] r = regs.get(Registers.RIP);
            rip = r == null ? 0 : r[0];
            decodeFrom(memory, pid, rip, step, rip, listing);
        }
        Map<String, String> named = new LinkedHashMap<>();
        for (int r = 0; r < Registers.COUNT; r++) {
            if (r == Registers.ORIG_RAX || r == Registers.CS || r == Registers.SS || r >= Registers.DS) continue;
            long value = r == Registers.RIP ? rip : regs.containsKey(r) ? regs.get(r)[0] : 0;
            named.put(Registers.NAMES.get(r), History.hex(value));
        }
        for (int x = 0; x < 16; x++) {
            long[] v = regs.get(XMM0 + x);
            if (v != null) named.put("xmm" + x, String.format("0x%016x%016x", v[1], v[0]));
        }
        if (regs.containsKey(MXCSR)) named.put("mxcsr", History.hex(regs.get(MXCSR)[0]));
        Symbolizer.Place place = symbols.place(pid, rip, step);
        return new Location(step, pid, task, isRunning, History.hex(rip), place.function(), place.file(), place.line(),
                listing, named, stack(index, symbols, pid, task, step));
    }

    /** The block whose instructions include {@code step} (blocks are in step order). */
    private static Block blockAt(IndexTables index, long step) throws IOException {
        Block[] found = {null};
        index.scanBatches(Tables.BLOCKS, row -> {
            var steps = row.longVector(row.column("step"));
            int n = row.batchRows();
            if (n == 0 || steps.get(0) > step) return false;
            if (steps.get(n - 1) + 100_000 < step) return true; // quick skip: this batch ends well before
            for (int i = 0; i < n; i++) {
                long s = steps.get(i);
                if (s > step) return false;
                IndexTables.at(row, i);
                int count = row.i32(row.column("instructions"));
                if (step < s + count) {
                    found[0] = new Block(s, row.i32(row.column("pid")), row.i32(row.column("tid")), row.i64(row.column("rip")), count);
                    return false;
                }
            }
            return true;
        });
        return found[0];
    }

    /** The last value of each register of {@code tid} before {@code step}: [value, high half]. */
    private static Map<Integer, long[]> registers(IndexTables index, int tid, long step) throws IOException {
        Map<Integer, long[]> regs = new TreeMap<>();
        index.scanBatches(Tables.REG_CHANGES, row -> {
            var steps = row.longVector(row.column("step"));
            int cTid = row.column("tid"), cReg = row.column("reg"), cValue = row.column("value"), cHi = row.column("value_hi");
            int n = row.batchRows();
            for (int i = 0; i < n; i++) {
                if (steps.get(i) >= step) return false;
                IndexTables.at(row, i);
                if (row.i32(cTid) != tid) continue;
                regs.put(row.i16(cReg), new long[] {row.i64(cValue), row.i64(cHi)});
            }
            return true;
        });
        return regs;
    }

    private static int pidOf(IndexTables index, int tid, long step) throws IOException {
        int[] pid = {-1};
        index.scan(Tables.TASKS, r -> {
            Long endStep = r.nullableI64(r.column("end_step"));
            if (r.i32(r.column("tid")) == tid && r.i64(r.column("start_step")) < step && (endStep == null || step <= endStep + 1)) {
                pid[0] = r.i32(r.column("pid"));
            }
            return true;
        });
        if (pid[0] < 0) throw new NotFound("task " + tid + " does not exist at step " + step);
        return pid[0];
    }

    /** Decodes the running block up to the instruction at {@code step} and a few after; returns its rip. */
    private static long decode(MemoryView memory, int pid, Block b, long step, List<Location.Instruction> out) throws IOException {
        long address = b.rip();
        long rip = address;
        int target = (int) (step - b.step());
        byte[] code = memory.read(pid, address, 16 * (b.instructions() + CONTEXT_AFTER), step).data();
        int offset = 0;
        for (int i = 0; i < b.instructions() + CONTEXT_AFTER && offset < code.length - 15; i++) {
            Emulator.Disassembly d = Emulator.disasm(java.util.Arrays.copyOfRange(code, offset, offset + 16), address + offset);
            if (d == null || d.length() <= 0) break;
            if (i == target) rip = address + offset;
            out.add(new Location.Instruction(History.hex(address + offset), d.text(), i == target));
            offset += d.length();
        }
        return rip;
    }

    private static void decodeFrom(MemoryView memory, int pid, long address, long step, long rip, List<Location.Instruction> out)
            throws IOException {
        byte[] code = memory.read(pid, address, 16 * (CONTEXT_AFTER + 1), step).data();
        int offset = 0;
        for (int i = 0; i <= CONTEXT_AFTER && offset < code.length - 15; i++) {
            Emulator.Disassembly d = Emulator.disasm(java.util.Arrays.copyOfRange(code, offset, offset + 16), address + offset);
            if (d == null || d.length() <= 0) break;
            out.add(new Location.Instruction(History.hex(address + offset), d.text(), address + offset == rip));
            offset += d.length();
        }
    }

    /** The calls of {@code tid} open at {@code step}, outermost first. */
    private static List<Location.Frame> stack(IndexTables index, Symbolizer symbols, int pid, int tid, long step) throws IOException {
        List<Location.Frame> frames = new ArrayList<>();
        index.scan(Tables.CALLS, r -> {
            if (r.i32(r.column("tid")) != tid) return true;
            long call = r.i64(r.column("call_step"));
            Long ret = r.nullableI64(r.column("return_step"));
            if (call >= step || (ret != null && ret < step)) return true;
            List<String> args = new ArrayList<>();
            for (int a = 0; a < 6; a++) args.add(History.hex(r.i64(r.column("arg" + a))));
            long site = r.i64(r.column("call_site"));
            Symbolizer.Place at = symbols.place(pid, site, call);
            frames.add(new Location.Frame(r.i32(r.column("depth")), call, r.string(r.column("function")), History.hex(site),
                    at.function(), at.file(), at.line(), args));
            return true;
        });
        frames.sort(Comparator.comparingLong(Location.Frame::callStep));
        return frames;
    }
}
