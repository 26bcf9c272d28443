// Running: Unicorn hooks that count steps, stop the run where the driver must act, and expand
// execution into the trace tables (see emu.h for the contracts).
//
// Hooks run *before* an instruction, so an instruction's effects (register changes, new bytes of
// its stores, call targets) are recorded when the next instruction's code hook runs, or at the
// stop. The instruction in flight is e->pend; the store being assembled is e->mrow.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

// omni_regs indexes that are register rows: the GPRs, rflags, rsp, fs_base, gs_base.
#define TRACED_GPRS (0x7fffu | 1u << OMNI_EFLAGS | 1u << OMNI_RSP | 1u << OMNI_FS_BASE | 1u << OMNI_GS_BASE)

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

void emu_end_block(omni_emu *e) {
    if (!e->blk_open) return;
    e->blk_open = false;
    struct omni_trace *t = &e->trace;
    if (t->nblocks == t->capacity) {
        t->lost++;
        return;
    }
    uint64_t i = t->nblocks++;
    t->block_step[i] = e->blk_step;
    t->block_rip[i] = e->blk_rip;
    t->block_insns[i] = e->blk_insns;
}

int omni_emu_trace_flush(omni_emu *e) {
    emu_end_block(e);
    return 0;
}

void emu_reg_row(omni_emu *e, uint64_t step, int id, uint64_t lo, uint64_t hi) {
    struct omni_trace *t = &e->trace;
    if (t->nregs == t->capacity) {
        t->lost++;
        return;
    }
    uint64_t i = t->nregs++;
    t->reg_step[i] = step;
    t->reg_id[i] = id;
    t->reg_lo[i] = lo;
    t->reg_hi[i] = hi;
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

static void mem_row(omni_emu *e, uint64_t step, uint64_t rip, uint64_t addr, int size,
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
        // Through 16-byte copies: mem_row may read all 16 bytes of what it is given.
        uint8_t o[16] = {0}, w[16] = {0};
        memcpy(o, old + off, n);
        memcpy(w, neu + off, n);
        mem_row(e, step, rip, addr + off, n, o, w);
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

// ---- Instruction cache -----------------------------------------------------------------------

// Capstone register -> omni register row: 0..26 GPR index, 32+n xmm n, -1 not traced.
static int reg_slot(csh cs, unsigned reg) {
    static const struct { const char *names[5]; int slot; } gprs[] = {
        {{"rax", "eax", "ax", "al", "ah"}, OMNI_RAX}, {{"rbx", "ebx", "bx", "bl", "bh"}, OMNI_RBX},
        {{"rcx", "ecx", "cx", "cl", "ch"}, OMNI_RCX}, {{"rdx", "edx", "dx", "dl", "dh"}, OMNI_RDX},
        {{"rsi", "esi", "si", "sil"}, OMNI_RSI},      {{"rdi", "edi", "di", "dil"}, OMNI_RDI},
        {{"rbp", "ebp", "bp", "bpl"}, OMNI_RBP},      {{"rsp", "esp", "sp", "spl"}, OMNI_RSP},
        {{"rflags", "eflags", "flags"}, OMNI_EFLAGS},
    };
    static const int rn[8] = {OMNI_R8, OMNI_R9, OMNI_R10, OMNI_R11, OMNI_R12, OMNI_R13, OMNI_R14, OMNI_R15};
    const char *name = cs_reg_name(cs, reg);
    if (!name) return -1;
    for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
        for (int j = 0; j < 5 && gprs[i].names[j]; j++)
            if (!strcmp(name, gprs[i].names[j])) return gprs[i].slot;
    int n;
    char suffix = 0;
    if (name[0] == 'r' && sscanf(name + 1, "%d%c", &n, &suffix) >= 1 && n >= 8 && n <= 15) return rn[n - 8];
    if (!strncmp(name, "xmm", 3) && sscanf(name + 3, "%d", &n) == 1 && n < 16) return OMNI_REG_XMM0 + n;
    return -1;
}

static bool in_group(const cs_detail *d, int group) {
    for (int i = 0; i < d->groups_count; i++)
        if (d->groups[i] == group) return true;
    return false;
}

// Fills in from Capstone's decoding of the bytes at addr; size_hint is Unicorn's idea of the
// length, used when Capstone cannot decode.
static void decode(omni_emu *e, uint64_t addr, uint32_t size_hint, struct emu_insn *in) {
    memset(in, 0, sizeof *in);
    in->addr = addr;
    uint8_t bytes[16];
    int n = 15;
    while (n > 0 && emu_copy_out(e, addr, bytes, n) != 0) n--;
    cs_insn *insn = NULL;
    if (n == 0 || cs_disasm(e->cs, bytes, n, addr, 1, &insn) != 1) {
        in->size = size_hint <= 15 ? size_hint : 1;
        in->flags = EMU_I_ALLREGS | EMU_I_MXCSR | EMU_I_BLOCKEND;
        in->gprs = TRACED_GPRS;
        in->xmms = 0xffff;
        return;
    }
    in->size = insn->size;
    const cs_detail *d = insn->detail;
    cs_regs rr, ww;
    uint8_t nr = 0, nw = 0;
    if (cs_regs_access(e->cs, insn, rr, &nr, ww, &nw) == CS_ERR_OK) {
        for (int i = 0; i < nw; i++) {
            int slot = reg_slot(e->cs, ww[i]);
            if (slot >= OMNI_REG_XMM0) in->xmms |= 1 << (slot - OMNI_REG_XMM0);
            else if (slot >= 0) in->gprs |= 1u << slot;
        }
    } else {
        in->flags |= EMU_I_ALLREGS;
    }
    if (in_group(d, X86_GRP_CALL)) in->flags |= EMU_I_CALL | EMU_I_BLOCKEND;
    if (in_group(d, X86_GRP_RET)) in->flags |= EMU_I_RET | EMU_I_BLOCKEND;
    if (in_group(d, X86_GRP_JUMP) || in_group(d, X86_GRP_INT) || in_group(d, X86_GRP_IRET) ||
        in_group(d, X86_GRP_BRANCH_RELATIVE))
        in->flags |= EMU_I_BLOCKEND;
    for (int g = X86_GRP_SSE1; g <= X86_GRP_SSSE3; g++)
        if (in_group(d, g)) in->flags |= EMU_I_MXCSR;
    uint8_t op = d->x86.opcode[0];
    bool string_op = (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) || (op >= 0x6c && op <= 0x6f);
    if (string_op && (d->x86.prefix[0] == X86_PREFIX_REP || d->x86.prefix[0] == X86_PREFIX_REPNE))
        in->flags |= EMU_I_REP;
    // Implicit writes Capstone 4 leaves out or that this engine makes itself.
    switch (insn->id) {
    case X86_INS_SYSCALL:
        in->flags |= EMU_I_BLOCKEND;
        in->gprs |= 1u << OMNI_RCX | 1u << OMNI_R11;
        break;
    case X86_INS_CPUID:
        in->gprs |= 1u << OMNI_RAX | 1u << OMNI_RBX | 1u << OMNI_RCX | 1u << OMNI_RDX;
        break;
    case X86_INS_INT: case X86_INS_INT3: case X86_INS_INTO: case X86_INS_INT1:
        in->flags |= EMU_I_SWINT | EMU_I_BLOCKEND;
        break;
    case X86_INS_UD2: case X86_INS_UD2B:
        in->flags |= EMU_I_UD2 | EMU_I_BLOCKEND;
        break;
    case X86_INS_HLT:
        in->flags |= EMU_I_HLT;
        break;
    case X86_INS_RDTSC: in->flags |= OMNI_NONDET_RDTSC << EMU_I_NONDET_SHIFT; break;
    case X86_INS_RDTSCP: in->flags |= OMNI_NONDET_RDTSCP << EMU_I_NONDET_SHIFT; break;
    case X86_INS_RDRAND: in->flags |= OMNI_NONDET_RDRAND << EMU_I_NONDET_SHIFT; break;
    case X86_INS_RDSEED: in->flags |= OMNI_NONDET_RDSEED << EMU_I_NONDET_SHIFT; break;
    case X86_INS_LDMXCSR:
        in->flags |= EMU_I_MXCSR;
        break;
    case X86_INS_FXRSTOR: case X86_INS_FXRSTOR64: case X86_INS_XRSTOR: case X86_INS_XRSTOR64:
    case X86_INS_XRSTORS: case X86_INS_XRSTORS64:
        in->flags |= EMU_I_MXCSR;
        in->xmms = 0xffff;
        break;
    default:
        break;
    }
    if (in->flags & EMU_I_ALLREGS) {
        in->gprs = TRACED_GPRS;
        in->xmms = 0xffff;
        in->flags |= EMU_I_MXCSR;
    }
    in->gprs &= TRACED_GPRS;
    cs_free(insn, 1);
}

static inline uint64_t codepage_bit(uint64_t page) { return (page * 0x9E3779B97F4A7C15ULL) >> 48; }

static void codepage_mark(omni_emu *e, uint64_t addr, int size) {
    for (uint64_t p = addr / EMU_PAGE; p <= (addr + size - 1) / EMU_PAGE; p++) {
        uint64_t b = codepage_bit(p);
        e->codepages[b / 64] |= 1ULL << (b % 64);
    }
}

static inline uint64_t hash_addr(uint64_t a) { return (a * 0x9E3779B97F4A7C15ULL) >> 20; }

static void islot_put(struct emu_islot *slots, uint64_t mask, uint64_t addr, uint32_t idx) {
    uint64_t h = hash_addr(addr) & mask;
    while (slots[h].addr != 0) h = (h + 1) & mask;
    slots[h].addr = addr;
    slots[h].idx = idx;
}

// Rebuilds the hash with `slots` slots, first dropping the decodings that overlap
// [drop_lo, drop_hi) from the array (which renumbers the rest: every successor link is reset).
static bool icache_rebuild(omni_emu *e, uint64_t slots, uint64_t drop_lo, uint64_t drop_hi) {
    struct emu_islot *n = calloc(slots, sizeof *n);
    if (!n) return false;
    if (drop_lo < drop_hi) {
        uint32_t kept = 0;
        for (uint32_t i = 0; i < e->ninsns; i++) {
            struct emu_insn *in = &e->insns[i];
            if (in->addr < drop_hi && in->addr + in->size > drop_lo) continue;
            e->insns[kept] = *in;
            e->insns[kept].succ[0] = e->insns[kept].succ[1] = EMU_NOIDX;
            kept++;
        }
        e->ninsns = kept;
        e->last_idx = EMU_NOIDX;
    }
    for (uint32_t i = 0; i < e->ninsns; i++) islot_put(n, slots - 1, e->insns[i].addr, i);
    free(e->islots);
    e->islots = n;
    e->islot_mask = slots - 1;
    return true;
}

// Index of the decoded instruction at addr, decoded now if not cached; EMU_NOIDX (and the
// decoding in *scratch) when it cannot be cached.
static uint32_t icache_lookup(omni_emu *e, uint64_t addr, uint32_t size_hint, struct emu_insn *scratch) {
    uint64_t h = hash_addr(addr) & e->islot_mask;
    for (;;) {
        struct emu_islot *s = &e->islots[h];
        if (s->addr == addr) return s->idx;
        if (s->addr == 0) break;
        h = (h + 1) & e->islot_mask;
    }
    if (addr == 0 || e->ninsns == EMU_NOIDX - 1) {
        decode(e, addr, size_hint, scratch);
        return EMU_NOIDX;
    }
    if (e->ninsns == e->cap_insns) {
        uint32_t cap = e->cap_insns ? 2 * e->cap_insns : 4096;
        if (cap < e->cap_insns || cap >= EMU_NOIDX) cap = EMU_NOIDX - 1;
        struct emu_insn *n = realloc(e->insns, (size_t)cap * sizeof *n);
        if (!n) {
            decode(e, addr, size_hint, scratch);
            return EMU_NOIDX;
        }
        e->insns = n;
        e->cap_insns = cap;
    }
    if ((uint64_t)(e->ninsns + 1) * 2 > e->islot_mask + 1) {
        if (!icache_rebuild(e, 2 * (e->islot_mask + 1), 0, 0)) {
            decode(e, addr, size_hint, scratch);
            return EMU_NOIDX;
        }
        h = hash_addr(addr) & e->islot_mask;
        while (e->islots[h].addr != 0) h = (h + 1) & e->islot_mask;
    }
    uint32_t idx = e->ninsns++;
    struct emu_insn *in = &e->insns[idx];
    decode(e, addr, size_hint, in);
    in->succ[0] = in->succ[1] = EMU_NOIDX;
    e->islots[h].addr = addr;
    e->islots[h].idx = idx;
    codepage_mark(e, addr, in->size);
    return idx;
}

void emu_icache_invalidate(omni_emu *e, uint64_t addr, uint64_t len) {
    if (e->ninsns == 0) return;
    // Cheap filter first: stores to pages where nothing was ever decoded are the common case.
    bool maybe = false;
    for (uint64_t p = (addr > 15 ? addr - 15 : 0) / EMU_PAGE; p <= (addr + len - 1) / EMU_PAGE && !maybe; p++) {
        uint64_t b = codepage_bit(p);
        maybe = e->codepages[b / 64] & (1ULL << (b % 64));
    }
    if (!maybe) return;
    // Any cached instruction overlapping the range: starts at most 15 bytes before it.
    uint64_t lo = addr > 15 ? addr - 15 : 0;
    bool hit = false;
    for (uint32_t i = 0; i < e->ninsns && !hit; i++) {
        struct emu_insn *in = &e->insns[i];
        hit = in->addr < addr + len && in->addr + in->size > addr && in->addr >= lo;
    }
    if (hit) icache_rebuild(e, e->islot_mask + 1, addr, addr + len);
}

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
        if (TRACED_GPRS & (1u << i)) e->shadow[i] = emu_reg(e, i);
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

// The store being assembled is complete: its new bytes are in memory now.
void emu_mrow_finish(omni_emu *e) {
    struct emu_memrow *m = &e->mrow;
    if (!m->valid) return;
    m->valid = false;
    if (m->size > 0) mem_row(e, m->step, m->rip, m->addr, m->size, m->old, m->host);
}

static void control_row(omni_emu *e, const struct emu_pending *p, uint64_t target) {
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

// The pending instruction completed (next_rip is where execution goes on): record its rows and
// count its step.
static inline __attribute__((always_inline)) void finish_insn(omni_emu *e, uint64_t next_rip) {
    struct emu_pending *p = &e->pend;
    uint64_t flags = e->trace.flags;
    emu_mrow_finish(e);
    if (flags & OMNI_TRACE_REGS)
        diff_regs(e, p->in.gprs, p->in.xmms, p->in.flags & EMU_I_MXCSR, p->step);
    if ((flags & OMNI_TRACE_CONTROL) && (p->in.flags & (EMU_I_CALL | EMU_I_RET))) control_row(e, p, next_rip);
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
            idx = icache_lookup(e, addr, size, &scratch);
            // The lookup may have dropped or moved the array (a rebuild resets last_idx).
            if (e->last_idx == prev) e->insns[prev].succ[other] = p->succ[other] = idx;
        }
    } else {
        idx = icache_lookup(e, addr, size, &scratch);
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
    e->last_idx = idx;
}

// One store of `size` bytes at addr within region r.
static void store_piece(omni_emu *e, struct emu_region *r, uint64_t addr, int size) {
    if (r->prot & OMNI_PROT_EXEC) emu_icache_invalidate(e, addr, size);
    if (!(e->trace.flags & OMNI_TRACE_MEM) || !e->pend.valid) return;
    uint8_t *h = r->host + (addr - r->start);
    struct emu_memrow *m = &e->mrow;
    if (m->valid && m->step == e->pend.step && addr == m->addr + m->size && h == m->host + m->size &&
        m->size + size <= 16) {
        copy_small(m->old + m->size, h, size);
        m->size += size;
        return;
    }
    emu_mrow_finish(e);
    m->valid = true;
    m->step = e->pend.step;
    m->rip = e->pend.in.addr;
    m->addr = addr;
    m->host = h;
    m->size = size;
    copy_small(m->old, h, size);
}

static void on_write(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user) {
    (void)uc, (void)type, (void)value;
    omni_emu *e = user;
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
    e->insns = NULL;
    e->islots = NULL;
    e->ninsns = e->cap_insns = 0;
    e->last_idx = EMU_NOIDX;
    if (!icache_rebuild(e, 1 << 14, 0, 0)) return OMNI_ENOMEM;
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
    diff_regs(e, TRACED_GPRS, 0xffff, true, e->trace.step ? e->trace.step - 1 : 0);
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
