// Running: Unicorn hooks that count steps, stop the run where the driver must act, and expand
// execution into the trace tables (see emu.h for the contracts).
//
// Hooks run *before* an instruction, so an instruction's effects (register changes, new bytes of
// its stores, call targets) are recorded when the next instruction's code hook runs, or at the
// stop. The instruction in flight is e->pend; the store being assembled is e->mrow. Decodings come
// from emu_decode.c, rows go to the tables of emu_trace.c.
#include <string.h>

#include "emu_internal.h"

// ---- Registers and rows of a finished instruction ---------------------------------------------

static inline uint64_t read_reg(omni_emu *e, int uc_id) {
    uint64_t v = 0;
    uc_reg_read(e->uc, uc_id, &v);
    return v;
}

int emu_read_xmm_all(omni_emu *e, uint64_t x[16][2], uint32_t *mxcsr) {
    for (int i = 0; i < 16; i++) emu_xmm(e, i, x[i]);
    *mxcsr = emu_mxcsr(e);
    return 0;
}

void emu_shadow_load(omni_emu *e) {
    for (int i = 0; i < OMNI_NREGS; i++)
        if (EMU_TRACED_GPRS & (1u << i)) e->shadow[i] = emu_reg(e, i);
    emu_read_xmm_all(e, e->shadow_xmm, &e->shadow_mxcsr);
    e->shadow_valid = true;
}

static void diff_regs(omni_emu *e, uint32_t gprs, uint32_t xmms, bool mxcsr, uint64_t step) {
    while (gprs) {
        int i = __builtin_ctz(gprs);
        gprs &= gprs - 1;
        uint64_t v = emu_reg(e, i);
        if (v != e->shadow[i]) {
            e->shadow[i] = v;
            emu_reg_row(e, step, i, v, 0);
        }
    }
    while (xmms) {
        int i = __builtin_ctz(xmms);
        xmms &= xmms - 1;
        uint64_t v[2];
        emu_xmm(e, i, v);
        if (v[0] != e->shadow_xmm[i][0] || v[1] != e->shadow_xmm[i][1]) {
            e->shadow_xmm[i][0] = v[0];
            e->shadow_xmm[i][1] = v[1];
            emu_reg_row(e, step, OMNI_REG_XMM0 + i, v[0], v[1]);
        }
    }
    if (mxcsr) {
        uint32_t m = emu_mxcsr(e);
        if (m != e->shadow_mxcsr) {
            e->shadow_mxcsr = m;
            emu_reg_row(e, step, OMNI_REG_MXCSR, m, 0);
        }
    }
}

// fxsave leaves bytes 10-15 of each of the eight x87 register slots of its image as they were
// (QEMU 5 stores ten bytes per register); the CPU writes zeros there. Stale bytes that differ from
// the recording's would stay in the program's memory (a stack frame reused as a buffer, read past
// its end by an SSE strlen) and reach registers. So they are zeroed here, as the instruction's own
// stores (rows at its step).
static void fxsave_fixup(omni_emu *e) {
    struct emu_pending *p = &e->pend;
    if (!p->fx_base) return;
    static const uint8_t zero[6];
    for (int i = 0; i < 8; i++) {
        uint64_t addr = p->fx_base + 32 + 16 * i + 10;
        struct emu_region *r = emu_find_region(e, addr);
        if (!r || addr + 6 > r->end) continue;
        uint8_t *h = r->host + (addr - r->start);
        if (memcmp(h, zero, 6) == 0) continue;
        uint8_t old[6];
        memcpy(old, h, 6);
        memset(h, 0, 6);
        if (e->trace.flags & OMNI_TRACE_MEM) emu_mem_row(e, p->step, p->in.addr, addr, 6, old, zero);
    }
    p->fx_base = 0;
}

// The pending instruction completed (next_rip is where execution goes on): record its rows and
// count its step.
static inline __attribute__((always_inline)) void finish_insn(omni_emu *e, uint64_t next_rip) {
    struct emu_pending *p = &e->pend;
    uint64_t flags = e->trace.flags;
    emu_mrow_finish(e);
    if (__builtin_expect(p->in.flags & EMU_I_FXSAVE, 0)) fxsave_fixup(e);
    if (flags & OMNI_TRACE_REGS)
        diff_regs(e, p->in.gprs, p->in.xmms, p->in.flags & EMU_I_MXCSR, p->step);
    if ((flags & OMNI_TRACE_CONTROL) && (p->in.flags & (EMU_I_CALL | EMU_I_RET))) emu_control_row(e, p, next_rip);
    if (e->blk_open) {
        e->blk_insns++;
        e->blk_next = p->in.addr + p->in.size;
        if (p->in.flags & EMU_I_BLOCKEND) emu_end_block(e);
    }
    e->trace.step++;
    e->run_done++;
    p->valid = false;
}

void emu_settle_pending(omni_emu *e) {
    if (!e->pend.valid) return;
    // A rep instruction interrupted between iterations: what it did is one step.
    finish_insn(e, emu_reg(e, OMNI_RIP));
}

// ---- Hooks -----------------------------------------------------------------------------------

static inline bool tables_full(omni_emu *e, int *which) {
    struct omni_trace *t = &e->trace;
    uint64_t limit = t->capacity - OMNI_TRACE_MARGIN;
    if (t->nblocks < limit && t->nmem < limit && t->nregs < limit && t->nctl < limit) return false;
    int w = 0;
    if (t->nblocks >= limit) w |= OMNI_TRACE_BLOCKS;
    if (t->nmem >= limit) w |= OMNI_TRACE_MEM;
    if (t->nregs >= limit) w |= OMNI_TRACE_REGS;
    if (t->nctl >= limit) w |= OMNI_TRACE_CONTROL;
    *which = w & (int)t->flags;
    return *which != 0;
}

static bool fingerprint_matches(omni_emu *e) {
    static const int ids[] = {OMNI_R15, OMNI_R14, OMNI_R13, OMNI_R12, OMNI_RBP, OMNI_RBX, OMNI_R11,
                              OMNI_R10, OMNI_R9, OMNI_R8, OMNI_RAX, OMNI_RCX, OMNI_RDX, OMNI_RSI,
                              OMNI_RDI, OMNI_RSP, OMNI_FS_BASE, OMNI_GS_BASE};
    // Not rflags: x86 leaves flags undefined after many instructions (imul, shifts, bt...), and
    // QEMU and a real CPU need not agree on them.
    if (++e->fp_hits > e->fp_max_hits) return true;  // reported as a miss by the caller
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (emu_reg(e, ids[i]) != e->fp[ids[i]]) return false;
    return true;
}

static int fingerprint_stop(omni_emu *e) {
    return e->fp_hits > e->fp_max_hits ? OMNI_STOP_LIMIT : OMNI_STOP_FINGERPRINT;
}

// Stop before the instruction at rip (called from the code hook).
static void stop_before(omni_emu *e, int reason, int detail, uint64_t rip) {
    e->stop_reason = reason;
    e->stop_detail = detail;
    e->stop_rip = rip;
    uc_emu_stop(e->uc);
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
    (void)uc;
    omni_emu *e = user;
    int full;
    if (e->pend.valid) {
        if (addr == e->pend.in.addr && (e->pend.in.flags & EMU_I_REP)) {
            // QEMU re-enters a rep instruction for every iteration: still the same step.
            e->pend.iters++;
            if (e->trace.flags && tables_full(e, &full)) stop_before(e, OMNI_STOP_BUFFER_FULL, full, addr);
            else if (e->fp_on && addr == e->fp[OMNI_RIP] && fingerprint_matches(e))
                stop_before(e, fingerprint_stop(e), 1, addr);
            return;
        }
        finish_insn(e, addr);
    }
    if (e->run_done >= e->run_limit) return stop_before(e, OMNI_STOP_LIMIT, 0, addr);
    if (e->trace.flags && tables_full(e, &full)) return stop_before(e, OMNI_STOP_BUFFER_FULL, full, addr);
    if (addr == e->stop_addr) return stop_before(e, OMNI_STOP_ADDRESS, 0, addr);
    if (e->fp_on && addr == e->fp[OMNI_RIP] && fingerprint_matches(e))
        return stop_before(e, fingerprint_stop(e), 1, addr);
    // The decoded instruction: usually the successor of the one before (no hash lookup).
    const struct emu_insn *in;
    struct emu_insn scratch;
    // e->pend.in is a copy of insns[last_idx] (they are set together below), so its links are
    // at hand without touching the array.
    uint32_t prev = e->last_idx, idx;
    if (prev != EMU_NOIDX) {
        struct emu_insn *p = &e->pend.in;
        int other = addr != p->addr + p->size;
        idx = p->succ[other];
        if (idx == EMU_NOIDX || e->insns[idx].addr != addr) {
            idx = emu_icache_lookup(e, addr, size, &scratch);
            // The lookup may have dropped or moved the array (a rebuild resets last_idx).
            if (e->last_idx == prev) e->insns[prev].succ[other] = p->succ[other] = idx;
        }
    } else {
        idx = emu_icache_lookup(e, addr, size, &scratch);
    }
    in = idx == EMU_NOIDX ? &scratch : &e->insns[idx];
    int nondet = (in->flags >> EMU_I_NONDET_SHIFT) & 7;
    if (nondet) return stop_before(e, OMNI_STOP_NONDET, nondet, addr);
    if (in->flags & EMU_I_HLT) return stop_before(e, OMNI_STOP_INTERRUPT, 13, addr);  // #GP in user mode
    if (e->trace.flags & OMNI_TRACE_BLOCKS) {
        if (!e->blk_open || addr != e->blk_next) {
            emu_end_block(e);
            e->blk_open = true;
            e->blk_step = e->trace.step;
            e->blk_rip = addr;
            e->blk_insns = 0;
        }
    }
    e->pend.valid = true;
    e->pend.in = *in;
    e->pend.step = e->trace.step;
    e->pend.iters = 0;
    e->pend.fx_base = 0;
    e->last_idx = idx;
}

// Copies n (1..16) bytes, sizes of stores inline (no call into libc for a few bytes).
static inline void copy_small(uint8_t *dst, const uint8_t *src, int n) {
    switch (n) {
    case 1: memcpy(dst, src, 1); break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    case 16: memcpy(dst, src, 16); break;
    default: memcpy(dst, src, n); break;
    }
}

// One store of `size` bytes at addr within region r.
static void store_piece(omni_emu *e, struct emu_region *r, uint64_t addr, int size) {
    if (r->prot & OMNI_PROT_EXEC) emu_icache_invalidate(e, addr, size);
    if (!(e->trace.flags & OMNI_TRACE_MEM) || !e->pend.valid) return;
    uint8_t *h = r->host + (addr - r->start);
    struct emu_memrow *m = &e->mrow;
    if (m->valid && m->step == e->pend.step && addr == m->addr + m->size && m->size + size <= 16) {
        uint8_t *end = m->host2 ? m->host2 + (m->size - m->split) : m->host + m->size;
        if (h == end || !m->host2) {
            if (h != end) {
                // Host memory changes here: the bytes before are not stored yet (same hook call).
                m->host2 = h;
                m->split = m->size;
            }
            copy_small(m->old + m->size, h, size);
            m->size += size;
            return;
        }
    }
    emu_mrow_finish(e);
    m->valid = true;
    m->step = e->pend.step;
    m->rip = e->pend.in.addr;
    m->addr = addr;
    m->host = h;
    m->host2 = NULL;
    m->split = 0;
    m->size = size;
    copy_small(m->old, h, size);
}

static void on_write(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user) {
    (void)uc, (void)type, (void)value;
    omni_emu *e = user;
    if (__builtin_expect(e->pend.valid && (e->pend.in.flags & EMU_I_FXSAVE), 0) && (!e->pend.fx_base || addr < e->pend.fx_base))
        e->pend.fx_base = addr;
    while (size > 0) {
        struct emu_region *r = emu_find_region(e, addr);
        if (!r) return;  // unmapped: the fault hook reports it
        int n = r->end - addr < (uint64_t)size ? (int)(r->end - addr) : size;
        if (n > 16) n = 16;
        store_piece(e, r, addr, n);
        addr += n;
        size -= n;
    }
}

static bool on_fault(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user) {
    (void)uc, (void)size, (void)value;
    omni_emu *e = user;
    if (e->stop_reason) return false;
    int kind;
    switch (type) {
    case UC_MEM_READ_UNMAPPED: kind = OMNI_FAULT_READ; break;
    case UC_MEM_WRITE_UNMAPPED: kind = OMNI_FAULT_WRITE; break;
    case UC_MEM_FETCH_UNMAPPED: kind = OMNI_FAULT_FETCH; break;
    case UC_MEM_READ_PROT: kind = OMNI_FAULT_READ | OMNI_FAULT_PROT; break;
    case UC_MEM_WRITE_PROT: kind = OMNI_FAULT_WRITE | OMNI_FAULT_PROT; break;
    case UC_MEM_FETCH_PROT: kind = OMNI_FAULT_FETCH | OMNI_FAULT_PROT; break;
    default: kind = 0; break;
    }
    e->stop_reason = OMNI_STOP_MEM_FAULT;
    e->stop_detail = kind;
    e->fault_addr = addr;
    return false;
}

static void on_syscall(uc_engine *uc, void *user) {
    omni_emu *e = user;
    e->stop_reason = OMNI_STOP_SYSCALL;
    e->stop_rip = e->pend.in.addr;
    uc_emu_stop(uc);
}

static void on_interrupt(uc_engine *uc, uint32_t intno, void *user) {
    omni_emu *e = user;
    e->stop_reason = OMNI_STOP_INTERRUPT;
    e->stop_detail = (int)intno;
    uc_emu_stop(uc);
}

static bool on_invalid(uc_engine *uc, void *user) {
    (void)uc;
    omni_emu *e = user;
    e->stop_reason = OMNI_STOP_INVALID_INSN;
    return false;
}

// Answers CPUID from the recorded table; returning 1 skips Unicorn's built-in CPUID.
static int on_cpuid(uc_engine *uc, void *user) {
    omni_emu *e = user;
    if (!e->cpuid) return 0;
    uint32_t leaf = (uint32_t)emu_reg(e, OMNI_RAX), sub = (uint32_t)emu_reg(e, OMNI_RCX);
    uint64_t out[4] = {0, 0, 0, 0};
    const uint32_t *any = NULL;
    for (int i = 0; i < e->ncpuid; i++) {
        const uint32_t *row = e->cpuid + 7 * i;
        if (row[0] != leaf) continue;
        if (!(row[2] & OMNI_CPUID_SUBLEAF) || row[1] == sub) {
            any = row;
            if (row[2] & OMNI_CPUID_SUBLEAF) break;  // an exact subleaf match wins
        }
    }
    if (any)
        for (int i = 0; i < 4; i++) out[i] = any[3 + i];
    uc_reg_write(uc, UC_X86_REG_RAX, &out[0]);
    uc_reg_write(uc, UC_X86_REG_RBX, &out[1]);
    uc_reg_write(uc, UC_X86_REG_RCX, &out[2]);
    uc_reg_write(uc, UC_X86_REG_RDX, &out[3]);
    return 1;
}

int emu_hooks_install(omni_emu *e) {
    if (!emu_icache_init(e)) return OMNI_ENOMEM;
    uc_hook h;
    if (uc_hook_add(e->uc, &h, UC_HOOK_CODE, on_code, e, 1, 0) ||
        uc_hook_add(e->uc, &h, UC_HOOK_MEM_WRITE, on_write, e, 1, 0) ||
        uc_hook_add(e->uc, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT, on_fault, e, 1, 0) ||
        uc_hook_add(e->uc, &h, UC_HOOK_INSN, on_syscall, e, 1, 0, UC_X86_INS_SYSCALL) ||
        uc_hook_add(e->uc, &h, UC_HOOK_INSN, on_cpuid, e, 1, 0, UC_X86_INS_CPUID) ||
        uc_hook_add(e->uc, &h, UC_HOOK_INTR, on_interrupt, e, 1, 0) ||
        uc_hook_add(e->uc, &h, UC_HOOK_INSN_INVALID, on_invalid, e, 1, 0))
        return OMNI_EUNICORN;
    return 0;
}

// ---- Running ---------------------------------------------------------------------------------

int omni_emu_set_stop_address(omni_emu *e, uint64_t addr) {
    e->stop_addr = addr;
    return 0;
}

int omni_emu_set_fingerprint(omni_emu *e, const uint64_t *r) {
    e->fp_on = r != NULL;
    e->fp_hits = 0;
    if (r) memcpy(e->fp, r, sizeof e->fp);
    return 0;
}

int omni_emu_set_fingerprint_limit(omni_emu *e, uint64_t max_hits) {
    e->fp_max_hits = max_hits ? max_hits : UINT64_MAX;
    return 0;
}

static void set_rip(omni_emu *e, uint64_t rip) { uc_reg_write(e->uc, UC_X86_REG_RIP, &rip); }

// The pending instruction did not complete (it faulted): nothing of it is a step, except the
// finished iterations of a rep instruction.
static void abandon_pending(omni_emu *e) {
    if (e->pend.valid && (e->pend.in.flags & EMU_I_REP) && e->pend.iters > 0) {
        finish_insn(e, e->pend.in.addr);
        return;
    }
    e->pend.valid = false;
}

// Registers the per-instruction tracking missed (it should miss none): recorded at the last step.
static void resync_regs(omni_emu *e) {
    uint64_t before = e->trace.nregs;
    diff_regs(e, EMU_TRACED_GPRS, 0xffff, true, e->trace.step ? e->trace.step - 1 : 0);
    e->trace.resyncs += e->trace.nregs - before;
}

int omni_emu_run(omni_emu *e, uint64_t max_steps, struct omni_stop *out) {
    memset(out, 0, sizeof *out);
    e->run_limit = max_steps ? max_steps : UINT64_MAX;
    e->run_done = 0;
    e->stop_reason = e->stop_detail = 0;
    e->stop_rip = e->fault_addr = 0;
    if ((e->trace.flags & OMNI_TRACE_REGS) && !e->shadow_valid) emu_shadow_load(e);
    uint64_t start = emu_reg(e, OMNI_RIP);
    // No 'until' address: runs end only by our stops (~0 is not a canonical address).
    uc_err err = uc_emu_start(e->uc, start, ~0ULL, 0, 0);
    uint64_t now = emu_reg(e, OMNI_RIP);
    struct emu_pending *p = &e->pend;
    int reason = e->stop_reason;
    out->detail = e->stop_detail;
    out->rip = e->stop_rip;
    switch (reason) {
    case OMNI_STOP_SYSCALL: {
        // Unicorn skips what the CPU does to rcx and r11; do it here.
        uint64_t flags = read_reg(e, UC_X86_REG_RFLAGS);
        uc_reg_write(e->uc, UC_X86_REG_RCX, &now);
        uc_reg_write(e->uc, UC_X86_REG_R11, &flags);
        finish_insn(e, now);
        break;
    }
    case OMNI_STOP_INTERRUPT:
        if (!p->valid) break;  // stopped before the instruction (hlt)
        out->rip = p->in.addr;
        if (p->in.flags & EMU_I_SWINT) {
            finish_insn(e, now);  // a trap: the instruction completed, rip is after it
        } else {
            set_rip(e, p->in.addr);  // a fault (divide error...): rip stays at the instruction
            abandon_pending(e);
        }
        break;
    case OMNI_STOP_MEM_FAULT:
        out->fault_addr = e->fault_addr;
        if ((e->stop_detail & 3) == OMNI_FAULT_FETCH) {
            if (p->valid && p->in.addr != now) finish_insn(e, now);  // the jump to it completed
            out->rip = now;
        } else {
            // The faulting store's hook already opened a row: keep only the bytes before the fault.
            struct emu_memrow *m = &e->mrow;
            if (m->valid && e->fault_addr >= m->addr && e->fault_addr < m->addr + m->size)
                m->size = (int)(e->fault_addr - m->addr);
            out->rip = p->valid ? p->in.addr : now;
            set_rip(e, out->rip);
            abandon_pending(e);
        }
        break;
    case 0:
        if (err == UC_ERR_INSN_INVALID) reason = OMNI_STOP_INVALID_INSN;
        else reason = OMNI_STOP_ERROR;
        /* fall through */
    case OMNI_STOP_INVALID_INSN:
        if (reason == OMNI_STOP_INVALID_INSN) {
            if (p->valid && p->in.addr != now) finish_insn(e, now);  // failed before its code hook
            out->rip = p->valid ? p->in.addr : now;
            if (p->valid && (p->in.flags & EMU_I_UD2)) {
                reason = OMNI_STOP_INTERRUPT;  // ud2 is the program's own trap (SIGILL), not a gap of the emulator
                out->detail = 6;
            }
            set_rip(e, out->rip);
            abandon_pending(e);
        } else {
            out->rip = now;
            abandon_pending(e);
        }
        break;
    default:
        break;  // stopped by the code hook before an instruction (or between rep iterations)
    }
    // A rep instruction stopped between iterations keeps assembling its row in the next run, so
    // that rows do not depend on where runs stop.
    if (!p->valid) emu_mrow_finish(e);
    if ((e->trace.flags & OMNI_TRACE_REGS) && !p->valid) resync_regs(e);
    out->reason = reason;
    out->uc_err = err;
    out->step = e->trace.step;
    out->steps = e->run_done;
    return 0;
}
