package dev.omniscope.indexer.emu;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * jnr-ffi binding of native/replay/emu.h (libomnireplay.so); see that file for the contracts.
 * Use {@link Emulator}, which owns the handle and turns error codes into exceptions. Register ids
 * (OMNI_R15..., OMNI_REG_*) are {@link dev.omniscope.trace.Registers}'; the layouts of struct
 * omni_trace and struct omni_stop come from the library ({@link StructLayout}).
 */
public interface EmuNative {
    int OMNI_EINVAL = -1;
    int OMNI_ENOMEM = -2;
    int OMNI_EFAULT = -3;
    int OMNI_EUNICORN = -4;
    int OMNI_ESTATE = -5;
    int OMNI_ELIMIT = -6;
    int OMNI_ERANGE = -7;

    int OMNI_PROT_READ = 1;
    int OMNI_PROT_WRITE = 2;
    int OMNI_PROT_EXEC = 4;
    int OMNI_MAP_SHARED = 1;

    int OMNI_CPUID_SUBLEAF = 1;

    int OMNI_STOP_SYSCALL = 1;
    int OMNI_STOP_ADDRESS = 2;
    int OMNI_STOP_FINGERPRINT = 3;
    int OMNI_STOP_BUFFER_FULL = 4;
    int OMNI_STOP_LIMIT = 5;
    int OMNI_STOP_INVALID_INSN = 6;
    int OMNI_STOP_MEM_FAULT = 7;
    int OMNI_STOP_INTERRUPT = 8;
    int OMNI_STOP_ERROR = 9;
    int OMNI_STOP_NONDET = 10;

    int OMNI_FAULT_READ = 1;
    int OMNI_FAULT_WRITE = 2;
    int OMNI_FAULT_FETCH = 3;
    int OMNI_FAULT_PROT = 4;

    int OMNI_NONDET_RDTSC = 1;
    int OMNI_NONDET_RDTSCP = 2;
    int OMNI_NONDET_RDRAND = 3;
    int OMNI_NONDET_RDSEED = 4;

    int OMNI_TRACE_BLOCKS = 1;
    int OMNI_TRACE_MEM = 2;
    int OMNI_TRACE_REGS = 4;
    int OMNI_TRACE_CONTROL = 8;
    int OMNI_TRACE_MARGIN = 256;
    int OMNI_TRACE_MIN_CAPACITY = 4 * OMNI_TRACE_MARGIN;

    int OMNI_CTL_CALL = 1;
    int OMNI_CTL_RET = 2;

    int OMNI_LAYOUT_TRACE = 1;
    int OMNI_LAYOUT_STOP = 2;

    String omni_emu_strerror(int err);

    Pointer omni_emu_new();
    void omni_emu_free(Pointer e);
    Pointer omni_emu_fork(Pointer parent);
    int omni_emu_last_uc_err(Pointer e);

    int omni_emu_map(Pointer e, long addr, long len, int prot, int flags);
    int omni_emu_unmap(Pointer e, long addr, long len);
    int omni_emu_protect(Pointer e, long addr, long len, int prot);
    int omni_emu_remap(Pointer e, long oldAddr, long oldLen, long newAddr, long newLen);
    int omni_emu_write(Pointer e, long addr, @In byte[] buf, long len);
    int omni_emu_read(Pointer e, long addr, @Out byte[] buf, long len);
    int omni_emu_mappings(Pointer e, @Out long[] out, int max);

    int omni_emu_get_regs(Pointer e, @Out long[] r);
    int omni_emu_set_regs(Pointer e, @In long[] r);
    int omni_emu_set_regs_at(Pointer e, @In long[] r, long step);
    int omni_emu_retire(Pointer e, @In long[] r);
    int omni_emu_get_fpregs(Pointer e, @Out byte[] fx);
    int omni_emu_set_fpregs(Pointer e, @In byte[] fx);

    int omni_emu_set_cpuid(Pointer e, @In int[] rows, int n);

    /** @param out struct omni_stop ({@link Stop#decode}) */
    int omni_emu_run(Pointer e, long maxSteps, @Out byte[] out);
    int omni_emu_set_stop_address(Pointer e, long addr);
    /** @param r {@link dev.omniscope.trace.Registers#COUNT} registers, or null to clear */
    int omni_emu_set_fingerprint(Pointer e, @In long[] r);

    int omni_emu_set_fingerprint_limit(Pointer e, long maxHits);

    Pointer omni_emu_trace(Pointer e);
    int omni_emu_trace_enable(Pointer e, int flags, long capacity);
    int omni_emu_trace_clear(Pointer e);
    int omni_emu_trace_flush(Pointer e);
    long omni_emu_get_step(Pointer e);
    void omni_emu_set_step(Pointer e, long step);
    int omni_emu_write_at(Pointer e, long addr, @In byte[] buf, long len, long step, long rip);

    int omni_emu_layout_size(int which);
    /** @return the field's name, null past the last field; offset and size: one int each */
    String omni_emu_layout_field(int which, int i, @Out int[] offset, @Out int[] size);

    int omni_emu_direct_regs(Pointer e, int mode);

    int omni_disasm(@In byte[] code, int len, long addr, @Out byte[] out, int outlen);

    int OMNI_INSN_HEADER = 7;
    int OMNI_INSN_OPERAND = 14;
    int OMNI_INSN_REG = 4;
    int OMNI_INSN_MAX = OMNI_INSN_HEADER + 8 * OMNI_INSN_OPERAND + 64 * OMNI_INSN_REG;
    int OMNI_INSN_TEXT_MAX = 200;
    int OMNI_INSN_OP_REG = 1;
    int OMNI_INSN_OP_IMM = 2;
    int OMNI_INSN_OP_MEM = 3;
    int OMNI_INSN_READ = 1;
    int OMNI_INSN_WRITE = 2;
    int OMNI_INSN_REP = 1;
    int OMNI_INSN_REPNE = 2;
    int OMNI_INSN_LOCK = 4;

    /**
     * @param out  OMNI_INSN_MAX int64s of native memory: the layout of emu.h ({@link InstructionDecoder} reads it)
     * @param text OMNI_INSN_TEXT_MAX bytes of native memory: "mnemonic\toperands"
     */
    int omni_insn_decode(@In byte[] code, int len, long addr, Pointer out, int outlen, Pointer text, int textlen);
    String omni_insn_reg_name(int reg);
}
