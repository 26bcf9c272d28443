package dev.omniscope.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes ustar archives by hand, for the tests of every module that feed packed traces (good and
 * hostile) to a reader: entries of any type flag, names PackedTrace would refuse, any content.
 */
public final class Tar {
    private Tar() {}

    /**
     * Writes {@code file}: entries are triples (name, type flag as a char, content as a String or a
     * byte[]), then the two zero blocks that end an archive.
     */
    public static Path write(Path file, Object... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < entries.length; i += 3) {
            String name = (String) entries[i];
            char type = (Character) entries[i + 1];
            byte[] data = entries[i + 2] instanceof byte[] b ? b : ((String) entries[i + 2]).getBytes(StandardCharsets.UTF_8);
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, "00000000000");
            h[156] = (byte) type;
            put(h, 257, "ustar");
            put(h, 263, "00");
            long sum = 0;
            for (int j = 0; j < 512; j++) sum += (j >= 148 && j < 156) ? ' ' : (h[j] & 0xff);
            put(h, 148, String.format("%06o", sum));
            h[155] = ' ';
            out.write(h);
            out.write(data);
            out.write(new byte[(512 - data.length % 512) % 512]);
        }
        out.write(new byte[1024]);
        return Files.write(file, out.toByteArray());
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
