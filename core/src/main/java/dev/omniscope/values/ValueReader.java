package dev.omniscope.values;

import java.util.BitSet;
import java.util.Optional;
import java.util.OptionalLong;

import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.debuginfo.VarLocation;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/** A variable's value in a frame: its location evaluated, then its contents gathered from memory, registers and pieces. */
final class ValueReader {
    private ValueReader() {}

    static Value read(FrameContext ctx, Types types, DebugVariable variable) {
        DebugType type = types.get(variable.type());
        VarLocation loc = variable.location();
        if (loc instanceof VarLocation.Constant c) return Value.ofBytes(types, type, c.bytes(), null, ctx);
        if (loc instanceof VarLocation.Expression e) {
            return at(ctx, types, type, new LocationEvaluator(LocationEvaluator.forFrame(ctx)).evaluate(e.ops()));
        }
        return Value.optimizedOut(types, type);
    }

    /** The value of {@code type} at a location. */
    static Value at(FrameContext ctx, Types types, DebugType type, Location loc) {
        long size = types.size(type);
        if (loc instanceof Location.Memory m) return Value.inMemory(types, type, m.address(), ctx);
        if (loc instanceof Location.OptimizedOut) return Value.optimizedOut(types, type);
        if (loc instanceof Location.Unavailable u) return Value.failed(types, type, u.message(), null);
        if (loc instanceof Location.ImplicitPointer ip) return Value.syntheticPointer(types, type, ip);
        if (loc instanceof Location.Implicit i) return Value.ofBytes(types, type, i.bytes(), null, ctx);
        if (loc instanceof Location.Register r) {
            Optional<byte[]> b = registerBytes(ctx, r.dwarfRegister());
            if (b.isEmpty()) return Value.optimizedOut(types, type);
            return Value.ofBytes(types, type, b.get(), null, ctx);
        }
        if (loc instanceof Location.Pieces p) {
            int total = (int) Math.max(size, p.pieces().stream().mapToLong(x -> x.bitSize()).sum() / 8);
            byte[] out = new byte[total];
            BitSet unavailable = new BitSet();
            long bit = 0;
            for (Location.Piece piece : p.pieces()) {
                byte[] src = null;
                Location l = piece.location();
                int need = (int) ((piece.bitOffset() + piece.bitSize() + 7) / 8);
                try {
                    if (l instanceof Location.Memory m) {
                        src = ctx.read(m.address(), need);
                    } else if (l instanceof Location.Register r) {
                        src = registerBytes(ctx, r.dwarfRegister()).orElse(null);
                    } else if (l instanceof Location.Implicit i) {
                        src = i.bytes();
                    } else if (l instanceof Location.Unavailable u) {
                        return Value.failed(types, type, u.message(), null);
                    }
                } catch (UnreadableMemory e) {
                    return Value.failed(types, type, e.getMessage(), null);
                }
                for (long i = 0; i < piece.bitSize(); i++) {
                    long to = bit + i;
                    if (to / 8 >= total) break;
                    long from = piece.bitOffset() + i;
                    if (src == null || from / 8 >= src.length) {
                        unavailable.set((int) (to / 8));
                    } else if ((src[(int) (from / 8)] >> (from % 8) & 1) != 0) {
                        out[(int) (to / 8)] |= (byte) (1 << (to % 8));
                    }
                }
                bit += piece.bitSize();
            }
            if (bit / 8 < total) unavailable.set((int) ((bit + 7) / 8), total);
            return Value.ofBytes(types, type, out, unavailable, ctx);
        }
        return Value.optimizedOut(types, type);
    }

    /** A register's bytes: 8 for the general registers, 16 for xmm; empty when not known in the frame. */
    static Optional<byte[]> registerBytes(FrameContext ctx, int r) {
        if (r >= Dw.REG_XMM0 && r <= Dw.REG_XMM15) return ctx.vectorRegister(r);
        if (r <= 16 || r == Dw.REG_RFLAGS || r == Dw.REG_FS_BASE || r == Dw.REG_GS_BASE) {
            OptionalLong v = ctx.register(r);
            if (v.isEmpty()) return Optional.empty();
            return Optional.of(LocationEvaluator.longToBytes(v.getAsLong()));
        }
        return Optional.empty();
    }
}
