package dev.omniscope.indexer.query;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.omniscope.values.ShownValue;

/**
 * The documents of source-level values (issue 12): a thread's frames at a moment, a frame's
 * variables, an expression's value, a value's members or elements, the executions of a line or
 * function. Values are texts as gdb prints them ({@link ShownValue}); the command line prints
 * these with --json and the server returns them as they are.
 */
public final class ValueDocuments {
    private ValueDocuments() {}

    /**
     * A frame of a thread's call stack at a moment, innermost first as gdb numbers them (0 is
     * where the thread is; an inlined function is a frame of its own, at the same pc).
     *
     * @param index    gdb's frame number
     * @param function the function's name (C++: qualified), or the symbol, or null
     * @param pc       the frame's pc: where it is (frame 0) or where it returns to
     * @param file     its source file, at the line of {@code pc} (an outer frame: the line of its call)
     * @param inlined  an inlined function's frame
     * @param cfa      its canonical frame address, null when unknown
     * @param callStep the step of the call that entered this frame, when the trace has it (to travel there)
     * @param args     its parameters with their values at this moment
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Frame(int index, String function, String pc, String file, Integer line, boolean inlined, String cfa, Long callStep,
                        List<ShownValue> args) {}

    /** A thread's frames at a moment. */
    public record Frames(long step, int pid, int tid, List<Frame> frames) {}

    /** A frame's parameters (gdb's {@code info args}) and locals ({@code info locals}) at a moment. */
    public record Variables(long step, int pid, int tid, Frame frame, List<ShownValue> args, List<ShownValue> locals) {}

    /**
     * An expression's value at a moment in a frame: its text as {@code print} shows it, its type,
     * and its address and size when it is an lvalue in memory.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Printed(String expr, String type, String value, String address, long size, long children, long step, int tid,
                          int frame) {}

    /** A page of a value's members or elements; {@code next} is the offset of the next page, null on the last. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Children(String expr, long offset, List<ShownValue> children, Long next) {}

    /**
     * A call's typed signature, as a call tree shows it: {@code deposit(amount=500) = 55}.
     *
     * @param function  the callee (C++: qualified)
     * @param firstLine the step at which the callee reached its first line (where its arguments were read)
     * @param args      its parameters there
     * @param returned  its return value, typed; null for void, a call that did not return, or a value this does not decode
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Signature(long callStep, int tid, String function, long firstLine, List<ShownValue> args, ShownValue returned) {}

    /** Signatures of calls; a call without one (no DWARF) is left out. */
    public record Signatures(List<Signature> signatures) {}

    /** A place where executions are counted: an address gdb would break on, with its function and line. */
    public record Place(String address, String function, String file, Integer line) {}

    /** An execution of a line, address or function: its step, thread and process, and the values of the asked expressions then. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Execution(long step, int tid, int pid, String address, Map<String, String> values) {}

    /** A page of executions in step order; {@code next} is the cursor of the next page, null on the last. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ExecutionsPage(List<Place> locations, List<Execution> executions, String next) {}
}
