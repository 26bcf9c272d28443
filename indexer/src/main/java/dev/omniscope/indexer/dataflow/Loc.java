package dev.omniscope.indexer.dataflow;

import java.util.Locale;

import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.trace.Registers;

/**
 * A place a value lives: bytes of a process's memory, or bytes of a thread's register. Origins
 * and uses follow values from place to place; a node of their trees names the place of its
 * value ({@link #describe}) and can be asked again by its {@link #token}.
 */
public sealed interface Loc {
    /** How many bytes. */
    int length();

    /** The same place, bytes [offset, offset + length) of it. */
    Loc part(int offset, int length);

    /** Human words: "0x404040 (4 bytes)", "eax", "xmm0 bytes 0-7". */
    String describe();

    /** [address, address + length) of process {@code pid}. */
    record Mem(int pid, long address, int length) implements Loc {
        @Override
        public Loc part(int offset, int length) {
            return new Mem(pid, address + offset, length);
        }

        @Override
        public String describe() {
            return History.hex(address) + " (" + length + (length == 1 ? " byte)" : " bytes)");
        }
    }

    /** Bytes [offset, offset + length) of register row {@code id} of thread {@code tid}. */
    record Reg(int tid, int id, int offset, int length) implements Loc {
        @Override
        public Loc part(int offset, int length) {
            return new Reg(tid, id, this.offset + offset, length);
        }

        /** The register's size in bytes: 16 for xmm registers, else 8. */
        public int registerSize() {
            return id >= Registers.XMM0 && id < Registers.XMM0 + Registers.XMM_COUNT ? 16 : 8;
        }

        @Override
        public String describe() {
            return RegisterNames.name(id, offset, length);
        }
    }

    /**
     * The token of a node's question: this place at {@code step} ("m.PID.ADDRESS.LENGTH.STEP" or
     * "r.TID.REG.OFFSET.LENGTH.STEP"), which {@link #parse} reads back.
     */
    static String token(Loc loc, long step) {
        if (loc instanceof Mem m) return String.format(Locale.ROOT, "m.%d.%x.%d.%d", m.pid(), m.address(), m.length(), step);
        Reg r = (Reg) loc;
        return String.format(Locale.ROOT, "r.%d.%d.%d.%d.%d", r.tid(), r.id(), r.offset(), r.length(), step);
    }

    /** A place and a step, read from a {@link #token}. */
    record At(Loc loc, long step) {}

    /** Reads a token; a bad request naming what is wrong when it is not one. */
    static At parse(String token) {
        String[] p = token == null ? new String[0] : token.split("\\.", -1);
        try {
            if (p.length == 5 && p[0].equals("m")) {
                int length = Integer.parseInt(p[3]);
                if (length < 1) throw new NumberFormatException();
                return new At(new Mem(Integer.parseInt(p[1]), Long.parseUnsignedLong(p[2], 16), length), Long.parseLong(p[4]));
            }
            if (p.length == 6 && p[0].equals("r")) {
                int id = Integer.parseInt(p[2]), offset = Integer.parseInt(p[3]), length = Integer.parseInt(p[4]);
                Reg r = new Reg(Integer.parseInt(p[1]), id, offset, length);
                if (!Registers.isRow(id) || offset < 0 || length < 1 || offset + length > r.registerSize()) throw new NumberFormatException();
                return new At(r, Long.parseLong(p[5]));
            }
        } catch (NumberFormatException e) {
            // the words below
        }
        throw QueryException.badRequest("node '" + QueryException.quote(String.valueOf(token))
                + "' is not a node of an origin tree (m.PID.ADDRESS.LENGTH.STEP or r.TID.REG.OFFSET.LENGTH.STEP)");
    }
}
