package dev.omniscope.indexer.index;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Shadow call stacks, one per thread, built from the call and ret instructions the emulator saw,
 * turned into call rows (call step, return step, arguments, return value).
 *
 * <p>Frames are matched by stack pointer, not by counting: a frame's {@code sp} is rsp right after
 * its call (pointing at the return address). A ret that lands at {@code sp + 8} of the top frame
 * closes it; frames below the stack pointer at any call or ret were abandoned without a ret
 * (longjmp, a C++ exception's unwinding) and close as {@code unwound} at that step. A tail call
 * (a jump to a function) makes no frame, so the callee's ret closes its caller's frame, and
 * tail-call chains never grow the stack. A ret matching no frame (out of a function entered before
 * the recording, or of a signal handler) is ignored.
 */
final class CallStacks {
    /** An open call; {@code function} names its target as the process's modules were at the call (null: none). */
    record Frame(long callStep, int pid, int tid, int depth, long site, long target, String function, long sp, long[] args) {}

    /** Receives finished calls. */
    interface Sink {
        void call(Frame frame, Long returnStep, Long returnValue, boolean unwound);
    }

    private final Map<Integer, ArrayDeque<Frame>> stacks = new HashMap<>();
    private final Sink sink;

    CallStacks(Sink sink) {
        this.sink = sink;
    }

    private ArrayDeque<Frame> stack(int tid) {
        return stacks.computeIfAbsent(tid, t -> new ArrayDeque<>());
    }

    void call(int pid, int tid, long step, long site, long target, String function, long spAfter, long[] args) {
        ArrayDeque<Frame> stack = stack(tid);
        unwindBelow(stack, spAfter + 1, step); // frames at or below the new frame's slot are gone
        stack.push(new Frame(step, pid, tid, stack.size(), site, target, function, spAfter, args));
    }

    void ret(int tid, long step, long spAfter, long returnValue) {
        ArrayDeque<Frame> stack = stack(tid);
        long frameSp = spAfter - 8;
        unwindBelow(stack, frameSp, step);
        Frame top = stack.peek();
        if (top != null && top.sp() == frameSp) {
            stack.pop();
            sink.call(top, step, returnValue, false);
        }
    }

    /** Closes the frames whose return-address slot is below {@code sp}: the stack was cut above them. */
    private void unwindBelow(ArrayDeque<Frame> stack, long sp, long step) {
        while (!stack.isEmpty() && Long.compareUnsigned(stack.peek().sp(), sp) < 0) {
            sink.call(stack.pop(), step, null, true);
        }
    }

    /** A forked child returns from the same calls as its parent. */
    void fork(int parentTid, int childTid, int childPid) {
        ArrayDeque<Frame> copy = new ArrayDeque<>();
        for (Iterator<Frame> it = stack(parentTid).descendingIterator(); it.hasNext(); ) {
            Frame f = it.next();
            copy.push(new Frame(f.callStep(), childPid, childTid, f.depth(), f.site(), f.target(), f.function(), f.sp(), f.args()));
        }
        stacks.put(childTid, copy);
    }

    /**
     * The task replaced its program (execve) at {@code step}: its open calls are gone, closed as
     * unwound there (so that no stack of the new program shows the old one's frames).
     */
    void replaced(int tid, long step) {
        ArrayDeque<Frame> stack = stacks.remove(tid);
        if (stack == null) return;
        for (Frame f : new ArrayList<>(stack)) sink.call(f, step, null, true);
    }

    /** The task ended: its open calls never return. */
    void end(int tid) {
        ArrayDeque<Frame> stack = stacks.remove(tid);
        if (stack == null) return;
        List<Frame> open = new ArrayList<>(stack);
        for (Frame f : open) sink.call(f, null, null, false);
    }

    void endAll() {
        for (Integer tid : List.copyOf(stacks.keySet())) end(tid);
    }
}
