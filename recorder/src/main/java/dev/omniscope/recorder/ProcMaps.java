package dev.omniscope.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** /proc/PID/maps, parsed. */
final class ProcMaps {
    record Entry(long start, long end, int prot, boolean shared, long offset, long inode, String path) {
        boolean fileBacked() {
            return inode != 0 && !path.isEmpty() && !path.startsWith("[");
        }
    }

    private ProcMaps() {}

    static List<Entry> read(int pid) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            entries.add(parse(line));
        }
        return entries;
    }

    static Entry parse(String line) {
        // 7ffff7fc1000-7ffff7fc5000 r--p 00000000 00:00 0          [vvar]
        String[] f = line.trim().split("\\s+", 6);
        String[] range = f[0].split("-");
        String perms = f[1];
        int prot = (perms.charAt(0) == 'r' ? 1 : 0) | (perms.charAt(1) == 'w' ? 2 : 0) | (perms.charAt(2) == 'x' ? 4 : 0);
        String path = f.length > 5 ? f[5] : "";
        return new Entry(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16), prot,
                perms.charAt(3) == 's', Long.parseUnsignedLong(f[2], 16), Long.parseLong(f[4]), path);
    }
}
