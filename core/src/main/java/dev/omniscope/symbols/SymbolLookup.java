package dev.omniscope.symbols;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which function of one module contains an address of a run. Functions with a size are found by
 * binary search over their start addresses; an address in none of them falls back to the nearest
 * preceding function symbol without a size (hand-written assembly), provided no sized function
 * starts in between and both lie in the same executable segment. Of aliases at one address
 * (malloc, __libc_malloc) the most public name wins.
 */
public final class SymbolLookup {
    /** The function containing an address and how far into it the address is. */
    public record Hit(ElfSymbol symbol, long offset) {
        @Override
        public String toString() {
            return offset == 0 ? symbol.demangled() : symbol.demangled() + "+0x" + Long.toHexString(offset);
        }
    }

    private final long bias;
    private final List<LoadSegment> executable;
    // Sized functions by start; maxEnds[i] is the greatest end among 0..i, so that a function
    // containing another (or overlapping it) is still found.
    private final long[] starts;
    private final long[] ends;
    private final long[] maxEnds;
    private final ElfSymbol[] sized;
    private final long[] bareStarts;
    private final ElfSymbol[] bare;

    /** The lookup for a module loaded with {@code bias} (runtime address = link-time address + bias). */
    public static SymbolLookup of(ElfFile elf, long bias) {
        return new SymbolLookup(elf.symbols(), elf.segments(), bias);
    }

    /** @param segments the module's PT_LOAD segments; empty to skip the segment check of the fallback */
    public SymbolLookup(List<ElfSymbol> symbols, List<LoadSegment> segments, long bias) {
        this.bias = bias;
        this.executable = segments.stream().filter(LoadSegment::executable).toList();
        Map<Long, ElfSymbol> sizedByStart = new HashMap<>();
        Map<Long, ElfSymbol> bareByStart = new HashMap<>();
        for (ElfSymbol s : symbols) {
            if (!s.defined() || !s.isFunction() || s.value() == 0) continue;
            (s.size() > 0 ? sizedByStart : bareByStart).merge(s.value(), s, SymbolLookup::preferred);
        }
        List<ElfSymbol> byStart = new ArrayList<>(sizedByStart.values());
        byStart.sort(Comparator.comparingLong(ElfSymbol::value));
        int n = byStart.size();
        starts = new long[n];
        ends = new long[n];
        maxEnds = new long[n];
        sized = byStart.toArray(ElfSymbol[]::new);
        for (int i = 0; i < n; i++) {
            starts[i] = sized[i].value();
            ends[i] = sized[i].value() + sized[i].size();
            maxEnds[i] = i == 0 ? ends[i] : Math.max(maxEnds[i - 1], ends[i]);
        }
        List<ElfSymbol> bareList = new ArrayList<>(bareByStart.values());
        bareList.sort(Comparator.comparingLong(ElfSymbol::value));
        bare = bareList.toArray(ElfSymbol[]::new);
        bareStarts = bareList.stream().mapToLong(ElfSymbol::value).toArray();
    }

    /** The function containing a runtime address, if any. */
    public Optional<Hit> find(long address) {
        long a = address - bias;
        int i = floor(starts, a);
        for (int j = i; j >= 0 && maxEnds[j] > a; j--) {
            if (ends[j] > a) return Optional.of(new Hit(sized[j], a - starts[j]));
        }
        int b = floor(bareStarts, a);
        if (b >= 0 && (i < 0 || bareStarts[b] > starts[i]) && sameExecutableSegment(bareStarts[b], a)) {
            return Optional.of(new Hit(bare[b], a - bareStarts[b]));
        }
        return Optional.empty();
    }

    private boolean sameExecutableSegment(long x, long y) {
        if (executable.isEmpty()) return true;
        for (LoadSegment s : executable) {
            if (s.contains(x) && s.contains(y)) return true;
        }
        return false;
    }

    /** Index of the last element ≤ key in a sorted array, -1 when there is none. */
    static int floor(long[] sorted, long key) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= key) lo = mid + 1;
            else hi = mid;
        }
        return lo - 1;
    }

    // Of two symbols at one address, the one a person would call the function: global before weak
    // before local, a plain function before an indirect one, then fewer leading underscores, then
    // the shorter name.
    private static ElfSymbol preferred(ElfSymbol a, ElfSymbol b) {
        return RANK.compare(a, b) <= 0 ? a : b;
    }

    private static final Comparator<ElfSymbol> RANK = Comparator
            .comparingInt((ElfSymbol s) -> switch (s.binding()) {
                case GLOBAL -> 0;
                case WEAK -> 1;
                case UNIQUE -> 2;
                case LOCAL -> 3;
                case OTHER -> 4;
            })
            .thenComparingInt(s -> s.kind() == ElfSymbol.Kind.FUNC ? 0 : 1)
            .thenComparingInt(s -> leadingUnderscores(s.name()))
            .thenComparingInt(s -> s.name().length())
            .thenComparing(ElfSymbol::name);

    private static int leadingUnderscores(String name) {
        int n = 0;
        while (n < name.length() && name.charAt(n) == '_') n++;
        return n;
    }
}
