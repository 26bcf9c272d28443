package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import dev.omniscope.debuginfo.DebugFunction;
import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.symbols.ElfFile;
import dev.omniscope.values.ExpressionException;
import dev.omniscope.values.FrameContext;
import dev.omniscope.values.FrameValues;
import dev.omniscope.values.ShownValue;

/**
 * Source-level values over the index (issue 12): a thread's frames at a moment, each frame's
 * variables, expressions evaluated in a frame, and the executions of lines and functions. The
 * DWARF comes from the trace's modules ({@link DebugModules}), the registers and memory from the
 * index; what values mean and how they read is the value code's ({@code dev.omniscope.values}).
 */
final class SourceValues implements AutoCloseable {
    /** The most expressions an executions query evaluates per execution. */
    static final int MAX_PRINTS = 16;

    private final Symbolizer symbols;
    private final DebugModules modules;
    private final StackFrames stacks;
    private final Breakpoints breakpoints;
    private final Executions executions;
    private final MemoryView memory;
    private final IndexStore store;

    SourceValues(DebugModules modules, Symbolizer symbols, MemoryView memory, IndexStore store) {
        this.modules = modules;
        this.symbols = symbols;
        this.memory = memory;
        this.store = store;
        this.stacks = new StackFrames(symbols, modules, memory, store);
        this.breakpoints = new Breakpoints(symbols, modules);
        this.executions = new Executions(store, symbols, modules);
    }

    Breakpoints breakpoints() {
        return breakpoints;
    }

    Executions executions() {
        return executions;
    }

    /** The frames of a task at a moment (its state from {@link Locator#state}). */
    List<StackFrames.Frame> frames(Locator.TaskState t) throws IOException {
        return stacks.unwind(t.pid(), t.tid(), t.step(), t.rip(), t.registers());
    }

    /** The innermost {@code wanted} frames (fewer when the stack has fewer): what a question about frame wanted - 1 needs. */
    List<StackFrames.Frame> frames(Locator.TaskState t, int wanted) throws IOException {
        return stacks.unwind(t.pid(), t.tid(), t.step(), t.rip(), t.registers(), wanted);
    }

    /** The value code's view of a frame. */
    FrameContext context(StackFrames.Frame f) {
        return new Context(f);
    }

    /** A frame's document: its function, place, and parameters (as a backtrace shows them). */
    ValueDocuments.Frame describe(StackFrames.Frame f) throws IOException {
        return describe(f, store.openCalls(f.tid(), f.step()));
    }

    /** As {@link #describe(StackFrames.Frame)}, with the thread's open calls at the moment already read. */
    ValueDocuments.Frame describe(StackFrames.Frame f, List<Locator.OpenCall> openCalls) throws IOException {
        DebugScope function = f.function();
        String name = function != null ? dev.omniscope.values.TypeNames.canonicalName(function.qualifiedName())
                : symbols.functionName(f.pid(), f.lookupPc(), f.step());
        String file;
        Integer line;
        if (f.callLine() != null) { // an inlined function's caller: the line of the inlined call
            file = f.callFile();
            line = f.callLine();
        } else {
            Symbolizer.Place place = symbols.place(f.pid(), f.lookupPc(), f.step());
            file = place.file();
            line = place.line();
        }
        List<ShownValue> args = function == null ? List.of() : FrameValues.arguments(context(f));
        Long callStep = null;
        if (f.cfa() != null && !f.inlined()) {
            Locator.OpenCall call = StackFrames.callOf(openCalls, f.cfa());
            if (call != null) callStep = call.callStep();
        }
        return new ValueDocuments.Frame(f.index(), name, History.hex(f.pc()), file, line, f.inlined(),
                f.cfa() == null ? null : History.hex(f.cfa()), callStep, args);
    }

    ValueDocuments.Variables variables(Locator.TaskState t, StackFrames.Frame f) throws IOException {
        FrameContext c = context(f);
        return new ValueDocuments.Variables(t.step(), t.pid(), t.tid(), describe(f), FrameValues.arguments(c), FrameValues.locals(c));
    }

    /** An expression's value in a frame; a {@link QueryException} (bad request) for an expression that cannot be evaluated. */
    ShownValue evaluate(StackFrames.Frame f, String expression) {
        try {
            return FrameValues.evaluate(context(f), expression);
        } catch (ExpressionException e) {
            throw QueryException.badExpression(e.getMessage(), e.position());
        }
    }

    List<ShownValue> children(StackFrames.Frame f, String expression, long offset, int limit) {
        try {
            return FrameValues.children(context(f), expression, offset, limit);
        } catch (ExpressionException e) {
            throw QueryException.badExpression(e.getMessage(), e.position());
        }
    }

    /** The values of {@code expressions} in frame 0 of a task's moment; an expression that fails gives gdb's error text in angle brackets. */
    Map<String, String> values(Locator.TaskState t, List<String> expressions) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (expressions.isEmpty()) return out;
        List<StackFrames.Frame> frames = frames(t, 1);
        for (String e : expressions) {
            if (frames.isEmpty()) {
                out.put(e, "<error: no frame>");
                continue;
            }
            try {
                out.put(e, FrameValues.evaluate(context(frames.get(0)), e).value());
            } catch (ExpressionException x) {
                out.put(e, "<error: " + x.getMessage() + ">");
            }
        }
        return out;
    }

    /** How many blocks after a call are searched for the callee's entry (a PLT stub first) and its first line. */
    private static final int SIGNATURE_BLOCKS = 8;

    /**
     * A call's typed signature: the callee's parameters as they were once its prologue had run
     * (where gdb's {@code break FUNCTION} stops, so -O0's stack slots are written), and its typed
     * return value from the registers after its return. Null when the callee has no DWARF or its
     * first line is not reached within a few blocks (lazy binding on a first call through the PLT).
     */
    ValueDocuments.Signature signature(Locator.Moments moments, CallEntry call) throws IOException {
        List<Locator.Block> blocks = store.blocks(call.tid(), call.callStep() + 1, true, SIGNATURE_BLOCKS);
        for (int i = 0; i < blocks.size(); i++) {
            Locator.Block entry = blocks.get(i);
            Symbolizer.ModuleInstance m = symbols.moduleInstance(entry.pid(), entry.rip(), entry.step() + 1);
            DebugInfo debug = m == null ? null : modules.debugInfo(m.path()).orElse(null);
            if (debug == null) continue;
            List<DebugScope> scopes = debug.scopesAt(entry.rip() - m.bias());
            if (scopes.isEmpty() || scopes.get(0).lowPc() != entry.rip() - m.bias()) continue;
            long firstLine = breakpoints.skipPrologue(m, entry.rip());
            Long moment = null;
            for (Executions.Start start : executions.starts(m, firstLine)) {
                for (Locator.Block b : blocks.subList(i, blocks.size())) {
                    if (b.rip() == start.rip() && b.instructions() > start.skip() && (moment == null || b.step() + start.skip() < moment)) {
                        moment = b.step() + start.skip();
                    }
                }
            }
            if (moment == null || call.returnStep() != null && moment > call.returnStep()) return null;
            List<StackFrames.Frame> frames = frames(Locator.state(moments, memory, moment, call.tid()), 1);
            if (frames.isEmpty()) return null;
            FrameContext c = context(frames.get(0));
            List<ShownValue> args = FrameValues.arguments(c);
            ShownValue returned = null;
            if (call.returnStep() != null && !call.unwound()) {
                Map<Integer, long[]> after = store.registers(call.tid(), call.returnStep() + 1);
                long[] rax = after.get(dev.omniscope.trace.Registers.RAX), rdx = after.get(dev.omniscope.trace.Registers.RDX);
                long[] xmm0 = after.get(dev.omniscope.trace.Registers.XMM0);
                byte[] xmm = null;
                if (xmm0 != null) xmm = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(xmm0[0]).array();
                returned = FrameValues.returned(c, scopes.get(0).returnType(), rax == null ? 0 : rax[0], rdx == null ? 0 : rdx[0], xmm);
            }
            return new ValueDocuments.Signature(call.callStep(), call.tid(), scopes.get(0).qualifiedName(), moment, args, returned);
        }
        return null;
    }

    /** Frame number {@code frame} (gdb's numbering) of a task's moment; not found when the stack has fewer. */
    StackFrames.Frame frame(Locator.TaskState t, int frame) throws IOException {
        if (frame < 0) throw QueryException.badRequest("frame must be 0 or more, not " + frame);
        List<StackFrames.Frame> frames = frames(t, frame + 1);
        if (frame >= frames.size()) {
            frames = frames(t); // for the message: how many there are
            throw QueryException.notFound("thread " + t.tid() + " has " + frames.size() + " frame" + (frames.size() == 1 ? "" : "s")
                    + " at step " + t.step() + " (0 to " + (frames.size() - 1) + "), not frame " + frame);
        }
        return frames.get(frame);
    }

    /**
     * The executions {@code q} asks for (its parameters checked by {@link QueryableTrace}): the
     * places gdb would break on, their executions after {@code afterStep}, and the values of
     * {@code prints} at each.
     */
    ValueDocuments.ExecutionsPage executions(Locator.Moments moments, QueryableTrace.ExecutionsQuery q, List<String> prints, long afterStep)
            throws IOException {
        List<Breakpoints.Location> places;
        if (q.line() != null) {
            int colon = q.line().lastIndexOf(':');
            int lineNumber;
            try {
                if (colon <= 0) throw new NumberFormatException();
                lineNumber = Integer.parseInt(q.line().substring(colon + 1).trim());
                if (lineNumber < 1) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw QueryException.badRequest("line '" + QueryException.quote(q.line()) + "' is not FILE:LINE (a source file and a line number from 1)");
            }
            String file = q.line().substring(0, colon).trim();
            if (symbols.lineRows(file).isEmpty()) {
                throw QueryException.notFound("no line table of the recorded modules names a file '" + QueryException.quote(file) + "'");
            }
            places = breakpoints.line(file, lineNumber);
            if (places.isEmpty()) throw QueryException.notFound("line " + lineNumber + " of " + QueryException.quote(file) + " has no code (nor does any line after it)");
        } else if (q.function() != null) {
            if (q.function().isBlank()) throw QueryException.badRequest("function is empty");
            places = breakpoints.function(q.function().trim());
            if (places.isEmpty()) throw QueryException.notFound("no function named '" + QueryException.quote(q.function()) + "' with debug information in the recorded modules");
        } else {
            places = List.of(new Breakpoints.Location(q.address(), symbols.moduleInstanceAnytime(q.address()), null));
        }
        List<Executions.Start> starts = new ArrayList<>();
        List<ValueDocuments.Place> described = new ArrayList<>();
        for (Breakpoints.Location l : places) {
            starts.addAll(l.module() == null ? List.of(new Executions.Start(l.address(), 0, l.address())) : executions.starts(l.module(), l.address()));
            Symbolizer.Place p = symbols.placeAnytime(l.address());
            described.add(new ValueDocuments.Place(History.hex(l.address()), l.function() != null ? l.function() : p.function(), p.file(), p.line()));
        }
        int n = q.limit() == Integer.MAX_VALUE ? q.limit() : q.limit() + 1;
        List<Executions.Hit> hits = executions.page(starts, afterStep, n);
        String next = null;
        if (hits.size() > q.limit()) {
            hits = hits.subList(0, q.limit());
            next = Cursors.encode(Cursors.EXECUTIONS, hits.get(hits.size() - 1).step());
        }
        List<ValueDocuments.Execution> out = new ArrayList<>(hits.size());
        for (Executions.Hit h : hits) {
            Map<String, String> printed = prints.isEmpty() ? Map.of() : values(Locator.state(moments, memory, h.step(), h.tid()), prints);
            out.add(new ValueDocuments.Execution(h.step(), h.tid(), h.pid(), History.hex(h.address()), printed));
        }
        return new ValueDocuments.ExecutionsPage(described, out, next);
    }

    /** The typed signatures of thread {@code tid}'s calls at {@code callSteps}; not found for a step without a call. */
    ValueDocuments.Signatures signatures(Locator.Moments moments, int tid, List<Long> callSteps) throws IOException {
        List<ValueDocuments.Signature> out = new ArrayList<>();
        for (long step : callSteps) {
            List<CallEntry> found = store.calls(new IndexStore.CallQuery(null, tid, null, step, step, null, false, 1));
            if (found.isEmpty()) throw QueryException.notFound("thread " + tid + " made no call at step " + step);
            ValueDocuments.Signature sig = signature(moments, found.get(0));
            if (sig != null) out.add(sig);
        }
        return new ValueDocuments.Signatures(out);
    }

    /** The address and size of what {@code expression} designates in a frame; a bad request when it is not in memory. */
    long[] designate(StackFrames.Frame f, String expression) {
        ShownValue v = evaluate(f, expression);
        if (v.address() == null) {
            throw QueryException.badRequest("'" + QueryException.quote(expression) + "' is not in memory at step " + f.step()
                    + " (a register, a constant or a computed value): it has no history of writes");
        }
        if (v.size() <= 0) throw QueryException.badRequest("'" + QueryException.quote(expression) + "' has no size (" + v.type() + ")");
        return new long[] {Long.parseUnsignedLong(v.address().substring(2), 16), v.size()};
    }

    /** The functions named {@code name} in any module with DWARF, for messages. */
    List<DebugFunction> functions(String name) {
        List<DebugFunction> found = new ArrayList<>();
        for (Symbolizer.ModuleInstance m : symbols.moduleInstances()) {
            modules.debugInfo(m.path()).ifPresent(d -> d.functions().stream().filter(f -> Breakpoints.named(f, name)).forEach(found::add));
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        modules.close();
    }

    /** A frame over the index: its registers, the process's memory at the step, the trace's modules for names. */
    private final class Context implements FrameContext {
        private final StackFrames.Frame f;

        Context(StackFrames.Frame f) {
            this.f = f;
        }

        @Override
        public DebugInfo debugInfo() {
            return f.debug();
        }

        @Override
        public long bias() {
            return f.module() == null ? 0 : f.module().bias();
        }

        @Override
        public List<DebugScope> scopes() {
            return f.scopes();
        }

        @Override
        public OptionalLong register(int dwarfRegister) {
            Long v = f.registers().get(dwarfRegister);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }

        @Override
        public Optional<byte[]> vectorRegister(int dwarfRegister) {
            return Optional.ofNullable(f.vectors().get(dwarfRegister));
        }

        @Override
        public OptionalLong cfa() {
            return f.cfa() == null ? OptionalLong.empty() : OptionalLong.of(f.cfa());
        }

        /** The recorded registers as the frame's function was entered (after its call instruction), read once; null when unknown. */
        private Map<Integer, long[]> entry;
        private boolean entryRead;

        private Map<Integer, long[]> entryState() {
            if (entryRead) return entry;
            entryRead = true;
            try {
                if (f.cfa() == null) return null;
                Locator.OpenCall call = StackFrames.callOf(store.openCalls(f.tid(), f.step()), f.cfa());
                if (call != null) entry = store.registers(f.tid(), call.callStep() + 1);
            } catch (IOException e) {
                entry = null;
            }
            return entry;
        }

        @Override
        public OptionalLong entryRegister(int dwarfRegister) {
            Map<Integer, long[]> state = entryState();
            if (state == null || dwarfRegister == Dw.REG_RA) return OptionalLong.empty();
            Long v = StackFrames.dwarfRegisters(state, 0).get(dwarfRegister);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }

        @Override
        public Optional<byte[]> entryVectorRegister(int dwarfRegister) {
            Map<Integer, long[]> state = entryState();
            return state == null ? Optional.empty() : Optional.ofNullable(StackFrames.vectorRegisters(state).get(dwarfRegister));
        }

        @Override
        public byte[] read(long address, int length) throws UnreadableMemory {
            try {
                MemoryView.Bytes b = memory.read(f.pid(), address, length, f.step());
                for (int i = 0; i < length; i++) if (!b.mapped()[i]) throw new UnreadableMemory(address + i);
                return b.data();
            } catch (IOException e) {
                throw new UnreadableMemory(address);
            }
        }

        @Override
        public OptionalLong threadPointer() {
            Long v = f.registers().get(Dw.REG_FS_BASE);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }

        /**
         * The thread's block of the main program's thread-local variables: glibc places it right
         * below the thread pointer (x86-64's TLS variant II), at the offset _dl_determine_tlsoffset
         * gives the first module. A library's block is found through the thread's DTV, which is
         * not read: unknown.
         */
        @Override
        public OptionalLong tlsBlock() {
            Long tp = f.registers().get(Dw.REG_FS_BASE);
            if (tp == null || f.module() == null || !symbols.isProgram(f.module().path())) return OptionalLong.empty();
            Optional<ElfFile.TlsSegment> tls = modules.elf(f.module().path()).flatMap(ElfFile::tls);
            if (tls.isEmpty()) return OptionalLong.empty();
            long align = Math.max(1, tls.get().align());
            long firstByte = -(tls.get().vaddr() & (align - 1)) & (align - 1);
            long offset = roundUp(tls.get().memSize() - firstByte, align) + firstByte;
            return OptionalLong.of(tp - offset);
        }

        private static long roundUp(long v, long align) {
            return (v + align - 1) / align * align;
        }

        @Override
        public Optional<Global> global(String name) {
            return lookup(name, false);
        }

        @Override
        public Optional<Global> function(String name) {
            return lookup(name, true);
        }

        /** The frame's module first, then the programs', then every other module mapped in the process. */
        private Optional<Global> lookup(String name, boolean function) {
            List<Symbolizer.ModuleInstance> order = new ArrayList<>();
            if (f.module() != null) order.add(f.module());
            for (Symbolizer.ModuleInstance m : symbols.moduleInstances()) if (!order.contains(m) && symbols.placed(m.id())) order.add(m);
            for (Symbolizer.ModuleInstance m : order) {
                Optional<DebugInfo> d = modules.debugInfo(m.path());
                if (d.isEmpty()) continue;
                if (function) {
                    for (DebugFunction fn : d.get().functions()) {
                        if (fn.name().equals(name) || fn.qualifiedName().equals(name)) {
                            return Optional.of(new Global(d.get(), m.bias(), fn.qualifiedName(), fn.lowPc() + m.bias(), fn.dieOffset()));
                        }
                    }
                } else {
                    for (DebugInfo.StaticVariable v : d.get().staticVariables()) {
                        if (v.qualifiedName().equals(name) || v.name().equals(name) && !v.qualifiedName().contains("::")) {
                            if (!v.threadLocal()) return Optional.of(new Global(d.get(), m.bias(), v.qualifiedName(), v.address() + m.bias(), v.type()));
                            // this thread's copy: only the main program's block is found (see tlsBlock)
                            OptionalLong block = m.equals(f.module()) ? tlsBlock() : OptionalLong.empty();
                            if (block.isPresent()) return Optional.of(new Global(d.get(), m.bias(), v.qualifiedName(), block.getAsLong() + v.address(), v.type()));
                        }
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public Optional<String> symbolAt(long address) {
            Symbolizer.Place p = symbols.place(f.pid(), address, f.step());
            String fn = p.function();
            if (fn != null && !fn.endsWith("+?")) {
                int plus = fn.lastIndexOf("+0x");
                return Optional.of(plus < 0 ? fn : fn.substring(0, plus) + "+" + Long.parseLong(fn.substring(plus + 3), 16));
            }
            return symbols.dataSymbolAt(address);
        }
    }
}
