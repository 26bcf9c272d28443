package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.omniscope.indexer.emu.Emulator;

/**
 * The steps at which code addresses ran: each execution of an instruction is a step of the block
 * that contains it. A block containing address A starts at A or at an instruction before A with
 * nothing between that ends a block (a jump, call, return, system call or interrupt: blocks end
 * only there, or where a run stopped), so the blocks to look up are those starting at the
 * instructions of A's straight-line run, found by decoding the function's code from its start;
 * each such block reaches A if it runs far enough. One index lookup per candidate start, merged
 * in step order.
 */
final class Executions {
    /** How many blocks a lookup fetches at a time. */
    private static final int CHUNK = 512;
    /** The most instructions decoded before an address to find its run's start. */
    private static final int MAX_DECODE = 20_000;

    /** An execution of an address: the step, its thread and process. */
    record Hit(long step, int pid, int tid, long address) {}

    /** A block start that can reach the address {@code skip} instructions later. */
    record Start(long rip, int skip, long address) {}

    private final IndexStore store;
    private final Symbolizer symbols;
    private final DebugModules modules;

    Executions(IndexStore store, Symbolizer symbols, DebugModules modules) {
        this.store = store;
        this.symbols = symbols;
        this.modules = modules;
    }

    /**
     * The block starts from which {@code address} (of module instance {@code m}) can run: the
     * instructions from the last block end before it, in its function, up to it.
     */
    List<Start> starts(Symbolizer.ModuleInstance m, long address) {
        String key = m.id() + ":" + address;
        synchronized (startsCache) {
            List<Start> known = startsCache.get(key);
            if (known != null) return known;
        }
        List<Start> found = decodeStarts(m, address);
        synchronized (startsCache) {
            startsCache.put(key, found);
        }
        return found;
    }

    /** Candidate starts by address, decoded once (a call tree asks for the same functions' first lines again and again). */
    private final java.util.Map<String, List<Start>> startsCache = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, List<Start>> eldest) {
            return size() > 4096;
        }
    };

    private List<Start> decodeStarts(Symbolizer.ModuleInstance m, long address) {
        Long function = symbols.functionStart(m.id(), address);
        if (function == null || Long.compareUnsigned(function, address) > 0 || address - function > MAX_DECODE * 15L) {
            return List.of(new Start(address, 0, address));
        }
        int length = (int) (address - function) + 16;
        byte[] code = modules.code(m.path(), function - m.bias(), length);
        if (code == null) return List.of(new Start(address, 0, address));
        List<Long> run = new ArrayList<>();
        int offset = 0;
        while (function + offset != address) {
            if (offset > length - 16 || Long.compareUnsigned(function + offset, address) > 0) {
                return List.of(new Start(address, 0, address)); // decoding missed the address: data in code, or a different image
            }
            Emulator.Disassembly d = Emulator.disasm(Arrays.copyOfRange(code, offset, offset + 16), function + offset);
            if (d == null || d.length() <= 0) return List.of(new Start(address, 0, address));
            run.add(function + offset);
            if (endsBlock(d.text())) run.clear();
            offset += d.length();
        }
        run.add(address);
        List<Start> starts = new ArrayList<>(run.size());
        for (int i = 0; i < run.size(); i++) starts.add(new Start(run.get(i), run.size() - 1 - i, address));
        return List.copyOf(starts);
    }

    /** Instructions after which a block ends (whatever else ends one starts a candidate too, which costs a lookup, never a miss). */
    static boolean endsBlock(String text) {
        String mnemonic = text.trim();
        int space = mnemonic.indexOf(' ');
        if (space > 0) mnemonic = mnemonic.substring(0, space);
        if (mnemonic.startsWith("bnd") || mnemonic.startsWith("notrack")) return true; // bnd jmp, notrack jmp
        return mnemonic.startsWith("j") || mnemonic.startsWith("call") || mnemonic.startsWith("ret") || mnemonic.startsWith("loop")
                || mnemonic.equals("syscall") || mnemonic.equals("sysenter") || mnemonic.startsWith("int") || mnemonic.startsWith("iret")
                || mnemonic.equals("hlt") || mnemonic.equals("ud2");
    }

    /** The first {@code limit} executions of any of {@code starts}' addresses with step > {@code afterStep}, in step order. */
    List<Hit> page(List<Start> starts, long afterStep, int limit) throws IOException {
        int n = starts.size();
        long[] rips = new long[n], after = new long[n];
        for (int i = 0; i < n; i++) {
            rips[i] = starts.get(i).rip();
            after[i] = afterStep - starts.get(i).skip(); // a block that started before afterStep may reach the address after it
        }
        List<Hit> hits = new ArrayList<>();
        java.util.TreeMap<Long, Hit> ordered = new java.util.TreeMap<>();
        while (true) {
            List<Locator.Block> blocks = store.blocksAt(rips, after, CHUNK);
            for (Locator.Block b : blocks) {
                for (Start s : starts) {
                    if (s.rip() != b.rip() || b.instructions() <= s.skip()) continue;
                    long step = b.step() + s.skip();
                    if (step > afterStep) ordered.putIfAbsent(step, new Hit(step, b.pid(), b.tid(), s.address()));
                }
            }
            // every execution before the last block fetched is known: a later block starts after it and reaches its address later still
            long known = blocks.isEmpty() ? Long.MAX_VALUE : blocks.get(blocks.size() - 1).step();
            while (!ordered.isEmpty() && hits.size() < limit && (ordered.firstKey() <= known || blocks.size() < CHUNK)) {
                hits.add(ordered.pollFirstEntry().getValue());
            }
            if (hits.size() >= limit || blocks.size() < CHUNK) return hits;
            for (int i = 0; i < n; i++) after[i] = Math.max(after[i], known);
        }
    }
}
