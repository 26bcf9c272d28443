// Emulator lifecycle, registers, CPUID table and disassembly (see emu.h). The memory map is in
// emu_mem.c, decoding in emu_decode.c, the trace tables in emu_trace.c, hooks and runs in emu_run.c.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

const int emu_uc_reg[OMNI_NREGS] = {
    [OMNI_R15] = UC_X86_REG_R15, [OMNI_R14] = UC_X86_REG_R14, [OMNI_R13] = UC_X86_REG_R13,
    [OMNI_R12] = UC_X86_REG_R12, [OMNI_RBP] = UC_X86_REG_RBP, [OMNI_RBX] = UC_X86_REG_RBX,
    [OMNI_R11] = UC_X86_REG_R11, [OMNI_R10] = UC_X86_REG_R10, [OMNI_R9] = UC_X86_REG_R9,
    [OMNI_R8] = UC_X86_REG_R8, [OMNI_RAX] = UC_X86_REG_RAX, [OMNI_RCX] = UC_X86_REG_RCX,
    [OMNI_RDX] = UC_X86_REG_RDX, [OMNI_RSI] = UC_X86_REG_RSI, [OMNI_RDI] = UC_X86_REG_RDI,
    [OMNI_ORIG_RAX] = -1, [OMNI_RIP] = UC_X86_REG_RIP, [OMNI_CS] = -1,
    [OMNI_EFLAGS] = UC_X86_REG_RFLAGS, [OMNI_RSP] = UC_X86_REG_RSP, [OMNI_SS] = -1,
    [OMNI_FS_BASE] = UC_X86_REG_FS_BASE, [OMNI_GS_BASE] = UC_X86_REG_GS_BASE,
    [OMNI_DS] = -1, [OMNI_ES] = -1, [OMNI_FS] = -1, [OMNI_GS] = -1,
};

const char *omni_emu_strerror(int err) {
    switch (err) {
    case 0: return "ok";
    case OMNI_EINVAL: return "invalid argument (misaligned, empty or out of range)";
    case OMNI_ENOMEM: return "out of memory";
    case OMNI_EFAULT: return "address range not mapped";
    case OMNI_EUNICORN: return "the Unicorn engine refused the operation";
    case OMNI_ESTATE: return "operation not allowed in the emulator's current state";
    case OMNI_ELIMIT: return "more separate mappings than the emulator can hold (about 4,000)";
    case OMNI_ERANGE: return "output buffer too small";
    default: return "unknown error";
    }
}

int omni_emu_last_uc_err(omni_emu *e) { return e->last_uc_err; }

int emu_uc_fail(omni_emu *e, uc_err err) {
    e->last_uc_err = err;
    return err == UC_ERR_NOMEM ? OMNI_ENOMEM : OMNI_EUNICORN;
}

// ---- Registers -------------------------------------------------------------------------------

static bool is_extra(int i) {
    return i == OMNI_ORIG_RAX || i == OMNI_CS || i == OMNI_SS || i == OMNI_DS || i == OMNI_ES ||
           i == OMNI_FS || i == OMNI_GS;
}

int omni_emu_get_regs(omni_emu *e, uint64_t r[OMNI_NREGS]) {
    for (int i = 0; i < OMNI_NREGS; i++) {
        if (is_extra(i)) {
            r[i] = e->extra[i];
            continue;
        }
        r[i] = 0;
        uc_err err = uc_reg_read(e->uc, emu_uc_reg[i], &r[i]);
        if (err) return emu_uc_fail(e, err);
    }
    return 0;
}

static int write_regs(omni_emu *e, const uint64_t r[OMNI_NREGS]) {
    for (int i = 0; i < OMNI_NREGS; i++) {
        if (is_extra(i)) {
            e->extra[i] = r[i];
            continue;
        }
        uc_err err = uc_reg_write(e->uc, emu_uc_reg[i], &r[i]);
        if (err) return emu_uc_fail(e, err);
    }
    e->shadow_valid = false;
    return 0;
}

int omni_emu_set_regs(omni_emu *e, const uint64_t r[OMNI_NREGS]) {
    emu_settle_pending(e);
    emu_end_block(e);
    return write_regs(e, r);
}

// Register rows at `step` for every traced register that r changes.
static int diff_rows(omni_emu *e, const uint64_t r[OMNI_NREGS], uint64_t step) {
    if (!(e->trace.flags & OMNI_TRACE_REGS)) return 0;
    uint64_t cur[OMNI_NREGS];
    int rc = omni_emu_get_regs(e, cur);
    if (rc) return rc;
    for (int i = 0; i < OMNI_NREGS; i++) {
        if (!is_extra(i) && i != OMNI_RIP && cur[i] != r[i]) emu_reg_row(e, step, i, r[i], 0);
    }
    return 0;
}

int omni_emu_set_regs_at(omni_emu *e, const uint64_t r[OMNI_NREGS], uint64_t step) {
    emu_settle_pending(e);
    emu_end_block(e);
    int rc = diff_rows(e, r, step);
    return rc ? rc : write_regs(e, r);
}

int omni_emu_retire(omni_emu *e, const uint64_t r[OMNI_NREGS]) {
    emu_settle_pending(e);
    uint64_t rip = 0;
    uc_reg_read(e->uc, UC_X86_REG_RIP, &rip);
    int rc = diff_rows(e, r, e->trace.step);
    if (rc || (rc = write_regs(e, r))) return rc;
    if (e->trace.flags & OMNI_TRACE_BLOCKS) {
        if (!e->blk_open || rip != e->blk_next) {
            emu_end_block(e);
            e->blk_open = true;
            e->blk_step = e->trace.step;
            e->blk_rip = rip;
            e->blk_insns = 0;
        }
        e->blk_insns++;
        e->blk_next = r[OMNI_RIP];
    }
    e->trace.step++;
    return 0;
}

// Unicorn reports the x87 tag word in full (2 bits per physical register, 11 = empty); fxsave
// keeps one bit per register, set when not empty.
int omni_emu_get_fpregs(omni_emu *e, uint8_t fx[512]) {
    memset(fx, 0, 512);
    uint64_t fcw = 0, fsw = 0, ftag = 0, fop = 0, fip = 0, fdp = 0, mxcsr = 0;
    uc_reg_read(e->uc, UC_X86_REG_FPCW, &fcw);
    uc_reg_read(e->uc, UC_X86_REG_FPSW, &fsw);
    uc_reg_read(e->uc, UC_X86_REG_FPTAG, &ftag);
    uc_reg_read(e->uc, UC_X86_REG_FOP, &fop);
    uc_reg_read(e->uc, UC_X86_REG_FIP, &fip);
    uc_reg_read(e->uc, UC_X86_REG_FDP, &fdp);
    uc_err err = uc_reg_read(e->uc, UC_X86_REG_MXCSR, &mxcsr);
    if (err) return emu_uc_fail(e, err);
    uint16_t w16;
    w16 = fcw; memcpy(fx + 0, &w16, 2);
    w16 = fsw; memcpy(fx + 2, &w16, 2);
    uint8_t abridged = 0;
    for (int i = 0; i < 8; i++)
        if (((ftag >> (2 * i)) & 3) != 3) abridged |= 1 << i;
    fx[4] = abridged;
    w16 = fop; memcpy(fx + 6, &w16, 2);
    memcpy(fx + 8, &fip, 8);
    memcpy(fx + 16, &fdp, 8);
    uint32_t w32 = mxcsr;
    memcpy(fx + 24, &w32, 4);
    w32 = 0xffff;
    memcpy(fx + 28, &w32, 4);
    for (int i = 0; i < 8; i++) uc_reg_read(e->uc, UC_X86_REG_ST0 + i, fx + 32 + 16 * i);
    for (int i = 0; i < 16; i++) uc_reg_read(e->uc, UC_X86_REG_XMM0 + i, fx + 160 + 16 * i);
    return 0;
}

int omni_emu_set_fpregs(omni_emu *e, const uint8_t fx[512]) {
    uint16_t fcw, fsw, fop;
    uint64_t fip, fdp;
    uint32_t mxcsr;
    memcpy(&fcw, fx, 2);
    memcpy(&fsw, fx + 2, 2);
    memcpy(&fop, fx + 6, 2);
    memcpy(&fip, fx + 8, 8);
    memcpy(&fdp, fx + 16, 8);
    memcpy(&mxcsr, fx + 24, 4);
    uint16_t ftag = 0;
    for (int i = 0; i < 8; i++)
        if (!(fx[4] & (1 << i))) ftag |= 3 << (2 * i);
    emu_settle_pending(e);
    uint64_t v;
    // The status word first: its top-of-stack field decides which register ST(i) is.
    v = fsw; uc_reg_write(e->uc, UC_X86_REG_FPSW, &v);
    v = fcw; uc_reg_write(e->uc, UC_X86_REG_FPCW, &v);
    v = ftag; uc_reg_write(e->uc, UC_X86_REG_FPTAG, &v);
    v = fop; uc_reg_write(e->uc, UC_X86_REG_FOP, &v);
    uc_reg_write(e->uc, UC_X86_REG_FIP, &fip);
    uc_reg_write(e->uc, UC_X86_REG_FDP, &fdp);
    v = mxcsr;
    uc_err err = uc_reg_write(e->uc, UC_X86_REG_MXCSR, &v);
    if (err) return emu_uc_fail(e, err);
    for (int i = 0; i < 8; i++) {
        uint8_t st[16];
        memcpy(st, fx + 32 + 16 * i, 16);
        uc_reg_write(e->uc, UC_X86_REG_ST0 + i, st);
    }
    for (int i = 0; i < 16; i++) {
        uint8_t x[16];
        memcpy(x, fx + 160 + 16 * i, 16);
        uc_reg_write(e->uc, UC_X86_REG_XMM0 + i, x);
    }
    e->shadow_valid = false;
    return 0;
}

// ---- CPUID -----------------------------------------------------------------------------------

int omni_emu_set_cpuid(omni_emu *e, const uint32_t *rows, int n) {
    if (n < 0 || (n > 0 && !rows)) return OMNI_EINVAL;
    uint32_t *copy = NULL;
    if (n > 0) {
        copy = malloc(n * 7 * sizeof *copy);
        if (!copy) return OMNI_ENOMEM;
        memcpy(copy, rows, n * 7 * sizeof *copy);
    }
    free(e->cpuid);
    e->cpuid = copy;
    e->ncpuid = n;
    return 0;
}

// ---- Lifecycle -------------------------------------------------------------------------------

omni_emu *omni_emu_new(void) {
    omni_emu *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->fp_max_hits = UINT64_MAX;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &e->uc) != UC_ERR_OK) {
        free(e);
        return NULL;
    }
    // The newest model Unicorn knows, set before anything creates the CPU. Unicorn 2.0.1 then
    // resets the feature words to its own fixed set whatever the model (measured: every model
    // executes the same instructions, docs/architecture.md "The CPU the program sees"); a later
    // Unicorn that honours the model gets its features, which IsaProbeTest would report.
    uc_ctl_set_cpu_model(e->uc, UC_CPU_X86_EPYC_ROME);
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &e->cs) != CS_ERR_OK) {
        uc_close(e->uc);
        free(e);
        return NULL;
    }
    cs_option(e->cs, CS_OPT_DETAIL, CS_OPT_ON);
    emu_direct_init(e);
    if (emu_hooks_install(e) != 0) {
        omni_emu_free(e);
        return NULL;
    }
    // The CPU's state after reset, which Unicorn leaves at zero: x87 registers empty, default
    // control words.
    uint64_t flags = 0x2, fcw = 0x37f, ftag = 0xffff, mxcsr = 0x1f80, cr4 = 0;
    uc_reg_write(e->uc, UC_X86_REG_RFLAGS, &flags);
    // As Linux sets it: without CR4.OSFXSR, QEMU's fxsave/fxrstor skip the xmm registers.
    uc_reg_read(e->uc, UC_X86_REG_CR4, &cr4);
    cr4 |= 1 << 9 | 1 << 10;  // OSFXSR, OSXMMEXCPT
    uc_reg_write(e->uc, UC_X86_REG_CR4, &cr4);
    uc_reg_write(e->uc, UC_X86_REG_FPCW, &fcw);
    uc_reg_write(e->uc, UC_X86_REG_FPTAG, &ftag);
    uc_reg_write(e->uc, UC_X86_REG_MXCSR, &mxcsr);
    return e;
}

void omni_emu_free(omni_emu *e) {
    if (!e) return;
    if (e->uc) uc_close(e->uc);
    emu_mem_free(e);
    if (e->cs) cs_close(&e->cs);
    free(e->insns);
    free(e->islots);
    free(e->cpuid);
    emu_trace_free(&e->trace);
    free(e);
}

omni_emu *omni_emu_fork(omni_emu *p) {
    omni_emu *c = omni_emu_new();
    if (!c) return NULL;
    if (emu_mem_fork(c, p)) goto fail;
    uint64_t regs[OMNI_NREGS];
    uint8_t fx[512];
    if (omni_emu_get_regs(p, regs) || write_regs(c, regs) || omni_emu_get_fpregs(p, fx) ||
        omni_emu_set_fpregs(c, fx) || omni_emu_set_cpuid(c, p->cpuid, p->ncpuid))
        goto fail;
    if (p->trace.capacity && omni_emu_trace_enable(c, (int)p->trace.flags, p->trace.capacity)) goto fail;
    c->trace.step = p->trace.step;
    return c;
fail:
    omni_emu_free(c);
    return NULL;
}

// ---- Disassembly -----------------------------------------------------------------------------

int omni_disasm(const uint8_t *code, int len, uint64_t addr, char *out, int outlen) {
    // One handle per thread: cs_open is too slow to repeat per call and handles are not shared.
    static __thread csh handle;
    static __thread bool opened;
    if (!opened) {
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return OMNI_ENOMEM;
        opened = true;
    }
    if (!code || len <= 0 || !out || outlen <= 0) return OMNI_EINVAL;
    cs_insn *insn;
    size_t n = cs_disasm(handle, code, len, addr, 1, &insn);
    if (n == 0) {
        out[0] = 0;
        return OMNI_EINVAL;
    }
    int size = insn->size;
    if (insn->op_str[0]) snprintf(out, outlen, "%s %s", insn->mnemonic, insn->op_str);
    else snprintf(out, outlen, "%s", insn->mnemonic);
    cs_free(insn, 1);
    return size;
}
