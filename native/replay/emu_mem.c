// The memory map: every mapping piece is host memory we mmap (a memfd view for a shared one),
// registered with Unicorn as one region (uc_mem_map_ptr); reads and writes of guest memory.
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

// Maps r in Unicorn and inserts it at its sorted position.
static int region_insert(omni_emu *e, const struct emu_region *r) {
    if (e->nregions >= EMU_MAX_REGIONS) return OMNI_ELIMIT;
    if (e->nregions == e->cap_regions) {
        int cap = e->cap_regions ? 2 * e->cap_regions : 64;
        struct emu_region *n = realloc(e->regions, cap * sizeof *n);
        if (!n) return OMNI_ENOMEM;
        e->regions = n;
        e->cap_regions = cap;
    }
    uc_err err = uc_mem_map_ptr(e->uc, r->start, r->end - r->start, to_uc_prot(r->prot), r->host);
    if (err) return emu_uc_fail(e, err);
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
    if (err) return emu_uc_fail(e, err);
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
    if (e->nregions + 1 > EMU_MAX_REGIONS) return OMNI_ELIMIT;  // checked before anything changes
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

// Whether x is inside a region rather than at its start (mprotect there would split it).
static bool splits(omni_emu *e, uint64_t x) {
    int i = region_index(e, x);
    return i < e->nregions && e->regions[i].start < x;
}

// Many regions: the regions overlapping [addr, end) gain prot's permissions, whole (no split).
static int protect_loosely(omni_emu *e, uint64_t addr, uint64_t end, int prot) {
    for (int i = region_index(e, addr); i < e->nregions && e->regions[i].start < end; i++) {
        struct emu_region *r = &e->regions[i];
        int wanted = r->prot | prot;
        if (wanted == r->prot) continue;
        uc_err err = uc_mem_protect(e->uc, r->start, r->end - r->start, to_uc_prot(wanted));
        if (err) return emu_uc_fail(e, err);
        r->prot = wanted;
    }
    return 0;
}

int omni_emu_protect(omni_emu *e, uint64_t addr, uint64_t len, int prot) {
    if (!aligned_range(addr, len) || (prot & ~7)) return OMNI_EINVAL;
    if (!covered(e, addr, len)) return OMNI_EFAULT;
    int rc;
    uint64_t end = addr + len;
    if (e->nregions >= EMU_EXACT_PROT_REGIONS && (splits(e, addr) || splits(e, end)))
        return protect_loosely(e, addr, end, prot);
    if ((rc = split_at(e, addr)) || (rc = split_at(e, end))) return rc;
    for (int i = region_index(e, addr); i < e->nregions && e->regions[i].start < end; i++) {
        struct emu_region *r = &e->regions[i];
        uc_err err = uc_mem_protect(e->uc, r->start, r->end - r->start, to_uc_prot(prot));
        if (err) return emu_uc_fail(e, err);
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
    return 0;
}

// Releases the host memory of every piece (omni_emu_free, after uc_close).
void emu_mem_free(omni_emu *e) {
    for (int i = 0; i < e->nregions; i++) release_host(&e->regions[i]);
    free(e->regions);
}
