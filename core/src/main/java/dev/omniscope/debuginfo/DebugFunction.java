package dev.omniscope.debuginfo;

/**
 * A function with code (a DW_TAG_subprogram with a pc range; out-of-line instances of inline
 * functions included), for finding functions by name and placing breakpoints.
 *
 * @param name          DW_AT_name
 * @param qualifiedName "ns::Klass::method" for C++, the name otherwise
 * @param linkageName   DW_AT_linkage_name, "" when none
 * @param lowPc         entry address (link-time)
 * @param highPc        end of its main range (exclusive)
 * @param dieOffset     global DIE offset, for {@link DebugInfo#scopesAt} and its parameters
 * @param declFile      declaring file (a path), null when unknown
 * @param declLine      declaring line, 0 when unknown
 * @param external      DW_AT_external
 */
public record DebugFunction(String name, String qualifiedName, String linkageName, long lowPc, long highPc, long dieOffset,
                            String declFile, int declLine, boolean external) {}
