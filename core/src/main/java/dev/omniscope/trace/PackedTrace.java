package dev.omniscope.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A whole trace in one file: a POSIX ustar archive of the trace's entries (already compressed, so
 * the archive is not). The reader is strict, because packed traces are what users upload: only
 * regular files with plain relative names, no links or devices, sizes within the file, checksums
 * right, no duplicates.
 */
public final class PackedTrace implements TraceStorage {
    private static final int BLOCK = 512;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final int MAX_ENTRIES = 1_000_000;

    private record Entry(long offset, long size) {}

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries;

    private PackedTrace(Path file, FileChannel channel, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
    }

    /** Opens and checks a packed trace; a file that is not one is a {@link TraceFormatException}. */
    public static PackedTrace open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new PackedTrace(file, channel, index(channel, file));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, Entry> index(FileChannel channel, Path file) throws IOException {
        long length = channel.size();
        Map<String, Entry> entries = new LinkedHashMap<>();
        ByteBuffer header = ByteBuffer.allocate(BLOCK);
        long pos = 0;
        while (true) {
            header.clear();
            if (pos + BLOCK > length) {
                if (entries.isEmpty()) throw new TraceFormatException(file + " is not a packed trace (too short)");
                throw new TraceFormatException(file + " is truncated: it ends inside an archive header");
            }
            readFully(channel, header, pos);
            byte[] h = header.array();
            if (allZero(h)) break; // end-of-archive marker
            if (!"ustar".equals(field(h, 257, 5))) {
                throw new TraceFormatException(file + " is not a packed trace (no ustar header at byte " + pos + ")");
            }
            if (checksum(h) != octal(h, 148, 8, file)) throw new TraceFormatException(file + " is damaged: header checksum mismatch at byte " + pos);
            String name = field(h, 0, 100);
            String prefix = field(h, 345, 155);
            if (!prefix.isEmpty()) name = prefix + "/" + name;
            char type = (char) h[156];
            long size = octal(h, 124, 12, file);
            if (type == '5') { // directories carry no data and are implied by file names
                pos += BLOCK;
                continue;
            }
            if (type != '0' && type != '\0') {
                throw new TraceFormatException(file + ": entry " + name + " is " + describeType(type) + "; a packed trace holds only regular files");
            }
            if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
                throw new TraceFormatException(file + ": entry name '" + name + "' is not allowed (absolute, '..', or unusual characters)");
            }
            long dataStart = pos + BLOCK;
            if (size < 0 || dataStart + size > length) throw new TraceFormatException(file + " is truncated: entry " + name + " ends past the end of the file");
            if (entries.put(name, new Entry(dataStart, size)) != null) throw new TraceFormatException(file + ": entry " + name + " appears twice");
            if (entries.size() > MAX_ENTRIES) throw new TraceFormatException(file + " has too many entries");
            pos = dataStart + (size + BLOCK - 1) / BLOCK * BLOCK;
        }
        if (!entries.containsKey(Trace.HEADER)) throw new TraceFormatException(file + " is not a packed trace (no " + Trace.HEADER + ")");
        return entries;
    }

    private static String describeType(char type) {
        return switch (type) {
            case '1' -> "a hard link";
            case '2' -> "a symbolic link";
            case '3', '4' -> "a device";
            case '6' -> "a FIFO";
            default -> "of type '" + type + "'";
        };
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) throw new TraceFormatException("unexpected end of file");
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.US_ASCII);
    }

    private static long octal(byte[] h, int off, int len, Path file) {
        String s = field(h, off, len).trim();
        if (s.isEmpty()) return 0;
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(file + " is damaged: bad number '" + s + "' in an archive header");
        }
    }

    private static long checksum(byte[] h) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        return sum;
    }

    @Override
    public boolean has(String entry) {
        return entries.containsKey(entry);
    }

    @Override
    public InputStream open(String entry) throws IOException {
        Entry e = entries.get(entry);
        if (e == null) throw new java.io.FileNotFoundException(entry + " in " + file);
        // A view of the region; positional reads, so several entries may be open at once.
        return new InputStream() {
            private long pos = e.offset;
            private final long end = e.offset + e.size;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= end) return -1;
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
                if (n > 0) pos += n;
                return n;
            }
        };
    }

    @Override
    public long size(String entry) {
        Entry e = entries.get(entry);
        if (e == null) throw new TraceFormatException("no " + entry + " in " + file);
        return e.size;
    }

    @Override
    public List<String> entries() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Packs every entry of {@code source} into {@code target}, atomically (a temporary file renamed at the end). */
    public static void write(TraceStorage source, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try (OutputStream out = Channels.newOutputStream(FileChannel.open(partial, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
            byte[] buffer = new byte[1 << 16];
            for (String name : source.entries()) {
                long size = source.size(name);
                out.write(header(name, size));
                long copied = 0;
                try (InputStream in = source.open(name)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        out.write(buffer, 0, n);
                        copied += n;
                    }
                }
                if (copied != size) throw new IOException(name + " changed while it was being packed");
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                out.write(new byte[pad]);
            }
            out.write(new byte[2 * BLOCK]);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static byte[] header(String name, long size) {
        byte[] h = new byte[BLOCK];
        String prefix = "";
        if (name.length() > 100) {
            int slash = name.lastIndexOf('/', name.length() - 1);
            while (slash > 0 && name.length() - slash - 1 > 100) slash = name.lastIndexOf('/', slash - 1);
            if (slash <= 0 || slash > 155) throw new IllegalArgumentException("entry name too long for ustar: " + name);
            prefix = name.substring(0, slash);
            name = name.substring(slash + 1);
        }
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        if (size >= 1L << 33) throw new IllegalArgumentException(name + " is too large for ustar (8 GiB)");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        put(h, 345, prefix);
        put(h, 148, String.format("%06o", checksum(h)));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
