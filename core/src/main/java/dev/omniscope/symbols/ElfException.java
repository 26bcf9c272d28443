package dev.omniscope.symbols;

import java.io.IOException;

/** An ELF file that cannot be opened or read; the message names the file and the reason. */
public class ElfException extends IOException {
    public ElfException(String message) {
        super(message);
    }
}
