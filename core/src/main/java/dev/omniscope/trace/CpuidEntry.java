package dev.omniscope.trace;

/**
 * What the CPU answered to CPUID for one leaf (and subleaf, when the leaf has them). The replay
 * answers every CPUID from the recorded table, so a trace replays the same on any CPU.
 */
public record CpuidEntry(int leaf, int subleaf, boolean subleafSignificant, int eax, int ebx, int ecx, int edx) {}
