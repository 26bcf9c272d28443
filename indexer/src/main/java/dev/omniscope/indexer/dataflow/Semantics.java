package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.omniscope.indexer.emu.Instruction;
import dev.omniscope.indexer.emu.Instruction.Kind;
import dev.omniscope.indexer.emu.Instruction.Operand;
import dev.omniscope.trace.Registers;

/**
 * What an instruction did to the bytes it wrote, for data flow: which bytes of a register it
 * writes ({@link #regWrite}), which memory ({@link #memWrites}), and for a written place whether
 * the instruction moved bytes there from elsewhere (a copy: mov, push, pop, xchg, movzx, SSE
 * moves and the shuffles that only move bytes, string moves), put a constant there (an
 * immediate, a zero idiom, a return address) or computed it from inputs ({@link #effect}).
 */
final class Semantics {
    /** Bytes [offset, offset + length) of the written place (relative to it) came from {@code source} (null: {@code constant}). */
    record Move(int offset, int length, Loc source, String constant) {}

    /** An input a computation read: a place, or an immediate (place null). */
    record Input(String operand, Loc loc, String immediate) {}

    sealed interface Effect {}

    /** The written bytes are copies; {@code moves} cover the place asked about. */
    record Copy(List<Move> moves) implements Effect {}

    record Computed(List<Input> inputs) implements Effect {}

    /** Data that entered from outside the program at this instruction (rdtsc) or that the machine defines (cpuid, syscall's rcx). */
    record Entered(String kind, String what) implements Effect {}

    private static final Set<String> PLAIN_MOVES = Set.of("mov", "movabs", "movzx", "movsx", "movsxd", "movd", "movq", "movaps", "movups",
            "movapd", "movupd", "movdqa", "movdqu", "lddqu", "movntdq", "movntdqa", "movnti", "movntps", "movntpd", "movbe");
    private static final Set<String> ZERO_IDIOMS = Set.of("xor", "sub", "pxor", "xorps", "xorpd", "psubb", "psubw", "psubd", "psubq", "sbb");
    private static final Set<String> STRING_MOVES = Set.of("movsb", "movsw", "movsd", "movsq");
    private static final Set<String> STORES = Set.of("stosb", "stosw", "stosd", "stosq");
    private static final Set<String> LOADS = Set.of("lodsb", "lodsw", "lodsd", "lodsq");

    private Semantics() {}

    static boolean isXmm(int id) {
        return id >= Registers.XMM0 && id < Registers.XMM0 + Registers.XMM_COUNT;
    }

    /** Whether this is a string instruction (its operands are [rdi] and [rsi] implied). */
    static boolean isString(Instruction i) {
        boolean memOnly = i.operands().stream().allMatch(o -> o.kind() == Kind.MEM) && !i.operands().isEmpty();
        return STRING_MOVES.contains(i.mnemonic()) && memOnly || STORES.contains(i.mnemonic()) || LOADS.contains(i.mnemonic());
    }

    /** Whether the instruction reads memory: a memory operand it reads, or the stack (pop, ret, leave), or a string's source. */
    static boolean readsMemory(Instruction i) {
        for (Operand o : i.operands()) if (o.kind() == Kind.MEM && o.read() && !i.mnemonic().equals("lea")) return true;
        String m = i.mnemonic();
        return m.equals("pop") || m.equals("ret") || m.equals("leave") || isString(i);
    }

    /** The registers (a bit per register row id) an instruction computes the addresses of the memory it reads from. */
    static long addressRegisters(Instruction insn) {
        long used = 0;
        for (Operand o : insn.operands()) {
            if (o.kind() != Kind.MEM || !o.read()) continue;
            if (o.mem().base() != null && o.mem().base().id() >= 0 && o.mem().base().id() != Registers.RIP) used |= 1L << o.mem().base().id();
            if (o.mem().index() != null && o.mem().index().id() >= 0) used |= 1L << o.mem().index().id();
            if (o.mem().segment() >= 0) used |= 1L << o.mem().segment();
        }
        switch (insn.mnemonic()) {
            case "pop", "ret" -> used |= 1L << Registers.RSP;
            case "leave" -> used |= 1L << Registers.RBP;
            default -> {
                if (isString(insn)) used |= 1L << Registers.RSI | 1L << Registers.RDI | 1L << Registers.RCX;
            }
        }
        return used;
    }

    /** Every register (a bit per row id) the instruction reads: operands, address parts, implicit reads. */
    static long readRegisters(Instruction insn) {
        long read = 0;
        for (Operand o : insn.operands()) {
            if (o.kind() == Kind.REG && o.read() && o.reg().id() >= 0) read |= 1L << o.reg().id();
            if (o.kind() == Kind.MEM) {
                if (o.mem().base() != null && o.mem().base().id() >= 0) read |= 1L << o.mem().base().id();
                if (o.mem().index() != null && o.mem().index().id() >= 0) read |= 1L << o.mem().index().id();
            }
        }
        for (Instruction.Reg r : insn.implicitReads()) if (r.id() >= 0 && r.id() < 64) read |= 1L << r.id();
        return read;
    }

    /** Every register (a bit per row id) the instruction writes some bytes of ({@link #regWrite}). */
    static long writtenRegisters(Instruction insn) {
        long written = 0;
        for (int id = 0; id < 64; id++) if (Registers.isRow(id) && regWrite(insn, id) != null) written |= 1L << id;
        return written;
    }

    /** Which bytes [offset, length] of register {@code id} the instruction writes, or null. */
    static int[] regWrite(Instruction i, int id) {
        int[] w = null;
        for (Operand o : i.operands()) {
            if (o.kind() == Kind.REG && o.written() && o.reg().id() == id) w = union(w, written(i, o.reg(), o));
        }
        for (Instruction.Reg r : i.implicitWrites()) if (r.id() == id) w = union(w, written(i, r, null));
        if (id == Registers.EFLAGS && i.flagsWritten() != 0) w = new int[] {0, 8};
        switch (i.mnemonic()) {
            case "syscall" -> {
                if (id == Registers.RAX || id == Registers.RCX || id == Registers.R11) w = new int[] {0, 8};
            }
            case "rdtsc", "rdtscp", "cpuid" -> {
                if (id == Registers.RAX || id == Registers.RDX || (id == Registers.RCX && !i.mnemonic().equals("rdtsc"))
                        || (id == Registers.RBX && i.mnemonic().equals("cpuid"))) w = new int[] {0, 8};
            }
            default -> { }
        }
        return w;
    }

    private static int[] union(int[] a, int[] b) {
        if (a == null) return b;
        int start = Math.min(a[0], b[0]), end = Math.max(a[0] + a[1], b[0] + b[1]);
        return new int[] {start, end - start};
    }

    /** The bytes a write of register part {@code r} changes: a 32-bit write clears the upper half; SSE scalar writes keep the rest. */
    private static int[] written(Instruction i, Instruction.Reg r, Operand o) {
        if (isXmm(r.id())) {
            String m = i.mnemonic();
            boolean fromMemory = i.operands().stream().anyMatch(x -> x.kind() == Kind.MEM);
            if ((m.equals("movss") || m.equals("movsd")) && !fromMemory) return new int[] {0, m.equals("movss") ? 4 : 8};
            if (m.equals("movlps") || m.equals("movlpd") || m.equals("movhlps")) return new int[] {0, 8};
            if (m.equals("movhps") || m.equals("movhpd") || m.equals("movlhps")) return new int[] {8, 8};
            if (m.startsWith("pinsr") && o != null) {
                int size = i.operands().get(1).size();
                int k = (int) (i.operands().get(2).imm() & (16 / size - 1));
                return new int[] {k * size, size};
            }
            if (scalar(m)) return new int[] {0, m.endsWith("ss") ? 4 : 8};
            return new int[] {0, 16};
        }
        if (r.size() == 4 && r.offset() == 0) return new int[] {0, 8};
        return new int[] {r.offset(), r.size()};
    }

    /** An SSE scalar operation that writes only the low element of its destination. */
    private static boolean scalar(String m) {
        if (m.equals("movss") || m.equals("movsd") || m.startsWith("comis") || m.startsWith("ucomis")) return false;
        return (m.endsWith("ss") || m.endsWith("sd")) && !m.startsWith("cvtt") && !m.startsWith("cvtsd2si") && !m.startsWith("cvtss2si")
                && !m.startsWith("movmsk") && !m.startsWith("pmovmsk");
    }

    /** The memory the instruction writes (explicit and implied operands), each [address, length]. */
    static List<long[]> memWrites(Machine machine, Machine.Executed x) throws IOException {
        List<long[]> out = new ArrayList<>();
        Instruction i = x.insn();
        for (Operand o : i.operands()) {
            if (o.kind() == Kind.MEM && o.written()) out.add(new long[] {machine.address(x, o.mem()), o.size()});
        }
        String m = i.mnemonic();
        if (m.equals("push") || m.equals("call")) {
            int size = m.equals("push") && !i.operands().isEmpty() ? Math.max(i.operands().get(0).size(), 2) : 8;
            if (m.equals("push") && i.operands().get(0).kind() == Kind.IMM) size = 8;
            out.add(new long[] {machine.register(x.tid(), x.step(), Registers.RSP) - size, size});
        }
        return out;
    }

    /**
     * What the instruction that ran as {@code x} did to {@code dest} (a place it wrote, or part of
     * one): moved bytes there, put a constant, or computed it.
     */
    static Effect effect(Machine machine, Machine.Executed x, Loc dest) throws IOException {
        Instruction i = x.insn();
        String m = i.mnemonic();
        List<Operand> ops = i.operands();
        if (dest instanceof Loc.Reg sp && sp.id() == Registers.RSP && !m.equals("leave") && writtenOperand(machine, x, dest) == null) {
            // push, pop, call, ret, enter: the stack pointer moved by a constant, computed from itself
            return new Computed(List.of(new Input("rsp", new Loc.Reg(x.tid(), Registers.RSP, 0, 8), null)));
        }
        switch (m) {
            case "rdtsc", "rdtscp" -> {
                return new Entered("syscall", m);
            }
            case "cpuid" -> {
                return new Entered("constant", "cpuid");
            }
            case "syscall" -> {
                if (dest instanceof Loc.Reg r && r.id() == Registers.RAX) return new Entered("syscall", "syscall");
                return new Entered("constant", dest instanceof Loc.Reg r && r.id() == Registers.RCX ? "return address of syscall" : "rflags at syscall");
            }
            case "call" -> {
                return new Entered("constant", "return address " + String.format("0x%x", i.address() + i.size()));
            }
            default -> { }
        }
        // zero idioms: xor eax, eax and friends
        if (ZERO_IDIOMS.contains(m) && ops.size() == 2 && ops.get(0).kind() == Kind.REG && ops.get(1).kind() == Kind.REG
                && ops.get(0).reg().id() == ops.get(1).reg().id() && !m.equals("sbb")) {
            return new Copy(List.of(new Move(0, dest.length(), null, "0 (" + i.text() + ")")));
        }
        if (isString(i)) return stringEffect(machine, x, dest);
        Operand written = writtenOperand(machine, x, dest);
        if (PLAIN_MOVES.contains(m) || m.equals("movss") || m.equals("movsd") || m.equals("movlps") || m.equals("movlpd")
                || m.equals("movhps") || m.equals("movhpd")) {
            if (ops.size() == 2 && written != null && m.equals("movbe") == false) return move(machine, x, dest, written, ops.get(1), writeOffset(i, dest, written));
        }
        if (m.startsWith("cmov") && ops.size() == 2 && written != null) {
            boolean taken = Conditions.holds(m.substring(4), machine.register(x.tid(), x.step(), Registers.EFLAGS));
            return move(machine, x, dest, written, taken ? ops.get(1) : ops.get(0), 0);
        }
        if (m.equals("xchg") && ops.size() == 2 && written != null) {
            return move(machine, x, dest, written, written == ops.get(0) ? ops.get(1) : ops.get(0), 0);
        }
        if (m.equals("push") && dest instanceof Loc.Mem && ops.size() == 1) {
            Operand src = ops.get(0);
            long slot = machine.register(x.tid(), x.step(), Registers.RSP) - (src.kind() == Kind.IMM ? 8 : Math.max(src.size(), 2));
            return shift(machine, x, dest, slot, src);
        }
        if (m.equals("pop") && dest instanceof Loc.Reg r && ops.size() == 1 && r.id() != Registers.RSP) {
            long rsp = machine.register(x.tid(), x.step(), Registers.RSP);
            return new Copy(List.of(new Move(0, dest.length(), new Loc.Mem(x.pid(), rsp + ((Loc.Reg) dest).offset(), dest.length()), null)));
        }
        if (m.equals("leave") && dest instanceof Loc.Reg r) {
            long rbp = machine.register(x.tid(), x.step(), Registers.RBP);
            Loc src = r.id() == Registers.RSP ? new Loc.Reg(x.tid(), Registers.RBP, r.offset(), r.length())
                    : new Loc.Mem(x.pid(), rbp + r.offset(), r.length());
            return new Copy(List.of(new Move(0, dest.length(), src, null)));
        }
        if ((m.equals("cdqe") || m.equals("cwde") || m.equals("cbw")) && dest instanceof Loc.Reg r) {
            int from = m.equals("cdqe") ? 4 : m.equals("cwde") ? 2 : 1;
            return extension(x, dest, r, from);
        }
        if (m.equals("lea") && ops.size() == 2 && ops.get(1).mem().index() == null && ops.get(1).mem().disp() == 0
                && ops.get(1).mem().base() != null && ops.get(1).mem().base().id() != Registers.RIP) {
            Instruction.Reg b = ops.get(1).mem().base();
            return new Copy(List.of(new Move(0, dest.length(), new Loc.Reg(x.tid(), b.id(), b.offset() + offsetIn(dest, written), dest.length()), null)));
        }
        Effect shuffled = Shuffles.effect(machine, x, dest, written);
        if (shuffled != null) return shuffled;
        return computed(machine, x);
    }

    /** Where in the written operand the asked place starts. */
    private static int offsetIn(Loc dest, Operand written) {
        if (dest instanceof Loc.Reg r && written != null && written.kind() == Kind.REG) return r.offset() - written.reg().offset();
        return 0;
    }

    private static int writeOffset(Instruction i, Loc dest, Operand written) {
        String m = i.mnemonic();
        if ((m.equals("movhps") || m.equals("movhpd")) && written.kind() == Kind.REG) return 8;
        return 0;
    }

    /** The explicit operand the instruction wrote {@code dest} through, or null. */
    static Operand writtenOperand(Machine machine, Machine.Executed x, Loc dest) throws IOException {
        for (Operand o : x.insn().operands()) {
            if (!o.written()) continue;
            if (o.kind() == Kind.REG && dest instanceof Loc.Reg r && o.reg().id() == r.id()) return o;
            if (o.kind() == Kind.MEM && dest instanceof Loc.Mem mm) {
                long a = machine.address(x, o.mem());
                if (mm.address() - a >= 0 && mm.address() - a < o.size()) return o;
            }
        }
        return null;
    }

    /** dest's bytes from {@code src}: byte k of the written operand (from its {@code base}) is byte k of src; bytes past src are the extension. */
    private static Effect move(Machine machine, Machine.Executed x, Loc dest, Operand written, Operand src, int base) throws IOException {
        long start;
        if (written.kind() == Kind.MEM) {
            start = ((Loc.Mem) dest).address() - machine.address(x, written.mem());
        } else {
            start = ((Loc.Reg) dest).offset() - written.reg().offset() - base;
        }
        int srcSize = src.kind() == Kind.IMM ? written.size() : src.size();
        if (start < 0) return computed(machine, x);
        int inside = (int) Math.max(0, Math.min(dest.length(), srcSize - start));
        List<Move> moves = new ArrayList<>();
        if (src.kind() == Kind.IMM) {
            moves.add(new Move(0, dest.length(), null, String.format("0x%x (%s)", src.imm(), x.insn().text())));
        } else if (inside > 0) {
            // the extension's bytes (movsx's sign, movzx's and 32-bit writes' zeros) belong to the same copy
            moves.add(new Move(0, dest.length(), sourcePlace(machine, x, src, (int) start, inside), null));
        } else if (x.insn().mnemonic().startsWith("movsx")) {
            moves.add(new Move(0, dest.length(), sourcePlace(machine, x, src, srcSize - 1, 1), null));
        } else {
            moves.add(new Move(0, dest.length(), null, "0 (zero extension)"));
        }
        return new Copy(moves);
    }

    /** A push's slot: dest (memory) from src, whose byte 0 is at {@code slot}. */
    private static Effect shift(Machine machine, Machine.Executed x, Loc dest, long slot, Operand src) throws IOException {
        long start = ((Loc.Mem) dest).address() - slot;
        if (src.kind() == Kind.IMM) return new Copy(List.of(new Move(0, dest.length(), null, String.format("0x%x (%s)", src.imm(), x.insn().text()))));
        if (start < 0 || start + dest.length() > src.size()) return computed(machine, x);
        return new Copy(List.of(new Move(0, dest.length(), sourcePlace(machine, x, src, (int) start, dest.length()), null)));
    }

    private static Effect extension(Machine.Executed x, Loc dest, Loc.Reg r, int from) {
        int inside = Math.max(0, Math.min(r.length(), from - r.offset()));
        Loc source = inside > 0 ? new Loc.Reg(x.tid(), Registers.RAX, r.offset(), inside) : new Loc.Reg(x.tid(), Registers.RAX, from - 1, 1);
        return new Copy(List.of(new Move(0, r.length(), source, null)));
    }

    /** Bytes [offset, offset + length) of a read operand as a place. */
    static Loc sourcePlace(Machine machine, Machine.Executed x, Operand src, int offset, int length) throws IOException {
        if (src.kind() == Kind.MEM) return new Loc.Mem(x.pid(), machine.address(x, src.mem()) + offset, length);
        return new Loc.Reg(x.tid(), src.reg().id(), src.reg().offset() + offset, length);
    }

    /** movs, stos, lods (with or without rep): byte k of the run from byte k of the source (the register, repeating, for stos). */
    private static Effect stringEffect(Machine machine, Machine.Executed x, Loc dest) throws IOException {
        Instruction i = x.insn();
        String m = i.mnemonic();
        int unit = switch (m.charAt(m.length() - 1)) {
            case 'b' -> 1;
            case 'w' -> 2;
            case 'd' -> 4;
            default -> 8;
        };
        int tid = x.tid();
        long rsi = machine.register(tid, x.step(), Registers.RSI), rdi = machine.register(tid, x.step(), Registers.RDI);
        boolean down = (machine.register(tid, x.step(), Registers.EFLAGS) & Instruction.DF) != 0;
        if (LOADS.contains(m) && dest instanceof Loc.Reg r) {
            return new Copy(List.of(new Move(0, dest.length(), new Loc.Mem(x.pid(), rsi + r.offset(), Math.min(dest.length(), unit)), null)));
        }
        if (!(dest instanceof Loc.Mem d)) return computed(machine, x);
        List<Move> moves = new ArrayList<>();
        for (int k = 0; k < d.length(); ) {
            long a = d.address() + k;
            // offset of this byte from the element it belongs to, and that element's distance from rdi
            long delta = a - rdi;
            int len = 1;
            if (STORES.contains(m)) {
                int inUnit = (int) Math.floorMod(delta, unit);
                len = Math.min(unit - inUnit, d.length() - k);
                moves.add(new Move(k, len, new Loc.Reg(tid, Registers.RAX, inUnit, len), null));
            } else {
                len = d.length() - k;
                moves.add(new Move(k, len, new Loc.Mem(x.pid(), rsi + delta, len), null));
            }
            k += len;
        }
        return new Copy(moves);
    }

    /** A computation: its inputs are the operands it reads, the registers it reads implicitly, and the flags it tests. */
    static Effect computed(Machine machine, Machine.Executed x) throws IOException {
        Instruction i = x.insn();
        List<Input> inputs = new ArrayList<>();
        boolean lea = i.mnemonic().equals("lea");
        for (Operand o : i.operands()) {
            switch (o.kind()) {
                case IMM -> inputs.add(new Input(String.format("0x%x", o.imm()), null, String.format("0x%x", o.imm())));
                case REG -> {
                    if (o.read() && o.reg().id() >= 0) inputs.add(new Input(o.reg().name(), new Loc.Reg(x.tid(), o.reg().id(), o.reg().offset(), o.reg().size()), null));
                }
                case MEM -> {
                    if (lea) {
                        for (Instruction.Reg r : new Instruction.Reg[] {o.mem().base(), o.mem().index()}) {
                            if (r != null && r.id() >= 0 && r.id() != Registers.RIP) inputs.add(new Input(r.name(), new Loc.Reg(x.tid(), r.id(), r.offset(), r.size()), null));
                        }
                    } else if (o.read() && o.size() > 0) {
                        long a = machine.address(x, o.mem());
                        inputs.add(new Input(memText(i, o, a), new Loc.Mem(x.pid(), a, o.size()), null));
                    }
                }
            }
        }
        for (Instruction.Reg r : i.implicitReads()) {
            if (r.id() < 0 || r.id() == Registers.RSP || r.id() == Registers.RIP || r.id() == Registers.EFLAGS) continue;
            if (inputs.stream().anyMatch(in -> in.loc() instanceof Loc.Reg lr && lr.id() == r.id())) continue;
            inputs.add(new Input(r.name(), new Loc.Reg(x.tid(), r.id(), r.offset(), r.size()), null));
        }
        if ((i.flagsTested() & ~Instruction.DF) != 0) inputs.add(new Input("eflags", new Loc.Reg(x.tid(), Registers.EFLAGS, 0, 8), null));
        return new Computed(inputs);
    }

    /** "dword ptr [rbp - 0x14]" as written in the instruction, with the address it named. */
    static String memText(Instruction i, Operand o, long address) {
        String text = i.operandText();
        int open = text.indexOf('[');
        String written = open < 0 ? "[...]" : text.substring(Math.max(0, text.lastIndexOf(',', open) + 1), text.indexOf(']', open) + 1).trim();
        return written + " = " + String.format("0x%x", address);
    }
}
