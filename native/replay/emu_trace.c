// The trace tables (struct omni_trace, see emu.h): their allocation, the rows appended to them,
// clear and flush. The hooks that fill them are in emu_run.c; the appenders they call for every
// instruction (emu_end_block, emu_reg_row, emu_mrow_finish) are inline in emu_internal.h.
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

// ---- Trace tables ----------------------------------------------------------------------------

void emu_trace_free(struct omni_trace *t) {
    void *cols[] = {t->block_step, t->block_rip, t->block_insns, t->mem_step, t->mem_rip,
                    t->mem_addr, t->mem_size, t->mem_old, t->mem_new, t->reg_step, t->reg_id,
                    t->reg_lo, t->reg_hi, t->ctl_step, t->ctl_kind, t->ctl_rip, t->ctl_target,
                    t->ctl_sp, t->ctl_args, t->ctl_ret};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) free(cols[i]);
}

int emu_trace_alloc(struct omni_trace *t, uint64_t cap) {
    struct omni_trace n = *t;
    n.capacity = cap;
    n.block_step = malloc(cap * 8);
    n.block_rip = malloc(cap * 8);
    n.block_insns = malloc(cap * 4);
    n.mem_step = malloc(cap * 8);
    n.mem_rip = malloc(cap * 8);
    n.mem_addr = malloc(cap * 8);
    n.mem_size = malloc(cap);
    n.mem_old = malloc(cap * 16);
    n.mem_new = malloc(cap * 16);
    n.reg_step = malloc(cap * 8);
    n.reg_id = malloc(cap);
    n.reg_lo = malloc(cap * 8);
    n.reg_hi = malloc(cap * 8);
    n.ctl_step = malloc(cap * 8);
    n.ctl_kind = malloc(cap);
    n.ctl_rip = malloc(cap * 8);
    n.ctl_target = malloc(cap * 8);
    n.ctl_sp = malloc(cap * 8);
    n.ctl_args = malloc(cap * 48);
    n.ctl_ret = malloc(cap * 8);
    if (!n.block_step || !n.block_rip || !n.block_insns || !n.mem_step || !n.mem_rip || !n.mem_addr ||
        !n.mem_size || !n.mem_old || !n.mem_new || !n.reg_step || !n.reg_id || !n.reg_lo ||
        !n.reg_hi || !n.ctl_step || !n.ctl_kind || !n.ctl_rip || !n.ctl_target || !n.ctl_sp ||
        !n.ctl_args || !n.ctl_ret) {
        emu_trace_free(&n);
        return OMNI_ENOMEM;
    }
    emu_trace_free(t);
    *t = n;
    return 0;
}

struct omni_trace *omni_emu_trace(omni_emu *e) { return &e->trace; }
uint64_t omni_emu_get_step(omni_emu *e) { return e->trace.step; }
void omni_emu_set_step(omni_emu *e, uint64_t step) { e->trace.step = step; }

int omni_emu_trace_enable(omni_emu *e, int flags, uint64_t capacity) {
    if (flags & ~15) return OMNI_EINVAL;
    if (capacity != 0 && capacity != e->trace.capacity) {
        if (capacity < OMNI_TRACE_MIN_CAPACITY || capacity > (1ULL << 32)) return OMNI_EINVAL;
        struct omni_trace *t = &e->trace;
        if (t->nblocks || t->nmem || t->nregs || t->nctl || e->mrow.valid) return OMNI_ESTATE;
        int rc = emu_trace_alloc(t, capacity);
        if (rc) return rc;
    }
    if (flags && !e->trace.capacity) return OMNI_EINVAL;
    if (!(flags & OMNI_TRACE_BLOCKS)) e->blk_open = false;
    if ((flags & OMNI_TRACE_REGS) && !(e->trace.flags & OMNI_TRACE_REGS)) e->shadow_valid = false;
    e->trace.flags = flags;
    return 0;
}

int omni_emu_trace_clear(omni_emu *e) {
    e->trace.nblocks = e->trace.nmem = e->trace.nregs = e->trace.nctl = 0;
    return 0;
}

int omni_emu_trace_flush(omni_emu *e) {
    emu_end_block(e);
    return 0;
}

// A 16-byte slot of a mem row: the first n (1..16) bytes of src, the rest zero. src is read 16
// bytes at a time when that stays within its page (its first byte is readable, so the page is):
// src is a 16-byte buffer or guest memory (our own mappings, whole pages).
static inline void fill_slot(uint8_t *slot, const uint8_t *src, int n) {
    uint64_t lo = 0, hi = 0;
    if (((uintptr_t)src & (EMU_PAGE - 1)) <= EMU_PAGE - 16) {
        memcpy(&lo, src, 8);
        memcpy(&hi, src + 8, 8);
        if (n < 8) {
            lo &= (1ULL << (8 * n)) - 1;
            hi = 0;
        } else if (n == 8) {
            hi = 0;
        } else if (n < 16) {
            hi &= (1ULL << (8 * (n - 8))) - 1;
        }
    } else {
        uint8_t tmp[16] = {0};
        memcpy(tmp, src, n);
        memcpy(&lo, tmp, 8);
        memcpy(&hi, tmp + 8, 8);
    }
    memcpy(slot, &lo, 8);
    memcpy(slot + 8, &hi, 8);
}

void emu_mem_row(omni_emu *e, uint64_t step, uint64_t rip, uint64_t addr, int size,
                 const uint8_t *old, const uint8_t *neu) {
    struct omni_trace *t = &e->trace;
    if (t->nmem == t->capacity) {
        t->lost++;
        return;
    }
    uint64_t i = t->nmem++;
    t->mem_step[i] = step;
    t->mem_rip[i] = rip;
    t->mem_addr[i] = addr;
    t->mem_size[i] = size;
    // Unused bytes of a slot are zero, so that drained columns do not depend on old buffer contents.
    fill_slot(t->mem_old + 16 * i, old, size);
    fill_slot(t->mem_new + 16 * i, neu, size);
}

void emu_mem_rows(omni_emu *e, uint64_t step, uint64_t rip, uint64_t addr, const uint8_t *old,
                  const uint8_t *neu, uint64_t len) {
    for (uint64_t off = 0; off < len; off += 16) {
        int n = len - off < 16 ? (int)(len - off) : 16;
        // Through 16-byte copies: emu_mem_row may read all 16 bytes of what it is given.
        uint8_t o[16] = {0}, w[16] = {0};
        memcpy(o, old + off, n);
        memcpy(w, neu + off, n);
        emu_mem_row(e, step, rip, addr + off, n, o, w);
    }
}

int omni_emu_write_at(omni_emu *e, uint64_t addr, const void *buf, uint64_t len, uint64_t step, uint64_t rip) {
    if (!(e->trace.flags & OMNI_TRACE_MEM) || len == 0) return omni_emu_write(e, addr, buf, len);
    uint8_t *old = malloc(len);
    if (!old) return OMNI_ENOMEM;
    int rc = emu_copy_out(e, addr, old, len);
    if (!rc) rc = omni_emu_write(e, addr, buf, len);
    if (!rc) emu_mem_rows(e, step, rip, addr, old, buf, len);
    free(old);
    return rc;
}

void emu_control_row(omni_emu *e, const struct emu_pending *p, uint64_t target) {
    struct omni_trace *t = &e->trace;
    if (t->nctl == t->capacity) {
        t->lost++;
        return;
    }
    uint64_t i = t->nctl++;
    bool call = p->in.flags & EMU_I_CALL;
    t->ctl_step[i] = p->step;
    t->ctl_kind[i] = call ? OMNI_CTL_CALL : OMNI_CTL_RET;
    t->ctl_rip[i] = p->in.addr;
    t->ctl_target[i] = target;
    t->ctl_sp[i] = emu_reg(e, OMNI_RSP);
    static const int args[6] = {OMNI_RDI, OMNI_RSI, OMNI_RDX, OMNI_RCX, OMNI_R8, OMNI_R9};
    for (int a = 0; a < 6; a++) t->ctl_args[6 * i + a] = call ? emu_reg(e, args[a]) : 0;
    t->ctl_ret[i] = call ? 0 : emu_reg(e, OMNI_RAX);
}
