package dev.omniscope.indexer.dataflow;

import java.util.List;

/**
 * A page of "where a value went": the uses of {@code location} from step {@code from};
 * {@code until} is the step at which its last byte was overwritten (null: never, within the
 * trace); {@code next} the cursor of the next page (null: no more); {@code scannedTo} how far this
 * page looked.
 */
public record UsesPage(String location, long from, Long until, List<Use> uses, String next, long scannedTo) {
    /** An instruction that read the value: where, what it read (as its operand named it), whether it only copied it, and what it wrote. */
    public record Use(long step, int pid, int tid, String rip, String function, String file, Integer line, String disassembly, String read,
                      String operand, boolean copy, List<Produced> produced) {}

    /** A place an instruction wrote, its value after, and the token that asks about it again ({@code origin?node=}, {@code uses?node=}). */
    public record Produced(String location, String value, String node) {}
}
