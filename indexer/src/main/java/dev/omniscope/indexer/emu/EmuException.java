package dev.omniscope.indexer.emu;

/** An emulator call failed; {@link #code()} is the native OMNI_E* code. */
public final class EmuException extends RuntimeException {
    private final int code;

    EmuException(String message, int code) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
