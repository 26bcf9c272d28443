// The memory map: every mapping piece is host memory we mmap (a memfd view for a shared one);
// adjacent pieces with the same read and exec permissions share one Unicorn region
// (uc_mem_map_ptr over their host memory, made contiguous); reads and writes of guest memory.
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu_internal.h"

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

// Inserts the piece r at its sorted position (our map only: Unicorn follows at spans_sync).
static int region_insert(omni_emu *e, const struct emu_region *r) {
    if (e->nregions == e->cap_regions) {
        int cap = e->cap_regions ? 2 * e->cap_regions : 64;
        struct emu_region *n = realloc(e->regions, cap * sizeof *n);
        if (!n) return OMNI_ENOMEM;
        e->regions = n;
        e->cap_regions = cap;
    }
    int i = region_index(e, r->start);
    memmove(&e->regions[i + 1], &e->regions[i], (e->nregions - i) * sizeof *r);
    e->regions[i] = *r;
    e->nregions++;
    e->hint = i;
    return 0;
}

// Makes x a piece boundary: a piece spanning it becomes two, sharing its host memory.
static int split_at(omni_emu *e, uint64_t x) {
    int i = region_index(e, x);
    if (i == e->nregions || e->regions[i].start >= x) return 0;
    struct emu_region r = e->regions[i];
    struct emu_region right = r;
    right.start = x;
    right.host = r.host + (x - r.start);
    right.offset = r.offset + (x - r.start);
    e->regions[i].end = x;
    int rc = region_insert(e, &right);
    if (rc) {
        e->regions[i].end = r.end;
        return rc;
    }
    if (r.shared) r.shared->refs++;
    return 0;
}

// ---- Spans: the Unicorn regions --------------------------------------------------------------

// Index of the first span whose end is above addr (nspans if none).
static int span_index(omni_emu *e, uint64_t addr) {
    int lo = 0, hi = e->nspans;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (e->spans[mid].end <= addr) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

// The permissions that must agree for pieces to share a Unicorn region (write need not).
static int span_key(int prot) { return prot & (OMNI_PROT_READ | OMNI_PROT_EXEC); }

struct run {
    uint64_t start, end;
    int key, uc_prot;
    int first, last;  // piece indexes, inclusive
    bool kept;        // an identical span is mapped already
};

// Makes the host memory of pieces first..last contiguous, mirroring their guest addresses: the
// largest stays where it is when the host addresses around it are free, else all move to a new
// reservation. mremap moves page tables, not bytes.
static int make_contiguous(omni_emu *e, const struct run *u, bool *moved) {
    struct emu_region *p = e->regions;
    bool ok = true;
    int big = u->first;
    for (int k = u->first; k <= u->last; k++) {
        if (p[k].host != p[u->first].host + (p[k].start - u->start)) ok = false;
        if (p[k].end - p[k].start > p[big].end - p[big].start) big = k;
    }
    if (ok) return 0;
    emu_mrow_finish(e);  // its host pointers may move
    uint64_t len = u->end - u->start;
    uint8_t *base = p[big].host - (p[big].start - u->start);
    uint64_t left = p[big].start - u->start, right = u->end - p[big].end;
    bool in_place = (uintptr_t)p[big].host >= left;
    void *l = NULL, *r = NULL;
    if (in_place && left) {
        l = mmap(base, left, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
        if (l == MAP_FAILED || l != base) {
            if (l != MAP_FAILED) munmap(l, left);
            l = NULL;
            in_place = false;
        }
    }
    if (in_place && right) {
        uint8_t *at = p[big].host + (p[big].end - p[big].start);
        r = mmap(at, right, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
        if (r == MAP_FAILED || r != at) {
            if (r != MAP_FAILED) munmap(r, right);
            if (l) munmap(l, left);
            in_place = false;
        }
    }
    if (!in_place) {
        base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) return OMNI_ENOMEM;
    }
    for (int k = u->first; k <= u->last; k++) {
        uint8_t *want = base + (p[k].start - u->start);
        if (p[k].host == want) continue;
        uint64_t n = p[k].end - p[k].start;
        *moved = true;
        void *got = mremap(p[k].host, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, want);
        if (got == MAP_FAILED) return OMNI_ENOMEM;
        p[k].host = want;
    }
    return 0;
}

// Drops every entry of QEMU's TLB, which caches host addresses of guest pages: after host memory
// moved, an entry left over from the Unicorn region that mapped it would store to where it was.
// Unicorn 2.0.1 has no call for it; a change of CR4.PGE flushes the TLB (cpu_x86_update_cr4).
static void tlb_flush(omni_emu *e) {
    uint64_t cr4 = 0;
    uc_reg_read(e->uc, UC_X86_REG_CR4, &cr4);
    uint64_t other = cr4 ^ (1u << 7);
    uc_reg_write(e->uc, UC_X86_REG_CR4, &other);
    uc_reg_write(e->uc, UC_X86_REG_CR4, &cr4);
}

// Brings Unicorn's regions in line with the pieces after a change to [lo, hi): the spans touching
// it are recomputed (with the invariant that spans are maximal runs, nothing further away can
// change). A span that comes out identical stays mapped, its permissions updated if need be.
static int spans_sync(omni_emu *e, uint64_t lo, uint64_t hi) {
    int a = span_index(e, lo ? lo - 1 : 0), b = a;
    while (b < e->nspans && e->spans[b].start <= hi) b++;
    if (a < b) {
        if (e->spans[a].start < lo) lo = e->spans[a].start;
        if (e->spans[b - 1].end > hi) hi = e->spans[b - 1].end;
    }
    int i0 = region_index(e, lo), nruns = 0, cap = 16;
    struct run *runs = malloc(cap * sizeof *runs);
    if (!runs) return OMNI_ENOMEM;
    for (int i = i0; i < e->nregions && e->regions[i].start < hi; i++) {
        struct emu_region *p = &e->regions[i];
        if (!p->prot) continue;  // PROT_NONE: in no Unicorn region
        struct run *u = nruns ? &runs[nruns - 1] : NULL;
        if (u && u->end == p->start && u->key == span_key(p->prot)) {
            u->end = p->end;
            u->uc_prot |= to_uc_prot(p->prot);
            u->last = i;
            continue;
        }
        if (nruns == cap) {
            struct run *n = realloc(runs, 2 * cap * sizeof *runs);
            if (!n) {
                free(runs);
                return OMNI_ENOMEM;
            }
            runs = n;
            cap *= 2;
        }
        runs[nruns++] = (struct run){p->start, p->end, span_key(p->prot), to_uc_prot(p->prot), i, i, false};
    }
    int total = e->nspans - (b - a) + nruns;
    if (total > EMU_MAX_SPANS) {
        free(runs);
        e->last_uc_err = UC_ERR_NOMEM;
        return OMNI_ENOMEM;
    }
    int rc = 0;
    bool moved = false;
    // Old spans that no run equals leave Unicorn first (their host memory may move).
    for (int j = a, k = 0; j < b; j++) {
        struct emu_span *s = &e->spans[j];
        while (k < nruns && runs[k].start < s->start) k++;
        if (k < nruns && runs[k].start == s->start && runs[k].end == s->end) {
            runs[k].kept = true;
            if (runs[k].uc_prot != s->uc_prot) {
                uc_err err = uc_mem_protect(e->uc, s->start, s->end - s->start, runs[k].uc_prot);
                if (err && !rc) rc = emu_uc_fail(e, err);
            }
            continue;
        }
        uc_err err = uc_mem_unmap(e->uc, s->start, s->end - s->start);
        if (err && !rc) rc = emu_uc_fail(e, err);
    }
    if (total > e->cap_spans) {
        int ncap = e->cap_spans ? e->cap_spans : 64;
        while (ncap < total) ncap *= 2;
        struct emu_span *n = realloc(e->spans, ncap * sizeof *n);
        if (!n) {
            free(runs);
            return OMNI_ENOMEM;
        }
        e->spans = n;
        e->cap_spans = ncap;
    }
    memmove(&e->spans[a + nruns], &e->spans[b], (e->nspans - b) * sizeof *e->spans);
    e->nspans = total;
    for (int k = 0; k < nruns; k++) {
        struct run *u = &runs[k];
        e->spans[a + k] = (struct emu_span){u->start, u->end, u->uc_prot};
        if (u->kept) continue;
        int r2 = make_contiguous(e, u, &moved);
        uc_err err = r2 ? UC_ERR_OK
                        : uc_mem_map_ptr(e->uc, u->start, u->end - u->start, u->uc_prot,
                                         e->regions[u->first].host - (e->regions[u->first].start - u->start));
        if (!rc) rc = r2 ? r2 : err ? emu_uc_fail(e, err) : 0;
    }
    free(runs);
    if (moved) tlb_flush(e);
    return rc;
}

// Removes the pieces in [addr, addr+len) from our map; their host memory is released by the caller
// (release_dead) once Unicorn no longer maps it.
static int unmap_range(omni_emu *e, uint64_t addr, uint64_t len, struct emu_region **dead, int *ndead) {
    emu_mrow_finish(e);  // its host bytes may go away
    uint64_t end = addr + len;
    int rc;
    if ((rc = split_at(e, addr)) || (rc = split_at(e, end))) return rc;
    int i = region_index(e, addr), j = i;
    while (j < e->nregions && e->regions[j].start < end) j++;
    *ndead = j - i;
    *dead = NULL;
    if (j > i) {
        *dead = malloc((j - i) * sizeof **dead);
        if (!*dead) return OMNI_ENOMEM;
        memcpy(*dead, &e->regions[i], (j - i) * sizeof **dead);
        memmove(&e->regions[i], &e->regions[j], (e->nregions - j) * sizeof *e->regions);
        e->nregions -= j - i;
        e->hint = 0;
    }
    emu_icache_invalidate(e, addr, len);
    return 0;
}

static void release_dead(struct emu_region *dead, int ndead) {
    for (int i = 0; i < ndead; i++) release_host(&dead[i]);
    free(dead);
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
    struct emu_region *dead;
    int ndead;
    int rc = unmap_range(e, addr, len, &dead, &ndead);
    if (rc) return rc;
    struct emu_region r = {.start = addr, .end = addr + len, .prot = prot};
    if (!(rc = alloc_host(len, flags & OMNI_MAP_SHARED, &r)) && (rc = region_insert(e, &r))) release_host(&r);
    int rc2 = spans_sync(e, addr, addr + len);
    release_dead(dead, ndead);
    return rc ? rc : rc2;
}

int omni_emu_unmap(omni_emu *e, uint64_t addr, uint64_t len) {
    if (!aligned_range(addr, len)) return OMNI_EINVAL;
    struct emu_region *dead;
    int ndead;
    int rc = unmap_range(e, addr, len, &dead, &ndead);
    if (rc) return rc;
    rc = spans_sync(e, addr, addr + len);
    release_dead(dead, ndead);
    return rc;
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
    for (int i = region_index(e, addr); i < e->nregions && e->regions[i].start < end; i++)
        e->regions[i].prot = prot;
    return spans_sync(e, addr, end);
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
    struct emu_region *dead1 = NULL, *dead2 = NULL;
    int ndead1 = 0, ndead2 = 0;
    if ((rc = unmap_range(e, old_addr, old_len, &dead1, &ndead1)) ||
        (rc = unmap_range(e, new_addr, new_len, &dead2, &ndead2)) || (rc = region_insert(e, &r)))
        release_host(&r);
    int rc2 = spans_sync(e, old_addr, old_addr + old_len);
    int rc3 = spans_sync(e, new_addr, new_addr + new_len);
    release_dead(dead1, ndead1);
    release_dead(dead2, ndead2);
    return rc ? rc : rc2 ? rc2 : rc3;
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

// The memory of a fork(2) child c: p's private pieces copied, its shared ones viewed anew.
int emu_mem_fork(omni_emu *c, omni_emu *p) {
    for (int i = 0; i < p->nregions; i++) {
        struct emu_region *src = &p->regions[i];
        struct emu_region r = {.start = src->start, .end = src->end, .prot = src->prot};
        uint64_t len = r.end - r.start;
        int rc = src->shared ? view_host(src->shared, src->offset, len, &r) : alloc_host(len, false, &r);
        if (rc) return rc;
        if (!src->shared) memcpy(r.host, src->host, len);
        if ((rc = region_insert(c, &r))) {
            release_host(&r);
            return rc;
        }
    }
    return spans_sync(c, 0, 1ULL << 47);
}

// Releases the host memory of every piece (omni_emu_free, after uc_close).
void emu_mem_free(omni_emu *e) {
    for (int i = 0; i < e->nregions; i++) release_host(&e->regions[i]);
    free(e->regions);
    free(e->spans);
}

// ---- Write permission within a span ---------------------------------------------------------

// The write hook's check, before the store [addr, addr+size) happens: whether it must fault
// because some byte is in a mapped piece without write permission while Unicorn's region lets it
// through. Then the region holding addr loses its write permission until the run ends
// (emu_restore_revoked): Unicorn checks a region's permission after the write hooks, so the store
// faults there as on a read-only region, with no byte written.
bool emu_write_fault(omni_emu *e, uint64_t addr, int size) {
    uint64_t bad = 0;
    bool found = false;
    for (uint64_t a = addr, end = addr + size; a < end;) {
        struct emu_region *r = emu_find_region(e, a);
        if (!r) return false;  // unmapped: Unicorn faults by itself
        if (!(r->prot & OMNI_PROT_WRITE) && !found) {
            found = true;
            bad = a;
        }
        a = r->end;
    }
    if (!found) return false;
    e->stop_reason = OMNI_STOP_MEM_FAULT;
    e->stop_detail = OMNI_FAULT_WRITE | OMNI_FAULT_PROT;
    e->fault_addr = bad;
    int i = span_index(e, addr);
    struct emu_span *s = &e->spans[i];
    if (i < e->nspans && s->start <= addr && (s->uc_prot & UC_PROT_WRITE) && !e->revoked_end) {
        e->revoked_start = s->start;
        e->revoked_end = s->end;
        e->revoked_prot = s->uc_prot;
        uc_mem_protect(e->uc, s->start, s->end - s->start, s->uc_prot & ~UC_PROT_WRITE);
    }
    uc_emu_stop(e->uc);
    return true;
}

void emu_restore_revoked(omni_emu *e) {
    if (!e->revoked_end) return;
    uc_mem_protect(e->uc, e->revoked_start, e->revoked_end - e->revoked_start, e->revoked_prot);
    e->revoked_end = 0;
}
