package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.indexer.emu.Instruction;
import dev.omniscope.indexer.emu.Instruction.Kind;
import dev.omniscope.indexer.emu.Instruction.Operand;

/**
 * Instructions that only move bytes around (SSE shuffles and unpacks, element inserts and
 * extracts, bswap): each byte written is some byte read, so data flow follows them as copies.
 */
final class Shuffles {
    /** Where byte {@code k} of the written operand comes from: operand index and byte in it (-1: a zero). */
    private interface ByteSource {
        int[] of(int k);
    }

    private Shuffles() {}

    /** The copy {@code x} made into {@code dest}, or null when it is not a byte move known here. */
    static Semantics.Effect effect(Machine machine, Machine.Executed x, Loc dest, Operand written) throws IOException {
        Instruction i = x.insn();
        List<Operand> ops = i.operands();
        String m = i.mnemonic();
        if (written == null) return null;
        ByteSource source = null;
        if (m.equals("pshufd") && ops.size() == 3) {
            int imm = (int) ops.get(2).imm();
            source = k -> new int[] {1, 4 * ((imm >> (2 * (k / 4))) & 3) + k % 4};
        } else if (m.startsWith("punpck") && ops.size() == 2) {
            int unit = switch (m.substring(m.length() - 2)) {
                case "bw" -> 1;
                case "wd" -> 2;
                case "dq" -> m.endsWith("qdq") ? 8 : 4;
                default -> 0;
            };
            if (unit == 0) return null;
            int half = m.startsWith("punpckh") ? 8 : 0;
            int u = unit;
            source = k -> {
                int element = k / u, within = k % u;
                return new int[] {element % 2, half + (element / 2) * u + within};
            };
        } else if (m.equals("movhlps") && ops.size() == 2) {
            source = k -> k < 8 ? new int[] {1, k + 8} : new int[] {0, k};
        } else if (m.equals("movlhps") && ops.size() == 2) {
            source = k -> k >= 8 ? new int[] {1, k - 8} : new int[] {0, k};
        } else if (m.startsWith("pextr") && ops.size() == 3 && ops.get(1).kind() == Kind.REG) {
            int size = elementSize(m);
            int index = (int) (ops.get(2).imm() & (16 / size - 1));
            source = k -> k < size ? new int[] {1, index * size + k} : new int[] {-1, 0};
        } else if (m.startsWith("pinsr") && ops.size() == 3) {
            int size = elementSize(m);
            int index = (int) (ops.get(2).imm() & (16 / size - 1));
            source = k -> k >= index * size && k < (index + 1) * size ? new int[] {1, k - index * size} : new int[] {0, k};
        } else if (m.equals("bswap") && ops.size() == 1) {
            int size = ops.get(0).size();
            source = k -> new int[] {0, size - 1 - k};
        }
        if (source == null) return null;
        long start = dest instanceof Loc.Reg r ? r.offset() - (written.kind() == Kind.REG ? written.reg().offset() : 0)
                : ((Loc.Mem) dest).address() - machine.address(x, written.mem());
        List<Semantics.Move> moves = new ArrayList<>();
        for (int k = 0; k < dest.length(); ) {
            int[] s = source.of((int) start + k);
            int len = 1;
            while (k + len < dest.length()) {
                int[] next = source.of((int) start + k + len);
                if (next[0] != s[0] || next[1] != s[1] + len) break;
                len++;
            }
            if (s[0] < 0) {
                moves.add(new Semantics.Move(k, len, null, "0 (" + i.text() + ")"));
            } else {
                moves.add(new Semantics.Move(k, len, Semantics.sourcePlace(machine, x, ops.get(s[0]), s[1], len), null));
            }
            k += len;
        }
        return new Semantics.Copy(moves);
    }

    private static int elementSize(String m) {
        return switch (m.charAt(m.length() - 1)) {
            case 'b' -> 1;
            case 'w' -> 2;
            case 'd' -> 4;
            default -> 8;
        };
    }
}
