package dev.omniscope.symbols;

/**
 * A row of a DWARF line table: the code from {@code address} up to the next row's address comes
 * from {@code line}. An end-sequence row only marks where its sequence's code ends.
 *
 * @param fileIndex index into {@link ElfFile#sourceFiles()}, -1 when the table does not name one
 * @param line      0 for code that belongs to no source line
 */
public record LineRow(long address, int fileIndex, int line, int column, boolean isStmt, boolean endSequence) {}
