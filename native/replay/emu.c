// Emulator lifecycle, memory map, registers, CPUID table and disassembly (see emu.h).
// Hooks, runs and tracing are in emu_run.c.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
    default: return "unknown error";
    }
}

int omni_emu_last_uc_err(omni_emu *e) { return e->last_uc_err; }

static int uc_fail(omni_emu *e, uc_err err) {
    e->last_uc_err = err;
    return err == UC_ERR_NOMEM ? OMNI_ENOMEM : OMNI_EUNICORN;
}

// ---- Regions ---------------------------------------------------------------------------------

static int to_uc_prot(int prot) {
    return (prot & OMNI_PROT_READ ? UC_PROT_READ : 0) | (prot & OMNI_PROT_WRITE ? UC_PROT_WRITE : 0) |
           (prot & OMNI_PROT_EXEC ? UC_PROT_EXEC : 0);
}

static bool aligned_range(uint64_t addr, uint64_t len) {
    return len > 0 && (addr % EMU_PAGE) == 0 && (len % EMU_PAGE) == 0 && addr + len > addr &&
           addr + len <= (1ULL << 47);
}

// Index of the first region whose end is above addr (nregions if none).
static int region_index(omni_emu *e, uint64_t addr) {
    int lo = 0, hi = e->nregions;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (e->regions[mid].end <= addr) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

struct emu_region *emu_find_region(omni_emu *e, uint64_t addr) {
    if (e->hint < e->nregions) {
        struct emu_region *r = &e->regions[e->hint];
        if (addr >= r->start && addr < r->end) return r;
    }
    int i = region_index(e, addr);
    if (i < e->nregions && e->regions[i].start <= addr) {
        e->hint = i;
        return &e->regions[i];
    }
    return NULL;
}

static void backing_release(struct emu_backing *b) {
    if (b && --b->refs == 0) {
        close(b->fd);
        free(b);
    }
}

static void release_host(struct emu_region *r) {
    munmap(r->host, r->end - r->start);
    backing_release(r->shared);
}

// Maps r in Unicorn and inserts it at its sorted position.
static int region_insert(omni_emu *e, const struct emu_region *r) {
    if (e->nregions == e->cap_regions) {
        int cap = e->cap_regions ? 2 * e->cap_regions : 64;
        struct emu_region *n = realloc(e->regions, cap * sizeof *n);
        if (!n) return OMNI_ENOMEM;
        e->regions = n;
        e->cap_regions = cap;
    }
    uc_err err = uc_mem_map_ptr(e->uc, r->start, r->end - r->start, to_uc_prot(r->prot), r->host);
    if (err) return uc_fail(e, err);
    int i = region_index(e, r->start);
    memmove(&e->regions[i + 1], &e->regions[i], (e->nregions - i) * sizeof *r);
    e->regions[i] = *r;
    e->nregions++;
    e->hint = i;
    return 0;
}

static int region_remove(omni_emu *e, int i, bool free_host) {
    struct emu_region r = e->regions[i];
    uc_err err = uc_mem_unmap(e->uc, r.start, r.end - r.start);
    if (err) return uc_fail(e, err);
    memmove(&e->regions[i], &e->regions[i + 1], (e->nregions - i - 1) * sizeof r);
    e->nregions--;
    e->hint = 0;
    if (free_host) release_host(&r);
    return 0;
}

// Makes x a region boundary: a region spanning it becomes two, sharing its host memory.
static int split_at(omni_emu *e, uint64_t x) {
    int i = region_index(e, x);
    if (i == e->nregions || e->regions[i].start >= x) return 0;
    struct emu_region r = e->regions[i];
    int rc = region_remove(e, i, false);
    if (rc) return rc;
    struct emu_region left = r, right = r;
    left.end = x;
    right.start = x;
    right.host = r.host + (x - r.start);
    right.offset = r.offset + (x - r.start);
    if (r.shared) r.shared->refs++;
    if ((rc = region_insert(e, &left)) || (rc = region_insert(e, &right))) return rc;
    return 0;
}

static int unmap_range(omni_emu *e, uint64_t addr, uint64_t len) {
    emu_mrow_finish(e);  // its host bytes may go away
    uint64_t end = addr + len;
    int rc;
    if ((rc = split_at(e, addr)) || (rc = split_at(e, end))) return rc;
    int i = region_index(e, addr);
    while (i < e->nregions && e->regions[i].start < end) {
        if ((rc = region_remove(e, i, true))) return rc;
    }
    emu_icache_invalidate(e, addr, len);
    return 0;
}

// Host memory for a new mapping: anonymous, or a fresh memfd view for a shared one.
static int alloc_host(uint64_t len, bool shared, struct emu_region *r) {
    r->shared = NULL;
    r->offset = 0;
    if (shared) {
        struct emu_backing *b = calloc(1, sizeof *b);
        if (!b) return OMNI_ENOMEM;
        b->fd = memfd_create("omni-shared", MFD_CLOEXEC);
        if (b->fd < 0 || ftruncate(b->fd, len) != 0) {
            if (b->fd >= 0) close(b->fd);
            free(b);
            return OMNI_ENOMEM;
        }
        b->size = len;
        b->refs = 1;
        r->host = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
        if (r->host == MAP_FAILED) {
            backing_release(b);
            return OMNI_ENOMEM;
        }
        r->shared = b;
        return 0;
    }
    r->host = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return r->host == MAP_FAILED ? OMNI_ENOMEM : 0;
}

// A new view of b at offset off (b gains a reference).
static int view_host(struct emu_backing *b, uint64_t off, uint64_t len, struct emu_region *r) {
    if (off + len > b->size) {
        if (ftruncate(b->fd, off + len) != 0) return OMNI_ENOMEM;
        b->size = off + len;
    }
    r->host = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, off);
    if (r->host == MAP_FAILED) return OMNI_ENOMEM;
    r->shared = b;
    r->offset = off;
    b->refs++;
    return 0;
}

int omni_emu_map(omni_emu *e, uint64_t addr, uint64_t len, int prot, int flags) {
    if (!aligned_range(addr, len) || (prot & ~7) || (flags & ~OMNI_MAP_SHARED)) return OMNI_EINVAL;
    int rc = unmap_range(e, addr, len);
    if (rc) return rc;
    struct emu_region r = {.start = addr, .end = addr + len, .prot = prot};
    if ((rc = alloc_host(len, flags & OMNI_MAP_SHARED, &r))) return rc;
    if ((rc = region_insert(e, &r))) release_host(&r);
    return rc;
}

int omni_emu_unmap(omni_emu *e, uint64_t addr, uint64_t len) {
    if (!aligned_range(addr, len)) return OMNI_EINVAL;
    return unmap_range(e, addr, len);
}

// Whether every byte of [addr, addr+len) is mapped.
static bool covered(omni_emu *e, uint64_t addr, uint64_t len) {
    uint64_t cur = addr, end = addr + len;
    for (int i = region_index(e, addr); cur < end; i++) {
        if (i == e->nregions || e->regions[i].start > cur) return false;
        cur = e->regions[i].end;
    }
    return true;
}

int omni_emu_protect(omni_emu *e, uint64_t addr, uint64_t len, int prot) {
    if (!aligned_range(addr, len) || (prot & ~7)) return OMNI_EINVAL;
    if (!covered(e, addr, len)) return OMNI_EFAULT;
    int rc;
    uint64_t end = addr + len;
    if ((rc = split_at(e, addr)) || (rc = split_at(e, end))) return rc;
    for (int i = region_index(e, addr); i < e->nregions && e->regions[i].start < end; i++) {
        struct emu_region *r = &e->regions[i];
        uc_err err = uc_mem_protect(e->uc, r->start, r->end - r->start, to_uc_prot(prot));
        if (err) return uc_fail(e, err);
        r->prot = prot;
    }
    return 0;
}

int omni_emu_remap(omni_emu *e, uint64_t old_addr, uint64_t old_len, uint64_t new_addr, uint64_t new_len) {
    if (!aligned_range(old_addr, old_len) || !aligned_range(new_addr, new_len)) return OMNI_EINVAL;
    if (new_addr != old_addr && new_addr < old_addr + old_len && old_addr < new_addr + new_len)
        return OMNI_EINVAL;  // mremap refuses overlapping moves too
    if (!covered(e, old_addr, old_len)) return OMNI_EFAULT;
    struct emu_region *src = emu_find_region(e, old_addr);
    struct emu_region r = {.start = new_addr, .end = new_addr + new_len, .prot = src->prot};
    int rc;
    if (src->shared) {
        // A new view of the same backing: the pages stay shared with whoever else maps them.
        struct emu_backing *b = src->shared;
        uint64_t off = src->offset + (old_addr - src->start);
        if ((rc = view_host(b, off, new_len, &r))) return rc;
    } else {
        if ((rc = alloc_host(new_len, false, &r))) return rc;
        emu_copy_out(e, old_addr, r.host, old_len < new_len ? old_len : new_len);
    }
    if ((rc = unmap_range(e, old_addr, old_len)) || (rc = unmap_range(e, new_addr, new_len)) ||
        (rc = region_insert(e, &r))) {
        release_host(&r);
        return rc;
    }
    return 0;
}

int emu_copy_out(omni_emu *e, uint64_t addr, void *buf, uint64_t len) {
    if (len == 0) return 0;
    if (addr + len < addr || !covered(e, addr, len)) return OMNI_EFAULT;
    uint8_t *out = buf;
    while (len > 0) {
        struct emu_region *r = emu_find_region(e, addr);
        uint64_t n = r->end - addr < len ? r->end - addr : len;
        memcpy(out, r->host + (addr - r->start), n);
        out += n;
        addr += n;
        len -= n;
    }
    return 0;
}

int omni_emu_read(omni_emu *e, uint64_t addr, void *buf, uint64_t len) {
    return emu_copy_out(e, addr, buf, len);
}

int omni_emu_write(omni_emu *e, uint64_t addr, const void *buf, uint64_t len) {
    if (len == 0) return 0;
    emu_mrow_finish(e);  // a store row in progress takes its new bytes before these change
    if (addr + len < addr || !covered(e, addr, len)) return OMNI_EFAULT;
    const uint8_t *in = buf;
    while (len > 0) {
        struct emu_region *r = emu_find_region(e, addr);
        uint64_t n = r->end - addr < len ? r->end - addr : len;
        memcpy(r->host + (addr - r->start), in, n);
        if (r->prot & OMNI_PROT_EXEC) {
            // Unicorn's translated code and our decodings of these bytes are stale now.
            uint64_t first = addr & ~(EMU_PAGE - 1), last = (addr + n + EMU_PAGE - 1) & ~(EMU_PAGE - 1);
            uc_ctl_remove_cache(e->uc, first, last);
            emu_icache_invalidate(e, addr, n);
        }
        in += n;
        addr += n;
        len -= n;
    }
    return 0;
}

int omni_emu_mappings(omni_emu *e, uint64_t *out, int max) {
    int n = 0;
    for (int i = 0; i < e->nregions; i++) {
        struct emu_region *r = &e->regions[i];
        if (n > 0 && i > 0) {
            struct emu_region *p = &e->regions[i - 1];
            bool same_backing = p->shared == r->shared &&
                                (!p->shared || p->offset + (p->end - p->start) == r->offset);
            if (p->end == r->start && p->prot == r->prot && same_backing) {
                if (n <= max) out[3 * (n - 1) + 1] = r->end;
                continue;
            }
        }
        if (n < max) {
            out[3 * n] = r->start;
            out[3 * n + 1] = r->end;
            out[3 * n + 2] = r->prot;
        }
        n++;
    }
    return n;
}

// ---- Registers -------------------------------------------------------------------------------

static bool is_extra(int i) {
    return i == OMNI_ORIG_RAX || i == OMNI_CS || i == OMNI_SS || i == OMNI_DS || i == OMNI_ES ||
           i == OMNI_FS || i == OMNI_GS;
}

int omni_emu_get_regs(omni_emu *e, uint64_t r[27]) {
    for (int i = 0; i < OMNI_NREGS; i++) {
        if (is_extra(i)) {
            r[i] = e->extra[i];
            continue;
        }
        r[i] = 0;
        uc_err err = uc_reg_read(e->uc, emu_uc_reg[i], &r[i]);
        if (err) return uc_fail(e, err);
    }
    return 0;
}

static int write_regs(omni_emu *e, const uint64_t r[27]) {
    for (int i = 0; i < OMNI_NREGS; i++) {
        if (is_extra(i)) {
            e->extra[i] = r[i];
            continue;
        }
        uc_err err = uc_reg_write(e->uc, emu_uc_reg[i], &r[i]);
        if (err) return uc_fail(e, err);
    }
    e->shadow_valid = false;
    return 0;
}

int omni_emu_set_regs(omni_emu *e, const uint64_t r[27]) {
    emu_settle_pending(e);
    emu_end_block(e);
    return write_regs(e, r);
}

// Register rows at `step` for every traced register that r changes.
static int diff_rows(omni_emu *e, const uint64_t r[27], uint64_t step) {
    if (!(e->trace.flags & OMNI_TRACE_REGS)) return 0;
    uint64_t cur[OMNI_NREGS];
    int rc = omni_emu_get_regs(e, cur);
    if (rc) return rc;
    for (int i = 0; i < OMNI_NREGS; i++) {
        if (!is_extra(i) && i != OMNI_RIP && cur[i] != r[i]) emu_reg_row(e, step, i, r[i], 0);
    }
    return 0;
}

int omni_emu_set_regs_at(omni_emu *e, const uint64_t r[27], uint64_t step) {
    emu_settle_pending(e);
    emu_end_block(e);
    int rc = diff_rows(e, r, step);
    return rc ? rc : write_regs(e, r);
}

int omni_emu_retire(omni_emu *e, const uint64_t r[27]) {
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
    if (err) return uc_fail(e, err);
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
    if (err) return uc_fail(e, err);
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
    for (int i = 0; i < e->nregions; i++) release_host(&e->regions[i]);
    free(e->regions);
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
    for (int i = 0; i < p->nregions; i++) {
        struct emu_region *src = &p->regions[i];
        struct emu_region r = {.start = src->start, .end = src->end, .prot = src->prot};
        uint64_t len = r.end - r.start;
        int rc = src->shared ? view_host(src->shared, src->offset, len, &r) : alloc_host(len, false, &r);
        if (rc) goto fail;
        if (!src->shared) memcpy(r.host, src->host, len);
        if (region_insert(c, &r)) {
            release_host(&r);
            goto fail;
        }
    }
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
