package dev.omniscope.values;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.values.FrameContext.UnreadableMemory;

/**
 * A typed value, gdb's {@code struct value}: contents in memory (read lazily, in chunks, so
 * that a big array costs what is shown of it), or known bytes (a register, a computed value, a
 * constant) of which some may be optimized out; or wholly optimized out, unreadable, or a
 * synthetic pointer. Members and elements are values of their own.
 */
final class Value {
    private static final int CHUNK = 4096;

    final Types types;
    /** The declared type (typedefs and qualifiers kept); null for void. */
    final DebugType type;
    /** Run-time address when an lvalue in memory, else null. */
    final Long address;
    private final FrameContext memory;
    private final byte[] bytes;
    private final BitSet unavailable;
    /** Why the contents cannot be shown: gdb's error text; null when they can. */
    final String error;
    final boolean optimizedOut;
    final boolean synthetic;
    /** Page-aligned chunks of memory already read, shared by a value and its parts. */
    private final Map<Long, byte[]> chunks;

    private Value(Types types, DebugType type, Long address, FrameContext memory, byte[] bytes, BitSet unavailable,
                  String error, boolean optimizedOut, boolean synthetic) {
        this(types, type, address, memory, bytes, unavailable, error, optimizedOut, synthetic, new HashMap<>());
    }

    private Value(Types types, DebugType type, Long address, FrameContext memory, byte[] bytes, BitSet unavailable,
                  String error, boolean optimizedOut, boolean synthetic, Map<Long, byte[]> chunks) {
        this.chunks = chunks;
        this.types = types;
        this.type = type;
        this.address = address;
        this.memory = memory;
        this.bytes = bytes;
        this.unavailable = unavailable;
        this.error = error;
        this.optimizedOut = optimizedOut;
        this.synthetic = synthetic;
    }

    static Value inMemory(Types types, DebugType type, long address, FrameContext memory) {
        return new Value(types, type, address, memory, null, null, null, false, false);
    }

    /** Known contents; {@code unavailable} marks optimized-out bytes (null: none). */
    static Value ofBytes(Types types, DebugType type, byte[] bytes, BitSet unavailable, FrameContext memory) {
        long size = types.size(type);
        byte[] b = bytes;
        BitSet u = unavailable == null ? null : (BitSet) unavailable.clone();
        if (size > 0 && size < (1 << 20) && b.length < size) {
            b = Arrays.copyOf(bytes, (int) size);
            if (u == null) u = new BitSet();
            u.set(bytes.length, (int) size);
        }
        return new Value(types, type, null, memory, b, u == null || u.isEmpty() ? null : u, null, false, false);
    }

    static Value ofLong(Types types, DebugType type, long v, FrameContext memory) {
        int size = (int) Math.max(1, Math.min(16, types.size(type)));
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i < 8 ? v >>> (8 * i) : (v < 0 && types.isSigned(types.strip(type)) ? -1 : 0));
        return ofBytes(types, type, b, null, memory);
    }

    static Value optimizedOut(Types types, DebugType type) {
        return new Value(types, type, null, null, null, null, null, true, false);
    }

    static Value failed(Types types, DebugType type, String message, Long address) {
        return new Value(types, type, address, null, null, null, message, false, false);
    }

    static Value syntheticPointer(Types types, DebugType type) {
        return new Value(types, type, null, null, null, null, null, false, true);
    }

    /** What a synthetic pointer points to (DW_OP_implicit_pointer: a variable's DIE and an offset in it), or null. */
    Location.ImplicitPointer pointsTo;

    static Value syntheticPointer(Types types, DebugType type, Location.ImplicitPointer target) {
        Value v = syntheticPointer(types, type);
        v.pointsTo = target;
        return v;
    }

    FrameContext context() {
        return memory;
    }

    DebugType stripped() {
        return types.strip(type);
    }

    long size() {
        return types.size(type);
    }

    /** Whether the contents exist (neither optimized out, failed nor synthetic). */
    boolean hasContents() {
        return !optimizedOut && error == null && !synthetic;
    }

    /** Whether any of bytes [offset, offset+length) is optimized out. */
    boolean anyOptimizedOut(long offset, long length) {
        if (optimizedOut) return true;
        if (unavailable == null) return false;
        int next = unavailable.nextSetBit((int) Math.max(0, offset));
        return next >= 0 && next < offset + length;
    }

    /** Bytes [offset, offset+length) of the contents. */
    byte[] read(long offset, int length) throws UnreadableMemory {
        if (bytes != null) {
            byte[] out = new byte[length];
            if (offset < bytes.length) System.arraycopy(bytes, (int) offset, out, 0, (int) Math.min(length, bytes.length - offset));
            return out;
        }
        if (address == null || memory == null) throw new UnreadableMemory(0);
        long start = address + offset;
        if (length > 4 * CHUNK) return memory.read(start, length);
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long a = start + done;
            long chunkStart = a & -CHUNK;
            byte[] chunk = chunks.get(chunkStart);
            if (chunk == null) {
                try {
                    chunk = memory.read(chunkStart, CHUNK);
                } catch (UnreadableMemory e) {
                    return memory.read(start, length); // a partly readable page: the exact range may still be
                }
                if (chunks.size() > 256) chunks.clear();
                chunks.put(chunkStart, chunk);
            }
            int from = (int) (a - chunkStart);
            int n = Math.min(length - done, CHUNK - from);
            System.arraycopy(chunk, from, out, done, n);
            done += n;
        }
        return out;
    }

    /** The contents as an unsigned little-endian integer of up to 8 bytes. */
    long readLong(long offset, int length) throws UnreadableMemory {
        return LocationEvaluator.bytesToLong(read(offset, length));
    }

    BigInteger readBig(long offset, int length, boolean signed) throws UnreadableMemory {
        byte[] le = read(offset, length);
        byte[] be = new byte[length];
        for (int i = 0; i < length; i++) be[i] = le[length - 1 - i];
        return signed ? new BigInteger(be) : new BigInteger(1, be);
    }

    /** A part of this value at a byte offset: a member, an element, a base class subobject. */
    Value part(long offset, DebugType partType) {
        if (optimizedOut) return optimizedOut(types, partType);
        if (synthetic) return syntheticPointer(types, partType);
        if (error != null) return failed(types, partType, error, address == null ? null : address + offset);
        if (bytes == null) {
            return new Value(types, partType, address + offset, memory, null, null, null, false, false, chunks);
        }
        long size = types.size(partType);
        byte[] b = new byte[(int) Math.max(0, size)];
        if (offset < bytes.length) System.arraycopy(bytes, (int) offset, b, 0, (int) Math.min(size, bytes.length - offset));
        BitSet u = null;
        if (unavailable != null || offset + size > bytes.length) {
            u = new BitSet();
            for (int i = 0; i < size; i++) {
                if (offset + i >= bytes.length || (unavailable != null && unavailable.get((int) (offset + i)))) u.set(i);
            }
        }
        return ofBytes(types, partType, b, u, memory);
    }

    /** A bit field: {@code bitSize} bits at {@code bitOffset} from this value's start, sign-extended when its type is signed. */
    Value bits(long bitOffset, int bitSize, DebugType fieldType) {
        if (!hasContents()) return part(bitOffset / 8, fieldType);
        long first = bitOffset / 8, last = (bitOffset + bitSize - 1) / 8;
        if (anyOptimizedOut(first, last - first + 1)) return optimizedOut(types, fieldType);
        try {
            byte[] b = read(first, (int) (last - first + 1));
            BigInteger raw = BigInteger.ZERO;
            for (int i = b.length - 1; i >= 0; i--) raw = raw.shiftLeft(8).or(BigInteger.valueOf(b[i] & 0xff));
            long v = raw.shiftRight((int) (bitOffset % 8)).longValue();
            if (bitSize < 64) {
                v &= (1L << bitSize) - 1;
                DebugType s = types.strip(fieldType);
                if (s != null && Types.isIntegral(s) && types.isSigned(s) && (v & (1L << (bitSize - 1))) != 0) v |= -1L << bitSize;
            }
            return ofLong(types, fieldType, v, memory);
        } catch (UnreadableMemory e) {
            return failed(types, fieldType, e.getMessage(), null);
        }
    }

    /** The same contents seen as another type (a cast between same-size types, a reference's referent). */
    Value withType(DebugType newType) {
        return new Value(types, newType, address, memory, bytes, unavailable, error, optimizedOut, synthetic, chunks);
    }

    /** The contents of the whole value, for comparing array elements (null when not available). */
    byte[] contents() {
        if (!hasContents()) return null;
        long size = size();
        if (size <= 0 || size > (1 << 24)) return null;
        try {
            return read(0, (int) size);
        } catch (UnreadableMemory e) {
            return null;
        }
    }

    /** Whether two element values compare equal for gdb's repeat detection (contents and availability). */
    boolean sameContents(Value other) {
        if (optimizedOut && other.optimizedOut) return true;
        if (!hasContents() || !other.hasContents()) return false;
        long size = size();
        if (anyOptimizedOut(0, size) || other.anyOptimizedOut(0, size)) {
            return anyOptimizedOut(0, size) == other.anyOptimizedOut(0, size) && Arrays.equals(contents(), other.contents())
                    && java.util.Objects.equals(unavailable, other.unavailable);
        }
        byte[] a = contents(), b = other.contents();
        return a != null && Arrays.equals(a, b);
    }
}
