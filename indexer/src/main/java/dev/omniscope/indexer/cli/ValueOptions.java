package dev.omniscope.indexer.cli;

import dev.omniscope.indexer.dataflow.DataFlow;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which value a data-flow question is about: memory, a register or an expression, at a moment (a picocli mixin). */
final class ValueOptions {
    @Mixin
    FrameOptions at;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @ArgGroup(exclusive = false)
        Range range;

        @Option(names = "--reg", paramLabel = "NAME", description = "a register of the thread: rax, eax, al, r8d, xmm0, eflags...")
        String register;

        @Option(names = "--expr", paramLabel = "EXPR", description = "a C or C++ lvalue in the frame (--frame): acc->balance, items[2]")
        String expr;

        @Option(names = "--node", paramLabel = "TOKEN", description = "a node of an earlier answer (its \"node\" field): ask it again")
        String node;
    }

    static final class Range {
        @Option(names = "--addr", paramLabel = "0xHEX", required = true, description = "start address")
        String addr;

        @Option(names = "--len", paramLabel = "N", required = true, description = "length in bytes")
        int length;
    }

    DataFlow.Question question() {
        Long address = which.range == null ? null : HistoryCommand.parseAddress(which.range.addr);
        Integer length = which.range == null ? null : which.range.length;
        return new DataFlow.Question(at.step, at.tid, address, length, which.register, which.expr, at.frame, which.node);
    }
}
