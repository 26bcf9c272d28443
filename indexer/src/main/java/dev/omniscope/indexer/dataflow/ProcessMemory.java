package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.indexer.dataflow.FileDescriptors.Piece;
import dev.omniscope.indexer.query.MemoryView;

/**
 * What the descriptor model reads from a process's memory at a step (through {@link MemoryView}):
 * integers, C strings, iovec arrays, socket addresses. Arguments a call reads are read at its step;
 * what its kernel wrote, at step + 1.
 */
final class ProcessMemory {
    /** Linux's UIO_MAXIOV: no call takes more iovecs. */
    static final int MAX_IOV = 1024;
    private static final int MAX_STRING = 4096;

    /** A value computed on first use (a path read from memory, say), then kept. */
    interface Lazy<T> {
        T get() throws IOException;

        static <T> Lazy<T> of(T value) {
            return () -> value;
        }

        static <T> Lazy<T> memo(Lazy<T> compute) {
            return new Lazy<>() {
                private boolean done;
                private T value;

                @Override
                public synchronized T get() throws IOException {
                    if (!done) {
                        value = compute.get();
                        done = true;
                    }
                    return value;
                }
            };
        }
    }

    private final MemoryView memory;

    ProcessMemory(MemoryView memory) {
        this.memory = memory;
    }

    ByteBuffer bytes(int pid, long address, int length, long step) throws IOException {
        return ByteBuffer.wrap(memory.read(pid, address, length, Math.max(step, 0)).data()).order(ByteOrder.LITTLE_ENDIAN);
    }

    long u64(int pid, long address, long step) throws IOException {
        return bytes(pid, address, 8, step).getLong(0);
    }

    /** The NUL-terminated string at {@code address} (up to 4 KiB), or null for NULL. */
    String string(int pid, long address, long step) throws IOException {
        if (address == 0) return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int read = 0; read < MAX_STRING; read += 256) {
            byte[] b = memory.read(pid, address + read, 256, Math.max(step, 0)).data();
            for (byte c : b) {
                if (c == 0) return out.toString(StandardCharsets.UTF_8);
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The first {@code total} bytes of the {@code count} iovecs at {@code iov}, as they were at {@code step}, in order. */
    List<Piece> iovecs(int pid, long iov, long count, long total, long step) throws IOException {
        List<Piece> pieces = new ArrayList<>();
        int n = (int) Math.min(Math.max(count, 0), MAX_IOV);
        if (n == 0 || total <= 0) return pieces;
        ByteBuffer b = bytes(pid, iov, 16 * n, step);
        for (int i = 0; i < n && total > 0; i++) {
            long len = Math.min(b.getLong(16 * i + 8), total);
            if (len > 0) pieces.add(new Piece(b.getLong(16 * i), len));
            total -= len;
        }
        return pieces;
    }

    /** The socket address of {@code length} bytes at {@code address} (at {@code step}), as people write it; null when there is none. */
    String sockaddr(int pid, long address, long length, long step) throws IOException {
        if (address == 0 || length < 2) return null;
        ByteBuffer b = bytes(pid, address, (int) Math.min(length, 128), step);
        int family = Short.toUnsignedInt(b.getShort(0));
        int port = length >= 4 ? Short.toUnsignedInt(Short.reverseBytes(b.getShort(2))) : 0;
        switch (family) {
            case 1 -> { // AF_UNIX: a path, "@name" for the abstract namespace, "" when unnamed
                if (length <= 2) return "unix:(unnamed)";
                boolean abstractName = b.get(2) == 0;
                StringBuilder sb = new StringBuilder(abstractName ? "unix:@" : "unix:");
                for (int i = abstractName ? 3 : 2; i < b.limit() && (abstractName || b.get(i) != 0); i++) {
                    sb.append((char) (b.get(i) & 0xff));
                }
                return sb.toString();
            }
            case 2 -> { // AF_INET
                if (length < 8) return null;
                return (b.get(4) & 0xff) + "." + (b.get(5) & 0xff) + "." + (b.get(6) & 0xff) + "." + (b.get(7) & 0xff) + ":" + port;
            }
            case 10 -> { // AF_INET6
                if (length < 24) return null;
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < 8; i++) {
                    if (i > 0) sb.append(':');
                    sb.append(Integer.toHexString(Short.toUnsignedInt(Short.reverseBytes(b.getShort(8 + 2 * i)))));
                }
                return sb.append("]:").append(port).toString();
            }
            default -> {
                return "family " + family;
            }
        }
    }

    /** {@code path} against the directory {@code dir} (null: unknown, and then a relative path stays as given). */
    static String resolve(String dir, String path) {
        if (path == null || path.startsWith("/") || dir == null) return path;
        StringBuilder sb = new StringBuilder(dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir);
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            sb.append('/').append(part); // ".." stays: a symbolic link may be on the way
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }
}
