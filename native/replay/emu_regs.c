// Direct register reads: where Unicorn keeps the registers in memory, found once per emulator.
//
// uc_reg_read costs about 7 ns a register (three calls and a switch), and the hooks read a
// register or two after every instruction. Unicorn's x86 reg_read is a plain load from QEMU's
// CPUX86State for the general registers, rip, fs_base and gs_base, the xmm registers and mxcsr,
// so reading that memory ourselves gives the very same values. The layout is Unicorn's private
// business, so nothing is assumed beyond what is checked here:
//
// - the CPU state is found by writing distinctive values into the 16 general registers with
//   uc_reg_write and searching, through process_vm_readv (a bad address is an error, not a
//   crash), the memory that the words of the uc_engine point to for those 16 values in a row;
// - the offset of every register is found the same way (three values written, one place that
//   holds each in turn), and
// - every offset is then checked against uc_reg_read with fresh values.
//
// Any doubt leaves a register (or all of them) on uc_reg_read: slower, never different. rflags is
// always read through Unicorn (QEMU computes it from its lazy condition-code state).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "emu_internal.h"

#define SCAN_OWNER 0x10000   // bytes of the uc_engine whose words are candidate pointers
#define SCAN_OBJECT 0x40000  // bytes searched from each candidate pointer
#define SCAN_ENV 0x4000      // bytes of the CPU state searched for each register

// Copies len bytes at addr; false if any of them cannot be read.
static bool safe_read(uint64_t addr, void *buf, size_t len) {
    struct iovec local = {buf, len}, remote = {(void *)addr, len};
    return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len;
}

// Reads [addr, addr+len) page by page; unreadable pages come back as zeros.
static void read_pages(uint64_t addr, uint8_t *buf, size_t len) {
    for (size_t off = 0; off < len;) {
        uint64_t a = addr + off;
        size_t n = EMU_PAGE - (a % EMU_PAGE);
        if (n > len - off) n = len - off;
        if (!safe_read(a, buf + off, n)) memset(buf + off, 0, n);
        off += n;
    }
}

static const int gpr_ids[16] = {UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
                                 UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
                                 UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
                                 UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15};

static uint64_t magic(int i, int round) {
    // Distinctive values, different per register and round, and canonical addresses (below
    // 2^47), in case Unicorn checks what goes into fs_base or gs_base.
    return (0x00005eed2468ace0ULL ^ ((uint64_t)(i + 1) << 32) ^ ((uint64_t)(round + 1) << 12)) & 0x00007fffffffffffULL;
}

// Whether the 16 words at p follow the general registers: they hold vals now, and others[]
// after those are written (vals is written back).
static bool live_regs(omni_emu *e, uint64_t p, const uint64_t vals[16]) {
    uint64_t others[16], got[16];
    for (int i = 0; i < 16; i++) {
        others[i] = magic(i, 9);
        uc_reg_write(e->uc, gpr_ids[i], &others[i]);
    }
    bool ok = safe_read(p, got, sizeof got) && !memcmp(got, others, sizeof got);
    for (int i = 0; i < 16; i++) uc_reg_write(e->uc, gpr_ids[i], &vals[i]);
    return ok && safe_read(p, got, sizeof got) && !memcmp(got, vals, sizeof got);
}

// The CPU state's address: where the 16 general registers sit in a row (QEMU's regs[] order)
// with the values just written, following the registers (not a stale copy). 0 when not found.
static uint64_t find_env(omni_emu *e, const uint64_t vals[16]) {
    static uint64_t cached_owner_off = UINT64_MAX, cached_delta;  // same library, same layout
    uint64_t owner = (uint64_t)(uintptr_t)e->uc;
    uint64_t got[16];
    if (cached_owner_off != UINT64_MAX) {
        uint64_t p;
        if (safe_read(owner + cached_owner_off, &p, 8) && safe_read(p + cached_delta, got, sizeof got) &&
            !memcmp(got, vals, sizeof got) && live_regs(e, p + cached_delta, vals))
            return p + cached_delta;
    }
    uint64_t *words = malloc(SCAN_OWNER);
    uint8_t *obj = malloc(SCAN_OBJECT);
    uint64_t found = 0;
    if (!words || !obj) goto out;
    read_pages(owner, (uint8_t *)words, SCAN_OWNER);
    for (size_t w = 0; w < SCAN_OWNER / 8 && !found; w++) {
        uint64_t p = words[w];
        if (p < 0x10000 || p >= (1ULL << 47) || p % 16) continue;
        bool dup = false;
        for (size_t k = 0; k < w && !dup; k++) dup = words[k] == p;
        if (dup) continue;
        read_pages(p, obj, SCAN_OBJECT);
        for (size_t off = 0; off + sizeof got <= SCAN_OBJECT; off += 8) {
            if (memcmp(obj + off, vals, sizeof got) || !live_regs(e, p + off, vals)) continue;
            found = p + off;
            cached_owner_off = 8 * w;
            cached_delta = off;
            break;
        }
    }
out:
    free(words);
    free(obj);
    return found;
}

// The offset in the CPU state of the 8 bytes that follow a register (or the high half of an xmm
// register) through three writes of distinct values; -1 if not exactly one place does.
static int find_u64(omni_emu *e, int uc_id, int xmm_half, int attempt) {
    uint8_t *win = malloc(SCAN_ENV);
    bool *cand = malloc(SCAN_ENV / 8);
    int result = -1;
    if (!win || !cand) goto out;
    uint8_t orig[16] = {0};
    uc_reg_read(e->uc, uc_id, orig);
    for (int i = 0; i < SCAN_ENV / 8; i++) cand[i] = true;
    for (int round = 0; round < 3; round++) {
        // Both halves distinctive (only the first counts for a 64-bit register).
        uint64_t v[2] = {magic(40 + uc_id % 64, round + 4 * attempt), magic(100 + uc_id % 64, round + 4 * attempt)};
        if (uc_reg_write(e->uc, uc_id, v) != UC_ERR_OK) goto restore;
        read_pages(e->env, win, SCAN_ENV);
        for (int i = 0; i < SCAN_ENV / 8; i++) {
            uint64_t x;
            memcpy(&x, win + 8 * i, 8);
            cand[i] = cand[i] && x == v[xmm_half];
        }
    }
    int matches = 0;
    for (int i = 0; i < SCAN_ENV / 8; i++) {
        if (!cand[i]) continue;
        matches++;
        result = 8 * i;
    }
    if (matches != 1) result = -1;
    if (getenv("OMNI_EMU_DEBUG_DIRECT") && matches != 1)
        fprintf(stderr, "direct: register %d%s: %d places\n", uc_id, xmm_half ? " (high half)" : "", matches);
restore:
    uc_reg_write(e->uc, uc_id, orig);
out:
    free(win);
    free(cand);
    return result;
}

// mxcsr is 32 bits and only some values are valid: three valid values, one place that holds them.
static int find_mxcsr(omni_emu *e) {
    static const uint32_t vals[3] = {0x1fbf, 0x9f80, 0x7f00};
    uint8_t *win = malloc(SCAN_ENV);
    bool *cand = malloc(SCAN_ENV / 4);
    int result = -1;
    if (!win || !cand) goto out;
    uint64_t orig = 0;
    uc_reg_read(e->uc, UC_X86_REG_MXCSR, &orig);
    for (int i = 0; i < SCAN_ENV / 4; i++) cand[i] = true;
    for (int round = 0; round < 3; round++) {
        uint64_t v = vals[round], back = 0;
        if (uc_reg_write(e->uc, UC_X86_REG_MXCSR, &v) != UC_ERR_OK ||
            uc_reg_read(e->uc, UC_X86_REG_MXCSR, &back) != UC_ERR_OK || (uint32_t)back != vals[round])
            goto restore;
        read_pages(e->env, win, SCAN_ENV);
        for (int i = 0; i < SCAN_ENV / 4; i++) {
            uint32_t x;
            memcpy(&x, win + 4 * i, 4);
            cand[i] = cand[i] && x == vals[round];
        }
    }
    for (int i = 0; i < SCAN_ENV / 4; i++) {
        if (!cand[i]) continue;
        if (result >= 0) {
            result = -1;
            break;
        }
        result = 4 * i;
    }
restore:
    uc_reg_write(e->uc, UC_X86_REG_MXCSR, &orig);
out:
    free(win);
    free(cand);
    return result;
}

// Fresh values through uc_reg_write must read back the same directly and through uc_reg_read.
static bool check_u64(omni_emu *e, int uc_id, int off, int round) {
    uint64_t orig[2] = {0, 0}, v[2] = {magic(70 + uc_id % 64, round + 5), magic(80 + uc_id % 64, round + 5)};
    uint64_t back[2] = {0, 0}, direct[2];
    uc_reg_read(e->uc, uc_id, orig);
    bool ok = uc_reg_write(e->uc, uc_id, v) == UC_ERR_OK && uc_reg_read(e->uc, uc_id, back) == UC_ERR_OK &&
              safe_read(e->env + off, direct, 8) && direct[0] == back[0];
    uc_reg_write(e->uc, uc_id, orig);
    return ok;
}

static bool check_xmm(omni_emu *e, int n, int off) {
    uint64_t orig[2] = {0, 0}, v[2] = {magic(90 + n, 7), magic(110 + n, 7)}, back[2] = {0, 0}, direct[2];
    uc_reg_read(e->uc, UC_X86_REG_XMM0 + n, orig);
    bool ok = uc_reg_write(e->uc, UC_X86_REG_XMM0 + n, v) == UC_ERR_OK &&
              uc_reg_read(e->uc, UC_X86_REG_XMM0 + n, back) == UC_ERR_OK &&
              safe_read(e->env + off, direct, 16) && direct[0] == back[0] && direct[1] == back[1] &&
              back[0] == v[0] && back[1] == v[1];
    uc_reg_write(e->uc, UC_X86_REG_XMM0 + n, orig);
    return ok;
}

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;  // guards the caches

static void direct_init(omni_emu *e) {
    uint64_t orig[16], vals[16];
    for (int i = 0; i < 16; i++) {
        orig[i] = 0;
        uc_reg_read(e->uc, gpr_ids[i], &orig[i]);
        vals[i] = magic(i, 0);
        uc_reg_write(e->uc, gpr_ids[i], &vals[i]);
    }
    e->env = find_env(e, vals);
    for (int i = 0; i < 16; i++) uc_reg_write(e->uc, gpr_ids[i], &orig[i]);
    if (!e->env) return;

    // Offsets found for an earlier emulator (same library, same layout) are only a first guess:
    // each is checked again here, and searched for afresh when the check fails.
    static int cached[OMNI_NREGS + 17];
    static bool have_cache;
    int found = 0;
    for (int i = 0; i < OMNI_NREGS; i++) {
        int id = emu_uc_reg[i];
        if (id < 0 || i == OMNI_EFLAGS) continue;
        int off = -1;
        for (int attempt = have_cache ? 0 : 1; attempt < 3 && off < 0; attempt++) {
            off = attempt == 0 ? cached[i] : find_u64(e, id, 0, attempt);
            for (int round = 0; round < 2 && off >= 0; round++)
                if (!check_u64(e, id, off, round)) off = -1;
        }
        e->reg_off[i] = off;
        found += off >= 0;
    }
    for (int n = 0; n < 16; n++) {
        int off = -1;
        for (int attempt = have_cache ? 0 : 1; attempt < 3 && off < 0; attempt++) {
            if (attempt == 0) {
                off = cached[OMNI_NREGS + n];
            } else {
                off = find_u64(e, UC_X86_REG_XMM0 + n, 0, attempt);
                if (off >= 0 && find_u64(e, UC_X86_REG_XMM0 + n, 1, attempt) != off + 8) off = -1;
            }
            if (off >= 0 && !check_xmm(e, n, off)) off = -1;
        }
        e->xmm_off[n] = off;
        found += off >= 0;
    }
    int moff = -1;
    for (int attempt = have_cache ? 0 : 1; attempt < 3 && moff < 0; attempt++) {
        moff = attempt == 0 ? cached[OMNI_NREGS + 16] : find_mxcsr(e);
        if (moff < 0) continue;
        // Checked like the others, as 32 bits.
        uint64_t orig_m = 0, back = 0, v = 0x1fa0;
        uint32_t direct = 0;
        uc_reg_read(e->uc, UC_X86_REG_MXCSR, &orig_m);
        bool ok = uc_reg_write(e->uc, UC_X86_REG_MXCSR, &v) == UC_ERR_OK &&
                  uc_reg_read(e->uc, UC_X86_REG_MXCSR, &back) == UC_ERR_OK &&
                  safe_read(e->env + moff, &direct, 4) && direct == (uint32_t)back;
        uc_reg_write(e->uc, UC_X86_REG_MXCSR, &orig_m);
        if (!ok) moff = -1;
    }
    e->mxcsr_off = moff;
    found += moff >= 0;
    if (getenv("OMNI_EMU_DEBUG_DIRECT")) {
        fprintf(stderr, "direct: env %#lx cache %d regs", (unsigned long)e->env, have_cache);
        for (int i = 0; i < OMNI_NREGS; i++) fprintf(stderr, " %d", e->reg_off[i]);
        for (int n = 0; n < 16; n++) fprintf(stderr, " x%d", e->xmm_off[n]);
        fprintf(stderr, " m%d\n", e->mxcsr_off);
    }
    if (found == 36) {  // only a complete set is worth trying first next time
        for (int i = 0; i < OMNI_NREGS; i++) cached[i] = e->reg_off[i];
        for (int n = 0; n < 16; n++) cached[OMNI_NREGS + n] = e->xmm_off[n];
        cached[OMNI_NREGS + 16] = e->mxcsr_off;
        have_cache = true;
    }
}

void emu_direct_init(omni_emu *e) {
    e->env = 0;
    for (int i = 0; i < OMNI_NREGS; i++) e->reg_off[i] = -1;
    for (int i = 0; i < 16; i++) e->xmm_off[i] = -1;
    e->mxcsr_off = -1;
    for (int i = 0; i < OMNI_NREGS + 17; i++) e->found_off[i] = -1;
    if (getenv("OMNI_EMU_NO_DIRECT_REGS")) return;  // for comparing both paths
    pthread_mutex_lock(&init_lock);
    direct_init(e);
    pthread_mutex_unlock(&init_lock);
    for (int i = 0; i < OMNI_NREGS; i++) e->found_off[i] = e->reg_off[i];
    for (int n = 0; n < 16; n++) e->found_off[OMNI_NREGS + n] = e->xmm_off[n];
    e->found_off[OMNI_NREGS + 16] = e->mxcsr_off;
}

int omni_emu_direct_regs(omni_emu *e, int mode) {
    if (mode == 0 || mode == 1) {
        for (int i = 0; i < OMNI_NREGS; i++) e->reg_off[i] = mode ? e->found_off[i] : -1;
        for (int n = 0; n < 16; n++) e->xmm_off[n] = mode ? e->found_off[OMNI_NREGS + n] : -1;
        e->mxcsr_off = mode ? e->found_off[OMNI_NREGS + 16] : -1;
    }
    int n = 0;
    for (int i = 0; i < OMNI_NREGS; i++) n += e->reg_off[i] >= 0;
    for (int i = 0; i < 16; i++) n += e->xmm_off[i] >= 0;
    return n + (e->mxcsr_off >= 0);
}
