package dev.omniscope.values;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.debuginfo.DwarfOp;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * Evaluates a DWARF location expression (a list of {@link DwarfOp}) into a {@link Location}, as
 * gdb's {@code dwarf2/expr.c} does: the stack machine (literals, registers, arithmetic, branches,
 * dereferences, typed operations), then what the expression designates (memory, a register, an
 * implicit value, pieces, a synthetic pointer). A register the frame does not know makes the value
 * optimized out; unreadable memory makes it {@link Location.Unavailable} with gdb's message.
 */
public final class LocationEvaluator {
    /** What an expression reads: a frame (see {@link #forFrame}) or an unwinding step. */
    public interface Env {
        OptionalLong register(int dwarfRegister);

        default Optional<byte[]> vectorRegister(int dwarfRegister) {
            return Optional.empty();
        }

        OptionalLong cfa();

        default OptionalLong entryRegister(int dwarfRegister) {
            return OptionalLong.empty();
        }

        default Optional<byte[]> entryVectorRegister(int dwarfRegister) {
            return Optional.empty();
        }

        byte[] read(long address, int length) throws UnreadableMemory;

        /** Run-time minus link-time addresses of the expression's module (DW_OP_addr). */
        default long bias() {
            return 0;
        }

        /** The value DW_OP_fbreg adds to; empty when the frame has none. */
        default OptionalLong frameBase() {
            return OptionalLong.empty();
        }

        default OptionalLong tlsBlock() {
            return OptionalLong.empty();
        }

        /** A base type by DIE offset, for the typed operations. */
        default Optional<DebugType> type(long offset) {
            return Optional.empty();
        }
    }

    /** The value is optimized out (a register not known in this frame, an entry value not recorded...). */
    static final class OptimizedOut extends Exception {
        OptimizedOut() {
            super("value has been optimized out", null, false, false);
        }
    }

    /** The value cannot be computed; the message is gdb's. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_STEPS = 100_000;

    private final Env env;

    public LocationEvaluator(Env env) {
        this.env = env;
    }

    /** An environment reading a frame: its registers, CFA, memory, and its function's frame base ({@link FrameEnv}). */
    public static Env forFrame(FrameContext ctx) {
        return new FrameEnv(ctx);
    }

    /** Evaluates {@code ops} as a location description (DW_AT_location). An empty expression is optimized out. */
    public Location evaluate(List<DwarfOp> ops) {
        return evaluate(ops, null);
    }

    /**
     * Evaluates with {@code initial} pushed first (CFI register rules push nothing: libdw
     * prepends DW_OP_call_frame_cfa itself).
     */
    public Location evaluate(List<DwarfOp> ops, Long initial) {
        if (ops.isEmpty()) return new Location.OptimizedOut();
        try {
            return run(ops, initial);
        } catch (OptimizedOut e) {
            return new Location.OptimizedOut();
        } catch (Failure e) {
            return new Location.Unavailable(e.getMessage());
        }
    }

    /** Evaluates an expression computing a value (DW_AT_frame_base's address, a CFA): the stack's top. */
    public long evaluateValue(List<DwarfOp> ops) throws OptimizedOut, Failure {
        Location l = run(ops, null);
        if (l instanceof Location.Memory m) return m.address();
        if (l instanceof Location.Implicit i) return bytesToLong(i.bytes());
        if (l instanceof Location.Register r) return reg(r.dwarfRegister());
        if (l instanceof Location.OptimizedOut) throw new OptimizedOut();
        throw new Failure("not a value");
    }

    // ------------------------------------------------------------------ the machine

    /** A stack entry: 64 bits and the base type of a typed entry (null: DWARF's generic type). */
    private record Entry(long bits, DebugType type) {
        static Entry of(long v) {
            return new Entry(v, null);
        }

        boolean isFloat() {
            return type != null && type.encoding() == Dw.ATE_FLOAT;
        }

        double asDouble() {
            return type.byteSize() == 4 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
        }
    }

    private enum Kind { MEMORY, REGISTER, STACK_VALUE, IMPLICIT, IMPLICIT_POINTER }

    private Location run(List<DwarfOp> ops, Long initial) throws OptimizedOut, Failure {
        Map<Long, Integer> indexOfOffset = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) indexOfOffset.put(ops.get(i).offset(), i);
        List<Entry> stack = new ArrayList<>();
        if (initial != null) stack.add(Entry.of(initial));
        List<Location.Piece> pieces = new ArrayList<>();
        Kind kind = Kind.MEMORY;
        int register = -1;
        byte[] implicit = null;
        long implicitDie = 0, implicitOffset = 0;
        boolean pieceHasContent = false;
        int steps = 0;
        for (int pc = 0; pc < ops.size(); pc++) {
            if (++steps > MAX_STEPS) throw new Failure("DWARF expression does not terminate");
            DwarfOp op = ops.get(pc);
            int a = op.atom();
            if (a >= Dw.OP_LIT0 && a <= Dw.OP_LIT31) {
                push(stack, a - Dw.OP_LIT0);
            } else if (a >= Dw.OP_REG0 && a <= Dw.OP_REG31) {
                kind = Kind.REGISTER;
                register = a - Dw.OP_REG0;
            } else if (a >= Dw.OP_BREG0 && a <= Dw.OP_BREG31) {
                push(stack, reg(a - Dw.OP_BREG0) + op.number());
            } else {
                switch (a) {
                    case Dw.OP_ADDR, Dw.OP_ADDRX, Dw.OP_GNU_ADDR_INDEX -> push(stack, op.number() + env.bias());
                    case Dw.OP_CONSTX, Dw.OP_GNU_CONST_INDEX -> push(stack, op.number());
                    case Dw.OP_CONST1U -> push(stack, op.number() & 0xff);
                    case Dw.OP_CONST2U -> push(stack, op.number() & 0xffff);
                    case Dw.OP_CONST4U -> push(stack, op.number() & 0xffffffffL);
                    case Dw.OP_CONST1S -> push(stack, (byte) op.number());
                    case Dw.OP_CONST2S -> push(stack, (short) op.number());
                    case Dw.OP_CONST4S -> push(stack, (int) op.number());
                    case Dw.OP_CONST8U, Dw.OP_CONST8S, Dw.OP_CONSTU, Dw.OP_CONSTS -> push(stack, op.number());
                    case Dw.OP_DUP -> stack.add(peek(stack, 0));
                    case Dw.OP_DROP -> pop(stack);
                    case Dw.OP_OVER -> stack.add(peek(stack, 1));
                    case Dw.OP_PICK -> stack.add(peek(stack, (int) op.number()));
                    case Dw.OP_SWAP -> {
                        Entry x = pop(stack), y = pop(stack);
                        stack.add(x);
                        stack.add(y);
                    }
                    case Dw.OP_ROT -> {
                        Entry x = pop(stack), y = pop(stack), z = pop(stack);
                        stack.add(x);
                        stack.add(z);
                        stack.add(y);
                    }
                    case Dw.OP_DEREF -> push(stack, bytesToLong(read(pop(stack).bits(), 8)));
                    case Dw.OP_DEREF_SIZE -> push(stack, bytesToLong(read(pop(stack).bits(), (int) op.number())));
                    case Dw.OP_DEREF_TYPE, Dw.OP_GNU_DEREF_TYPE -> {
                        DebugType t = baseType(op.number2());
                        int size = (int) op.number();
                        stack.add(typed(bytesToLong(read(pop(stack).bits(), size)), t));
                    }
                    case Dw.OP_ABS -> {
                        Entry x = pop(stack);
                        stack.add(x.isFloat() ? fromDouble(Math.abs(x.asDouble()), x.type()) : new Entry(Math.abs(x.bits()), x.type()));
                    }
                    case Dw.OP_NEG -> {
                        Entry x = pop(stack);
                        stack.add(x.isFloat() ? fromDouble(-x.asDouble(), x.type()) : typed(-x.bits(), x.type()));
                    }
                    case Dw.OP_NOT -> {
                        Entry x = pop(stack);
                        stack.add(typed(~x.bits(), x.type()));
                    }
                    case Dw.OP_PLUS_UCONST -> {
                        Entry x = pop(stack);
                        stack.add(typed(x.bits() + op.number(), x.type()));
                    }
                    case Dw.OP_AND, Dw.OP_OR, Dw.OP_XOR, Dw.OP_PLUS, Dw.OP_MINUS, Dw.OP_MUL, Dw.OP_DIV, Dw.OP_MOD, Dw.OP_SHL,
                            Dw.OP_SHR, Dw.OP_SHRA, Dw.OP_EQ, Dw.OP_NE, Dw.OP_LT, Dw.OP_LE, Dw.OP_GT, Dw.OP_GE -> {
                        Entry y = pop(stack), x = pop(stack);
                        stack.add(binary(a, x, y));
                    }
                    case Dw.OP_SKIP -> pc = branch(indexOfOffset, op) - 1;
                    case Dw.OP_BRA -> {
                        if (pop(stack).bits() != 0) pc = branch(indexOfOffset, op) - 1;
                    }
                    case Dw.OP_REGX -> {
                        kind = Kind.REGISTER;
                        register = (int) op.number();
                    }
                    case Dw.OP_BREGX -> push(stack, reg((int) op.number()) + op.number2());
                    case Dw.OP_FBREG -> {
                        OptionalLong base = env.frameBase();
                        if (base.isEmpty()) throw new OptimizedOut();
                        push(stack, base.getAsLong() + op.number());
                    }
                    case Dw.OP_CALL_FRAME_CFA -> {
                        OptionalLong cfa = env.cfa();
                        if (cfa.isEmpty()) throw new OptimizedOut();
                        push(stack, cfa.getAsLong());
                    }
                    case Dw.OP_NOP -> { }
                    case Dw.OP_STACK_VALUE -> kind = Kind.STACK_VALUE;
                    case Dw.OP_IMPLICIT_VALUE -> {
                        kind = Kind.IMPLICIT;
                        implicit = op.block();
                    }
                    case Dw.OP_IMPLICIT_POINTER, Dw.OP_GNU_IMPLICIT_POINTER -> {
                        kind = Kind.IMPLICIT_POINTER;
                        implicitDie = op.number();
                        implicitOffset = op.number2();
                    }
                    case Dw.OP_PIECE, Dw.OP_BIT_PIECE -> {
                        long bits = a == Dw.OP_PIECE ? op.number() * 8 : op.number();
                        long bitOffset = a == Dw.OP_PIECE ? 0 : op.number2();
                        Location l = pieceHasContent || !stack.isEmpty() || kind != Kind.MEMORY
                                ? result(kind, register, implicit, implicitDie, implicitOffset, stack)
                                : new Location.OptimizedOut();
                        pieces.add(new Location.Piece(bits, bitOffset, l));
                        stack.clear();
                        kind = Kind.MEMORY;
                        implicit = null;
                        pieceHasContent = false;
                        continue;
                    }
                    case Dw.OP_FORM_TLS_ADDRESS, Dw.OP_GNU_PUSH_TLS_ADDRESS -> {
                        long offset = pop(stack).bits();
                        OptionalLong block = env.tlsBlock();
                        if (block.isEmpty()) throw new Failure("Cannot find thread-local storage: the TLS block of this thread is not known");
                        push(stack, block.getAsLong() + offset);
                    }
                    case Dw.OP_ENTRY_VALUE, Dw.OP_GNU_ENTRY_VALUE -> stack.add(entryValue(op.nested()));
                    case Dw.OP_CONST_TYPE, Dw.OP_GNU_CONST_TYPE -> {
                        DebugType t = baseType(op.number());
                        stack.add(typed(bytesToLong(op.block()), t));
                    }
                    case Dw.OP_REGVAL_TYPE, Dw.OP_GNU_REGVAL_TYPE -> {
                        DebugType t = baseType(op.number2());
                        int r = (int) op.number();
                        long bits;
                        if (r >= Dw.REG_XMM0 && r <= Dw.REG_XMM15) {
                            bits = bytesToLong(env.vectorRegister(r).orElseThrow(OptimizedOut::new));
                        } else {
                            bits = reg(r);
                        }
                        stack.add(typed(bits, t));
                    }
                    case Dw.OP_CONVERT, Dw.OP_GNU_CONVERT -> stack.add(convert(pop(stack), op.number() == 0 ? null : baseType(op.number())));
                    case Dw.OP_REINTERPRET, Dw.OP_GNU_REINTERPRET -> {
                        Entry x = pop(stack);
                        stack.add(new Entry(x.bits(), op.number() == 0 ? null : baseType(op.number())));
                    }
                    case Dw.OP_GNU_PARAMETER_REF, Dw.OP_GNU_VARIABLE_VALUE -> throw new OptimizedOut();
                    case Dw.OP_GNU_UNINIT -> { }
                    case Dw.OP_PUSH_OBJECT_ADDRESS -> throw new Failure("DW_OP_push_object_address is not supported");
                    default -> throw new Failure("Unhandled dwarf expression opcode 0x" + Integer.toHexString(a));
                }
            }
            pieceHasContent = true;
        }
        if (!pieces.isEmpty()) {
            if (pieceHasContent || !stack.isEmpty()) {
                throw new Failure("DWARF expression continues after its last piece");
            }
            return new Location.Pieces(pieces);
        }
        return result(kind, register, implicit, implicitDie, implicitOffset, stack);
    }

    private static Location result(Kind kind, int register, byte[] implicit, long die, long offset, List<Entry> stack)
            throws Failure {
        return switch (kind) {
            case REGISTER -> new Location.Register(register);
            case IMPLICIT -> new Location.Implicit(implicit);
            case IMPLICIT_POINTER -> new Location.ImplicitPointer(die, offset);
            case STACK_VALUE -> {
                Entry e = peek(stack, 0);
                int size = e.type() == null || e.type().byteSize() <= 0 ? 8 : (int) Math.min(8, e.type().byteSize());
                byte[] b = longToBytes(e.bits());
                yield new Location.Implicit(size == 8 ? b : java.util.Arrays.copyOf(b, size));
            }
            case MEMORY -> new Location.Memory(peek(stack, 0).bits());
        };
    }

    /**
     * {@code DW_OP_entry_value}: a register's value (DW_OP_regN, DW_OP_regx, DW_OP_regval_type, the
     * latter two also for xmm registers) or a word it points to (DW_OP_bregN 0; DW_OP_deref) when the
     * function was entered.
     */
    private Entry entryValue(List<DwarfOp> nested) throws OptimizedOut, Failure {
        if (nested.size() == 1) {
            DwarfOp op = nested.get(0);
            int a = op.atom();
            int r = -1;
            DebugType type = null;
            if (a >= Dw.OP_REG0 && a <= Dw.OP_REG31) r = a - Dw.OP_REG0;
            if (a == Dw.OP_REGX) r = (int) op.number();
            if (a == Dw.OP_REGVAL_TYPE || a == Dw.OP_GNU_REGVAL_TYPE) {
                r = (int) op.number();
                type = op.number2() == 0 ? null : baseType(op.number2());
            }
            if (r >= Dw.REG_XMM0 && r <= Dw.REG_XMM15) {
                Optional<byte[]> v = env.entryVectorRegister(r);
                if (v.isPresent()) return typed(bytesToLong(v.get()), type);
            } else if (r >= 0) {
                OptionalLong v = env.entryRegister(r);
                if (v.isPresent()) return typed(v.getAsLong(), type);
            }
        } else if (nested.size() == 2 && nested.get(1).atom() == Dw.OP_DEREF) {
            int a = nested.get(0).atom();
            if (a >= Dw.OP_BREG0 && a <= Dw.OP_BREG31) {
                OptionalLong v = env.entryRegister(a - Dw.OP_BREG0);
                if (v.isPresent()) {
                    try {
                        return new Entry(bytesToLong(env.read(v.getAsLong() + nested.get(0).number(), 8)), null);
                    } catch (UnreadableMemory e) {
                        throw new OptimizedOut();
                    }
                }
            }
        }
        throw new OptimizedOut();
    }

    private int branch(Map<Long, Integer> indexOfOffset, DwarfOp op) throws Failure {
        long target = op.offset() + 3 + (short) op.number();
        Integer i = indexOfOffset.get(target);
        if (i == null) {
            long last = -1;
            for (long o : indexOfOffset.keySet()) last = Math.max(last, o);
            if (target > last) return Integer.MAX_VALUE - 1; // a branch to the end
            throw new Failure("DWARF expression branches into the middle of an operation");
        }
        return i;
    }

    private long reg(int r) throws OptimizedOut {
        OptionalLong v = env.register(r);
        if (v.isEmpty()) throw new OptimizedOut();
        return v.getAsLong();
    }

    private byte[] read(long address, int size) throws Failure {
        if (size < 0 || size > 8) throw new Failure("Bad DW_OP_deref_size size " + size);
        try {
            return env.read(address, size);
        } catch (UnreadableMemory e) {
            throw new Failure(e.getMessage());
        }
    }

    private DebugType baseType(long offset) throws Failure {
        return env.type(offset).orElseThrow(() -> new Failure("Bad DW_OP type reference 0x" + Long.toHexString(offset)));
    }

    private static void push(List<Entry> stack, long v) {
        stack.add(Entry.of(v));
    }

    private static Entry pop(List<Entry> stack) throws Failure {
        if (stack.isEmpty()) throw new Failure("DWARF expression stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private static Entry peek(List<Entry> stack, int depth) throws Failure {
        if (depth < 0 || depth >= stack.size()) throw new Failure("DWARF expression stack underflow");
        return stack.get(stack.size() - 1 - depth);
    }

    /** Truncates and sign- or zero-extends an integer to its type's size. */
    private static Entry typed(long bits, DebugType t) {
        if (t == null || t.byteSize() >= 8 || t.byteSize() <= 0 || t.encoding() == Dw.ATE_FLOAT) return new Entry(bits, t);
        int shift = 64 - (int) t.byteSize() * 8;
        boolean signed = t.encoding() == Dw.ATE_SIGNED || t.encoding() == Dw.ATE_SIGNED_CHAR;
        return new Entry(signed ? (bits << shift) >> shift : (bits << shift) >>> shift, t);
    }

    private static Entry fromDouble(double d, DebugType t) {
        return new Entry(t.byteSize() == 4 ? Float.floatToRawIntBits((float) d) & 0xffffffffL : Double.doubleToRawLongBits(d), t);
    }

    private static Entry convert(Entry x, DebugType to) {
        boolean toFloat = to != null && to.encoding() == Dw.ATE_FLOAT;
        if (x.isFloat()) {
            double d = x.asDouble();
            if (toFloat) return fromDouble(d, to);
            return typed((long) d, to);
        }
        boolean signed = x.type() == null || x.type().encoding() == Dw.ATE_SIGNED || x.type().encoding() == Dw.ATE_SIGNED_CHAR;
        if (toFloat) {
            double d = signed ? (double) x.bits() : Double.parseDouble(Long.toUnsignedString(x.bits()));
            return fromDouble(d, to);
        }
        return typed(x.bits(), to);
    }

    private static Entry binary(int op, Entry x, Entry y) throws Failure {
        DebugType t = x.type() != null ? x.type() : y.type();
        if (x.isFloat() || y.isFloat()) {
            double a = x.isFloat() ? x.asDouble() : x.bits(), b = y.isFloat() ? y.asDouble() : y.bits();
            DebugType ft = x.isFloat() ? x.type() : y.type();
            return switch (op) {
                case Dw.OP_PLUS -> fromDouble(a + b, ft);
                case Dw.OP_MINUS -> fromDouble(a - b, ft);
                case Dw.OP_MUL -> fromDouble(a * b, ft);
                case Dw.OP_DIV -> fromDouble(a / b, ft);
                case Dw.OP_EQ -> Entry.of(a == b ? 1 : 0);
                case Dw.OP_NE -> Entry.of(a != b ? 1 : 0);
                case Dw.OP_LT -> Entry.of(a < b ? 1 : 0);
                case Dw.OP_LE -> Entry.of(a <= b ? 1 : 0);
                case Dw.OP_GT -> Entry.of(a > b ? 1 : 0);
                case Dw.OP_GE -> Entry.of(a >= b ? 1 : 0);
                default -> throw new Failure("Bad floating-point DWARF operation");
            };
        }
        long a = x.bits(), b = y.bits();
        boolean unsigned = t != null && (t.encoding() == Dw.ATE_UNSIGNED || t.encoding() == Dw.ATE_UNSIGNED_CHAR
                || t.encoding() == Dw.ATE_BOOLEAN);
        return switch (op) {
            case Dw.OP_AND -> typed(a & b, t);
            case Dw.OP_OR -> typed(a | b, t);
            case Dw.OP_XOR -> typed(a ^ b, t);
            case Dw.OP_PLUS -> typed(a + b, t);
            case Dw.OP_MINUS -> typed(a - b, t);
            case Dw.OP_MUL -> typed(a * b, t);
            case Dw.OP_DIV -> {
                if (b == 0) throw new Failure("Division by zero");
                yield typed(unsigned ? Long.divideUnsigned(a, b) : a / b, t);
            }
            case Dw.OP_MOD -> {
                if (b == 0) throw new Failure("Division by zero");
                // DWARF's generic type is unsigned for DW_OP_mod (gdb: "the generic type is unsigned")
                yield typed(t == null || unsigned ? Long.remainderUnsigned(a, b) : a % b, t);
            }
            case Dw.OP_SHL -> typed(b >= 64 || b < 0 ? 0 : a << b, t);
            case Dw.OP_SHR -> typed(b >= 64 || b < 0 ? 0 : a >>> b, t);
            case Dw.OP_SHRA -> typed(b >= 64 || b < 0 ? (a < 0 ? -1 : 0) : a >> b, t);
            case Dw.OP_EQ -> Entry.of(a == b ? 1 : 0);
            case Dw.OP_NE -> Entry.of(a != b ? 1 : 0);
            case Dw.OP_LT -> Entry.of((unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) < 0 ? 1 : 0);
            case Dw.OP_LE -> Entry.of((unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? 1 : 0);
            case Dw.OP_GT -> Entry.of((unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) > 0 ? 1 : 0);
            case Dw.OP_GE -> Entry.of((unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? 1 : 0);
            default -> throw new Failure("Bad DWARF operation");
        };
    }

    static long bytesToLong(byte[] b) {
        long v = 0;
        for (int i = Math.min(8, b.length) - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
        return v;
    }

    static byte[] longToBytes(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
