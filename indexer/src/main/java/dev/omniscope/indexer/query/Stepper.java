package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.omniscope.indexer.emu.Emulator;

/**
 * Stepping through time, as a debugger steps (docs/api.md, "Moves"): from a moment of a thread to
 * its next or previous instruction, its next or previous source line (calls stepped over, or
 * entered), out of the current call, to the start of the current call. The CLI and the server
 * answer the same way: only where blocks and calls come from differs ({@link Locator.Moments}).
 *
 * <p>A thread's instructions are its blocks (one query per page of blocks, never the whole
 * thread); the address of each instruction inside a block comes from decoding the block's code
 * (cached per process, address and code bytes); source lines from {@link Symbolizer#sourceLine};
 * frames from the calls table: a call made by the current frame is stepped over by jumping to its
 * return step, and the current frame ends at its own return step.
 */
public final class Stepper {
    /** What a move asks for. */
    public enum Move {
        NEXT_INSTRUCTION("next-instruction"), PREV_INSTRUCTION("prev-instruction"), NEXT_LINE("next-line"),
        PREV_LINE("prev-line"), STEP_IN("step-in"), OUT("out"), CALL_START("call-start");

        public final String id;

        Move(String id) {
            this.id = id;
        }

        /** The move named {@code id}, or null. */
        public static Move of(String id) {
            for (Move m : values()) if (m.id.equals(id)) return m;
            return null;
        }

        /** The names, for messages. */
        public static String names() {
            StringBuilder sb = new StringBuilder();
            for (Move m : values()) sb.append(sb.length() == 0 ? "" : ", ").append(m.id);
            return sb.toString();
        }
    }

    /** Where a move goes: a moment of the thread. */
    public record Moment(long step, int pid, int tid, String to) {}

    /**
     * Where a move goes, or where it does not: {@code step} null when there is no such moment,
     * {@code reason} then says why (the answer of a lenient move).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Answer(@JsonInclude(JsonInclude.Include.ALWAYS) Long step, int pid, int tid, String to, String reason) {
        static Answer of(Moment m) {
            return new Answer(m.step(), m.pid(), m.tid(), m.to(), null);
        }
    }

    /**
     * There is no such moment (the thread ends, no open call, the start of the trace); the message
     * says why. {@code tid} is the thread that moved and {@code pid} its process (-1 when the
     * thread is not alive at the step).
     */
    public static final class NoMoment extends RuntimeException {
        public final int pid, tid;

        public NoMoment(String message) {
            this(message, -1, 0);
        }

        NoMoment(String message, int pid, int tid) {
            super(message);
            this.pid = pid;
            this.tid = tid;
        }
    }

    private static final int FIRST_PAGE = 8, MAX_PAGE = 1024;
    /** No call: a sibling search that found nothing. */
    private static final Locator.OpenCall NONE = new Locator.OpenCall(-1, Long.MAX_VALUE, null, null, 0, List.of(), null);

    private final Locator.Moments index;
    private final MemoryView memory;
    private final Symbolizer symbols;
    private final Map<CodeKey, long[]> code = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CodeKey, long[]> eldest) {
            return size() > 65_536;
        }
    };

    private record CodeKey(int pid, long rip, int hash) {}

    public Stepper(Locator.Moments index, MemoryView memory, Symbolizer symbols) {
        this.index = index;
        this.memory = memory;
        this.symbols = symbols;
    }

    /**
     * The moment a move from {@code step} goes to, for thread {@code tid} (null: the one running
     * at the step). A thread that does not run at the step is where it resumes: its next step.
     *
     * @throws Locator.NotFound for a step outside the trace, or no thread (the caller's mistake)
     * @throws NoMoment when there is no such moment
     */
    public Moment move(long step, Integer tid, Move move) throws IOException {
        long end = index.instructions();
        if (step < 0 || step >= end) {
            throw new Locator.NotFound("step " + step + " is outside the trace (steps 0 to " + Math.max(end - 1, 0) + ")");
        }
        Locator.Block running = index.blockAt(step);
        int t = tid != null ? tid : running != null ? running.tid() : -1;
        if (t < 0) throw new Locator.NotFound("no thread runs at step " + step + "; give tid");
        try {
            return move(step, t, running, move);
        } catch (NoMoment e) {
            if (e.tid != 0) throw e;
            int pid = running != null && running.tid() == t ? running.pid() : index.pidOf(t, step);
            throw new NoMoment(e.getMessage(), pid, t);
        }
    }

    /** As {@link #move(long, Integer, Move)} for thread {@code t}; {@code running} is the block that runs at the step. */
    private Moment move(long step, int t, Locator.Block running, Move move) throws IOException {
        Cursor c = new Cursor(t);
        if (running != null && running.tid() == t) {
            c.at(running, step);
        } else if (move == Move.PREV_INSTRUCTION) {
            if (!c.seekBefore(step)) throw new NoMoment("thread " + t + " executes no instruction before step " + step);
            return c.moment(move);
        } else {
            if (!c.seekAfter(step)) throw new NoMoment("thread " + t + " executes no instruction after step " + step);
            if (move == Move.NEXT_INSTRUCTION) return c.moment(move);
        }
        return switch (move) {
            case NEXT_INSTRUCTION -> {
                if (!c.next()) throw new NoMoment("thread " + t + " executes no instruction after step " + step);
                yield c.moment(move);
            }
            case PREV_INSTRUCTION -> {
                if (!c.prev()) throw new NoMoment("thread " + t + " executes no instruction before step " + step);
                yield c.moment(move);
            }
            case OUT -> out(c);
            case CALL_START -> callStart(c);
            case NEXT_LINE, STEP_IN -> {
                try {
                    yield lineForward(c, move);
                } catch (NoMoment e) {
                    if (e.getMessage().startsWith("thread ")) throw e;
                    throw new NoMoment("thread " + t + " executes no further source line after step " + step + ": " + e.getMessage());
                }
            }
            case PREV_LINE -> lineBackward(c);
        };
    }

    /** The calls of the thread open at the cursor's step, outermost first. */
    private List<Locator.OpenCall> stack(Cursor c) throws IOException {
        List<Locator.OpenCall> open = new ArrayList<>(index.openCalls(c.tid, c.step));
        open.sort(Comparator.comparingInt(Locator.OpenCall::depth));
        return open;
    }

    private static Locator.OpenCall innermost(List<Locator.OpenCall> stack) {
        return stack.isEmpty() ? null : stack.get(stack.size() - 1);
    }

    private static String name(Locator.OpenCall call) {
        return (call.function() == null ? "the call" : call.function()) + " (called at step " + call.callStep() + ")";
    }

    /** Puts the cursor on the return step of {@code call} (its ret). */
    private void toReturn(Cursor c, Locator.OpenCall call) throws IOException {
        if (call.returnStep() == null || !c.seek(call.returnStep())) {
            throw new NoMoment(name(call) + " of thread " + c.tid + " never returns");
        }
    }

    private Moment out(Cursor c) throws IOException {
        long from = c.step;
        Locator.OpenCall call = innermost(stack(c));
        if (call == null) throw new NoMoment("thread " + c.tid + " is in no call at step " + from + ": there is nothing to return from");
        toReturn(c, call);
        if (!c.next()) throw new NoMoment("thread " + c.tid + " executes no instruction after " + name(call) + " returns");
        return c.moment(Move.OUT);
    }

    private Moment callStart(Cursor c) throws IOException {
        long from = c.step;
        List<Locator.OpenCall> stack = stack(c);
        for (int i = stack.size() - 1; i >= 0; i--) {
            Locator.OpenCall call = stack.get(i);
            if (c.seekAfter(call.callStep()) && c.step != from) return c.moment(Move.CALL_START);
        }
        throw new NoMoment(stack.isEmpty() ? "thread " + c.tid + " is in no call at step " + from
                : "step " + from + " is the entry of the outermost call of thread " + c.tid + ": no call encloses it");
    }

    /**
     * next-line and step-in, as gdb's {@code next} and {@code step}: the first later step of the
     * thread at the start of a statement of another source line, in the current call or an outer
     * one. Calls made in between are stepped over (step-in: entered when their entry has source
     * lines; the entry's own line, the prologue, does not stop). Where the current code has no
     * source line, the call is finished first. After a return, the current line is the caller's
     * line that made the call (so a statement start of that same line does not stop), as gdb does;
     * a return into a caller without source lines stops right after the return (gdb: "0x... in
     * caller () from libc"), unless the move began in code without source lines, which finishes
     * its callers until one has them.
     */
    private Moment lineForward(Cursor c, Move move) throws IOException {
        long from = c.step;
        List<Locator.OpenCall> stack = stack(c);
        int depth = stack.size();
        Locator.OpenCall frame = innermost(stack);
        Locator.OpenCall sibling = null;
        Symbolizer.Line current = c.line();
        boolean fromSource = current != null;
        if (current == null) {
            if (frame == null) throw new NoMoment("thread " + c.tid + " has no source line at step " + from + " and is in no call to finish");
            toReturn(c, frame);
        }
        while (true) {
            long prev = c.step;
            if (!c.next()) throw new NoMoment("thread " + c.tid + " executes no further source line after step " + from);
            if (frame != null && frame.returnStep() != null && prev >= frame.returnStep()) {
                // back in the caller, in the middle of the line that made the call: as gdb, that line is the current one
                Symbolizer.Line site = symbols.sourceLine(c.block.pid(), frame.callSite(), c.step);
                current = site != null ? site : c.line();
                stack = stack(c);
                depth = stack.size();
                frame = innermost(stack);
                sibling = null;
                if (c.line() == null) {
                    if (fromSource) return c.moment(move);
                    if (frame == null) {
                        throw new NoMoment("thread " + c.tid + " returns into code without source lines, in no call to finish, after step " + from);
                    }
                    toReturn(c, frame);
                    continue;
                }
            } else {
                if (sibling == null || sibling != NONE && sibling.callStep() < prev) {
                    sibling = index.call(c.tid, depth, prev, true);
                    if (sibling == null) sibling = NONE;
                }
                if (sibling.callStep() == prev) {
                    // a call made by this frame: c is at its entry
                    Symbolizer.Line entry = c.line();
                    if (move == Move.STEP_IN && entry != null) {
                        depth++;
                        frame = sibling;
                        current = entry;
                    } else {
                        toReturn(c, sibling);
                    }
                    sibling = null;
                    continue;
                }
            }
            Symbolizer.Line line = c.line();
            if (line == null) continue;
            boolean start = c.pc() == line.start();
            if (start && line.statement() && !line.sameLine(current)) return c.moment(move);
            // in the middle of a line (a jump or a return into it), or a row of the line that is no statement: as gdb,
            // the line there is the current one now (gdb refreshes its step range)
            if (!start) current = line;
        }
    }
    /**
     * prev-line, as gdb's {@code reverse-next}: the start of the previous source line the thread
     * executed in the current call or an outer one (calls made in between stepped over): going
     * back, the latest statement start of a line other than the current one, then back to the
     * earliest statement start of that line's run. Where the current code has no source line, the
     * start of the caller's line that made the call.
     */
    private Moment lineBackward(Cursor c) throws IOException {
        long from = c.step;
        List<Locator.OpenCall> stack = stack(c);
        int depth = stack.size();
        Locator.OpenCall frame = innermost(stack);
        Symbolizer.Line current = c.line();
        if (current == null) {
            if (frame == null) throw new NoMoment("thread " + c.tid + " has no source line at step " + from + " and is in no call");
            if (!c.seek(frame.callStep())) throw new NoMoment("thread " + c.tid + " has no step " + frame.callStep());
            depth--;
            frame = depth == 0 ? null : stack.get(depth - 1);
        }
        Locator.OpenCall sibling = null;
        Moment found = null;
        Symbolizer.Line foundLine = null;
        while (true) {
            if (!c.prev()) {
                if (found != null) return found;
                throw new NoMoment("thread " + c.tid + " executes no source line before step " + from);
            }
            if (frame != null && c.step <= frame.callStep()) {
                // back out of the current call, at its call instruction in the caller
                if (found != null) return found;
                depth--;
                frame = depth == 0 ? null : stack.get(depth - 1);
                sibling = null;
            } else {
                if (sibling == null || sibling.callStep() > c.step) sibling = index.call(c.tid, depth, c.step, false);
                if (sibling != null && sibling.returnStep() != null && sibling.returnStep() == c.step) {
                    // the ret of a call this frame made: back to its call instruction
                    if (!c.seek(sibling.callStep())) throw new NoMoment("thread " + c.tid + " has no step " + sibling.callStep());
                    sibling = null;
                }
            }
            Symbolizer.Line line = c.line();
            boolean start = line != null && line.statement() && c.pc() == line.start();
            if (found == null) {
                if (start && !line.sameLine(current)) {
                    found = c.moment(Move.PREV_LINE);
                    foundLine = line;
                }
            } else if (line == null || !line.sameLine(foundLine)) {
                return found;
            } else if (start) {
                found = c.moment(Move.PREV_LINE);
            }
        }
    }

    /** The address of each instruction of a block, decoded from its code (cached). */
    private long[] addresses(Locator.Block b) throws IOException {
        int n = b.instructions();
        byte[] bytes = memory.read(b.pid(), b.rip(), 16 * n + 16, b.step()).data();
        CodeKey key = new CodeKey(b.pid(), b.rip(), Arrays.hashCode(bytes));
        synchronized (code) {
            long[] known = code.get(key);
            if (known != null && known.length >= n) return known;
        }
        long[] at = new long[n];
        int offset = 0, i = 0;
        for (; i < n && offset + 16 <= bytes.length; i++) {
            Emulator.Disassembly d = Emulator.disasm(Arrays.copyOfRange(bytes, offset, offset + 16), b.rip() + offset);
            if (d == null || d.length() <= 0) break;
            at[i] = b.rip() + offset;
            offset += d.length();
        }
        if (i < n) at = Arrays.copyOf(at, i); // undecodable: the rest of the block has no address
        synchronized (code) {
            code.put(key, at);
        }
        return at;
    }

    /** A thread's steps, one at a time, paging through its blocks. */
    private final class Cursor {
        final int tid;
        Locator.Block block;
        long step;
        private final ArrayDeque<Locator.Block> ahead = new ArrayDeque<>(), behind = new ArrayDeque<>();
        private int aheadPage = FIRST_PAGE, behindPage = FIRST_PAGE;
        private long[] pcs;

        Cursor(int tid) {
            this.tid = tid;
        }

        void at(Locator.Block b, long s) {
            if (b != block) pcs = null;
            block = b;
            step = s;
            ahead.clear();
            behind.clear();
            aheadPage = behindPage = FIRST_PAGE;
        }

        private Locator.Block startingAtOrBefore(long s) throws IOException {
            List<Locator.Block> found = index.blocks(tid, s, false, 1);
            return found.isEmpty() ? null : found.get(0);
        }

        /** To step {@code s} of the thread; false if the thread does not execute it. */
        boolean seek(long s) throws IOException {
            Locator.Block b = startingAtOrBefore(s);
            if (b == null || s >= b.step() + b.instructions()) return false;
            at(b, s);
            return true;
        }

        /** To the thread's first step after {@code s}. */
        boolean seekAfter(long s) throws IOException {
            Locator.Block b = startingAtOrBefore(s);
            if (b != null && s + 1 < b.step() + b.instructions()) {
                at(b, s + 1);
                return true;
            }
            List<Locator.Block> next = index.blocks(tid, s + 1, true, 1);
            if (next.isEmpty()) return false;
            at(next.get(0), next.get(0).step());
            return true;
        }

        /** To the thread's last step before {@code s}. */
        boolean seekBefore(long s) throws IOException {
            Locator.Block b = startingAtOrBefore(s - 1);
            if (b == null) return false;
            at(b, Math.min(s - 1, b.step() + b.instructions() - 1));
            return true;
        }

        boolean next() throws IOException {
            long want = step + 1;
            if (want < block.step() + block.instructions()) {
                step = want;
                return true;
            }
            while (true) {
                if (ahead.isEmpty()) {
                    ahead.addAll(index.blocks(tid, block.step() + 1, true, aheadPage));
                    aheadPage = Math.min(aheadPage * 4, MAX_PAGE);
                }
                Locator.Block b = ahead.poll();
                if (b == null) return false;
                if (b.step() + b.instructions() <= want) continue;
                behind.clear();
                pcs = null;
                block = b;
                step = Math.max(want, b.step());
                return true;
            }
        }

        boolean prev() throws IOException {
            long want = step - 1;
            if (want >= block.step()) {
                step = want;
                return true;
            }
            while (true) {
                if (behind.isEmpty()) {
                    behind.addAll(index.blocks(tid, block.step() - 1, false, behindPage));
                    behindPage = Math.min(behindPage * 4, MAX_PAGE);
                }
                Locator.Block b = behind.poll();
                if (b == null) return false;
                if (b.step() > want) continue;
                ahead.clear();
                pcs = null;
                block = b;
                step = Math.min(want, b.step() + b.instructions() - 1);
                return true;
            }
        }

        /** The address of the instruction at the step, or -1 when it could not be decoded. */
        long pc() throws IOException {
            if (pcs == null) pcs = addresses(block);
            int i = (int) (step - block.step());
            return i < pcs.length ? pcs[i] : -1;
        }

        Symbolizer.Line line() throws IOException {
            long pc = pc();
            return pc == -1 ? null : symbols.sourceLine(block.pid(), pc, step);
        }

        Moment moment(Move move) {
            return new Moment(step, block.pid(), tid, move.id);
        }
    }
}
