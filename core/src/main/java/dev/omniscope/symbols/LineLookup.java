package dev.omniscope.symbols;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The source line of an address of a run, from one module's DWARF line tables: the row with the
 * greatest address at or below it, unless that row ends its sequence (the address is past the
 * sequence's code). Of rows at one address the last wins, as with addr2line and gdb. Sequences
 * that start outside every executable segment are dropped: linkers leave the line tables of code
 * they discarded in place, moved to address 0.
 */
public final class LineLookup {
    /** A source position; {@code file} is null when the line table does not name it. */
    public record SourceLine(String file, int line, int column) {
        @Override
        public String toString() {
            return (file == null ? "??" : file) + ":" + line;
        }
    }

    private final long bias;
    private final long[] addresses;
    private final LineRow[] rows;
    private final List<String> files;

    /** The lookup for a module loaded with {@code bias} (runtime address = link-time address + bias). */
    public static LineLookup of(ElfFile elf, long bias) {
        return new LineLookup(elf.lineRows(), elf.sourceFiles(), elf.segments(), bias);
    }

    /**
     * @param rows     line table rows, sequence after sequence, as {@link ElfFile#lineRows()} gives them
     * @param files    what the rows' file indices refer to
     * @param segments the module's PT_LOAD segments; empty to keep every sequence
     */
    public LineLookup(List<LineRow> rows, List<String> files, List<LoadSegment> segments, long bias) {
        this.bias = bias;
        this.files = files;
        List<LoadSegment> executable = segments.stream().filter(LoadSegment::executable).toList();
        List<Integer> kept = new ArrayList<>(rows.size());
        int start = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).endSequence() || i == rows.size() - 1) {
                long first = rows.get(start).address();
                if (executable.isEmpty() || executable.stream().anyMatch(s -> s.contains(first))) {
                    for (int k = start; k <= i; k++) kept.add(k);
                }
                start = i + 1;
            }
        }
        // At one address a sequence's end comes before the next sequence's rows; otherwise rows
        // keep their order, so the last row at an address is the one found.
        kept.sort(Comparator.comparingLong((Integer k) -> rows.get(k).address())
                .thenComparing(k -> !rows.get(k).endSequence())
                .thenComparingInt(k -> k));
        this.rows = kept.stream().map(rows::get).toArray(LineRow[]::new);
        this.addresses = new long[this.rows.length];
        for (int i = 0; i < this.rows.length; i++) addresses[i] = this.rows[i].address();
    }

    /** The source line of a runtime address, if the line tables cover it. */
    public Optional<SourceLine> find(long address) {
        int i = SymbolLookup.floor(addresses, address - bias);
        if (i < 0 || rows[i].endSequence()) return Optional.empty();
        LineRow row = rows[i];
        String file = row.fileIndex() >= 0 && row.fileIndex() < files.size() ? files.get(row.fileIndex()) : null;
        return Optional.of(new SourceLine(file, row.line(), row.column()));
    }
}
