package dev.omniscope.indexer.emu;

import java.util.HashMap;
import java.util.Map;

/**
 * The layout of a struct that Java reads from libomnireplay's memory (struct omni_trace, struct
 * omni_stop) as the library reports it: computed there with sizeof and offsetof
 * (omni_emu_layout_size, omni_emu_layout_field), so that native/replay/emu.h is the only place it
 * is written down. Read once, when the class that uses it is initialised.
 */
final class StructLayout {
    private record Field(int offset, int size) {}

    private final String struct;
    private final int size;
    private final Map<String, Field> fields = new HashMap<>();

    /** @param which EmuNative.OMNI_LAYOUT_*; {@code struct} names it in messages */
    StructLayout(EmuNative lib, int which, String struct) {
        this.struct = struct;
        this.size = lib.omni_emu_layout_size(which);
        if (size <= 0) throw new IllegalStateException("libomnireplay does not describe struct " + struct);
        int[] offset = new int[1], width = new int[1];
        for (int i = 0; ; i++) {
            String name = lib.omni_emu_layout_field(which, i, offset, width);
            if (name == null) break;
            fields.put(name, new Field(offset[0], width[0]));
        }
    }

    /** sizeof the struct. */
    int size() {
        return size;
    }

    /** The byte offset of a field, which must be {@code size} bytes wide (8 for a column's pointer). */
    int offset(String name, int size) {
        Field f = fields.get(name);
        if (f == null) throw new IllegalStateException("struct " + struct + " of libomnireplay has no field " + name);
        if (f.size() != size) {
            throw new IllegalStateException(
                    "struct " + struct + "'s " + name + " is " + f.size() + " bytes in libomnireplay, not " + size);
        }
        return f.offset();
    }
}
