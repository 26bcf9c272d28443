package dev.omniscope.values;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DwarfOp;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * What a location expression reads in a frame ({@link LocationEvaluator.Env}): the frame's
 * registers, CFA, entry values, memory, load bias, TLS block and types, and its function's frame
 * base (DW_AT_frame_base, evaluated once, for DW_OP_fbreg).
 */
final class FrameEnv implements LocationEvaluator.Env {
    private OptionalLong frameBase;
    private final FrameContext ctx;

    FrameEnv(FrameContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public OptionalLong register(int r) {
        return ctx.register(r);
    }

    @Override
    public Optional<byte[]> vectorRegister(int r) {
        return ctx.vectorRegister(r);
    }

    @Override
    public OptionalLong cfa() {
        return ctx.cfa();
    }

    @Override
    public OptionalLong entryRegister(int r) {
        return ctx.entryRegister(r);
    }

    @Override
    public Optional<byte[]> entryVectorRegister(int r) {
        return ctx.entryVectorRegister(r);
    }

    @Override
    public byte[] read(long address, int length) throws UnreadableMemory {
        return ctx.read(address, length);
    }

    @Override
    public long bias() {
        return ctx.bias();
    }

    @Override
    public OptionalLong tlsBlock() {
        return ctx.tlsBlock();
    }

    @Override
    public Optional<DebugType> type(long offset) {
        return ctx.debugInfo().type(offset);
    }

    @Override
    public OptionalLong frameBase() {
        if (frameBase == null) {
            frameBase = OptionalLong.empty();
            List<DwarfOp> ops = List.of();
            for (DebugScope s : ctx.scopes()) {
                if (s.kind() == DebugScope.Kind.FUNCTION) ops = s.frameBase();
            }
            if (!ops.isEmpty()) {
                LocationEvaluator.Env outer = this;
                Location l = new LocationEvaluator(new LocationEvaluator.Env() {
                    public OptionalLong register(int r) { return outer.register(r); }
                    public OptionalLong cfa() { return outer.cfa(); }
                    public byte[] read(long a, int n) throws UnreadableMemory { return outer.read(a, n); }
                    public long bias() { return outer.bias(); }
                }).evaluate(ops);
                if (l instanceof Location.Memory m) {
                    frameBase = OptionalLong.of(m.address());
                } else if (l instanceof Location.Register reg) {
                    frameBase = ctx.register(reg.dwarfRegister());
                }
            }
        }
        return frameBase;
    }
}
