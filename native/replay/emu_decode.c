// Instruction decoding: what the hooks need to know about the instruction at an address
// (struct emu_insn: length, register write set, kind), decoded once by Capstone and kept in an
// array in decoding order with a hash from address to index; the successor links between the
// entries are followed by the code hook (emu_run.c) and reset here when the array changes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

// ---- Instruction cache -----------------------------------------------------------------------

// Capstone register -> omni register row: 0..26 GPR index (rip too: not a traced GPR, masked
// out below), 32+n xmm n, -1 not traced.
static int reg_slot(unsigned reg) {
    int offset, size;
    return emu_reg_part(reg, &offset, &size);
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
        in->gprs = EMU_TRACED_GPRS;
        in->xmms = 0xffff;
        return;
    }
    in->size = insn->size;
    const cs_detail *d = insn->detail;
    cs_regs rr, ww;
    uint8_t nr = 0, nw = 0;
    if (cs_regs_access(e->cs, insn, rr, &nr, ww, &nw) == CS_ERR_OK) {
        for (int i = 0; i < nw; i++) {
            int slot = reg_slot(ww[i]);
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
    case X86_INS_FXSAVE: case X86_INS_FXSAVE64:
        in->flags |= EMU_I_FXSAVE;
        break;
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
        in->gprs = EMU_TRACED_GPRS;
        in->xmms = 0xffff;
        in->flags |= EMU_I_MXCSR;
    }
    in->gprs &= EMU_TRACED_GPRS;
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
uint32_t emu_icache_lookup(omni_emu *e, uint64_t addr, uint32_t size_hint, struct emu_insn *scratch) {
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

// An empty cache for a new emulator.
bool emu_icache_init(omni_emu *e) {
    e->insns = NULL;
    e->islots = NULL;
    e->ninsns = e->cap_insns = 0;
    e->last_idx = EMU_NOIDX;
    return icache_rebuild(e, 1 << 14, 0, 0);
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
