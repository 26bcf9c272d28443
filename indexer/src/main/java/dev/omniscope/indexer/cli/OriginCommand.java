package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.omniscope.indexer.dataflow.DataFlow;
import dev.omniscope.indexer.dataflow.OriginNode;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "origin",
        mixinStandardHelpOptions = true,
        description = "Where a value came from: the instruction that produced it, the origins of what that instruction read, "
            + "recursively; copies (mov, push/pop, memcpy, strcpy...) followed to the first computation; leaves say where data "
            + "entered: a system call (read of a file at an offset, a pipe from another process), argv, the environment, the image.",
        footer = {"", "Examples:  omni origin TRACE --step 120345 --expr balance",
            "           omni origin TRACE --step 120345 --addr 0x4c6f28 --len 4 --depth 10 --json",
            "           omni origin TRACE --step 120345 --reg eax"})
public final class OriginCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Mixin
    ValueOptions value;

    @Option(names = "--depth", paramLabel = "D", defaultValue = "" + DataFlow.DEFAULT_DEPTH,
            description = "levels of computations to expand (default ${DEFAULT-VALUE}; copies do not count)")
    int depth;

    @Option(names = "--json", description = "print the tree as JSON: nodes {kind, step, tid, pid, rip, function, file, line, location, value, inputs, via}")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            OriginNode root = DataFlow.of(t.queries).origin(value.question(), depth);
            if (json) {
                System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                print(root, "", "");
            }
        } catch (QueryException e) {
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }

    /** A node and its subtree, indented: "kind location = value  at step N in function (file:line)  disassembly". */
    static void print(OriginNode n, String first, String rest) {
        System.out.println(first + line(n));
        if (!n.via.isEmpty()) System.out.println(rest + "    " + via(n));
        for (int i = 0; i < n.inputs.size(); i++) {
            boolean last = i == n.inputs.size() - 1;
            print(n.inputs.get(i), rest + (last ? "└─ " : "├─ "), rest + (last ? "   " : "│  "));
        }
    }

    private static String line(OriginNode n) {
        StringBuilder sb = new StringBuilder(n.kind);
        if (n.operand != null) sb.append(" [").append(n.operand).append("]");
        sb.append(' ').append(n.location).append(" = ").append(n.value);
        if (n.step != null) sb.append("  at step ").append(n.step);
        if (n.pid != null && n.tid != null) sb.append(" (pid ").append(n.pid).append(", tid ").append(n.tid).append(")");
        if (n.function != null) sb.append(" in ").append(n.function);
        if (n.file != null) sb.append(" (").append(n.file).append(':').append(n.line).append(')');
        if (n.disassembly != null) sb.append("  ").append(n.disassembly);
        if (n.syscall != null) sb.append("  ").append(describe(n.syscall));
        if (n.initial != null) sb.append("  ").append(describe(n.initial));
        if (n.note != null) sb.append("  (").append(n.note).append(')');
        if (Boolean.TRUE.equals(n.expand)) sb.append("  [inputs not expanded: --node ").append(n.node).append("]");
        return sb.toString();
    }

    private static String via(OriginNode n) {
        StringBuilder sb = new StringBuilder("copied " + n.via.size() + (n.via.size() == 1 ? " time: " : " times: "));
        for (int i = 0; i < n.via.size(); i++) {
            OriginNode v = n.via.get(i);
            if (i > 0) sb.append(" <- ");
            sb.append(v.routine != null ? v.routine + (v.caller != null ? " in " + v.caller : "") : v.disassembly + (v.function != null ? " in " + v.function : ""));
            if (v.step != null) sb.append(" @").append(v.step);
        }
        return sb.toString();
    }

    private static String describe(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder();
        for (var e : m.entrySet()) {
            if (e.getValue() == null || e.getKey().equals("args")) continue;
            if (sb.length() > 0) sb.append(", ");
            sb.append(e.getKey()).append(' ').append(e.getValue());
        }
        return sb.toString();
    }
}
