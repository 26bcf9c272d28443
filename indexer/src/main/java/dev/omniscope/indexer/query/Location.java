package dev.omniscope.indexer.query;

import java.util.List;
import java.util.Map;

/**
 * A task at a step: where it is, its registers, its call stack. The document of {@code omni at}
 * and the server's step endpoint.
 *
 * @param running     the task executes the instruction at this step (else: where it waits)
 * @param registers   register name to "0x..." (general registers, rip, eflags, fs/gs base, xmm, mxcsr)
 * @param stack       open calls, outermost first
 */
public record Location(long step, int pid, int tid, boolean running, String rip, String function, String file, Integer line,
                       List<Instruction> disassembly, Map<String, String> registers, List<Frame> stack) {

    /** A decoded instruction; {@code current} marks the one at rip. */
    public record Instruction(String address, String text, boolean current) {}

    /** A call not yet returned at the step. */
    public record Frame(int depth, long callStep, String function, String callSite, String callSiteFunction,
                        String file, Integer line, List<String> args) {}
}
