package dev.omniscope.recorder.ptrace;

import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/** The few libc calls the recorder makes directly. */
public interface LibC {
    int __WALL = 0x40000000;
    int WNOHANG = 1;

    @SaveError
    int waitpid(int pid, @Out int[] status, int options);

    @SaveError
    int kill(int pid, int signal);

    String strerror(int errno);
}
