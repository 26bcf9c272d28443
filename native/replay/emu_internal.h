// Internals shared by the files of the emulator core, each compiled on its own:
//   emu.c         lifecycle (new, free, fork), registers, CPUID table, disassembly
//   emu_mem.c     the memory map (our host memory, registered with Unicorn), reads and writes
//   emu_regs.c    direct register reads from Unicorn's CPU state
//   emu_decode.c  instruction decoding: Capstone decode cache, write sets, successor links
//   emu_insn.c    omni_insn_decode (operands, implicit registers, flags for data flow) and the
//                 Capstone register -> register-row part table (emu_reg_part)
//   emu_trace.c   the trace tables (struct omni_trace): allocation, rows, clear and flush
//   emu_layout.c  the layouts of struct omni_trace and struct omni_stop, for bindings
//   emu_run.c     the run loop: hooks, stop conditions, omni_emu_run
#ifndef OMNI_EMU_INTERNAL_H
#define OMNI_EMU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "emu.h"

// Everything declared here is internal to libomnireplay.so: hidden, so that calls between its
// functions are direct (no PLT) and can be inlined.
#pragma GCC visibility push(hidden)

#define EMU_PAGE 4096ULL

// QEMU inside Unicorn aborts the process past 4,096 memory sections (phys_section_add), and every
// Unicorn map costs time linear in the regions there are. So: at most EMU_MAX_REGIONS regions (a
// map past that fails with OMNI_ELIMIT, never QEMU's abort), and once there are
// EMU_EXACT_PROT_REGIONS, an mprotect that would split a region changes no Unicorn region but
// raises the whole region's permissions to include the new ones (see omni_emu_protect).
#define EMU_MAX_REGIONS 4000
#define EMU_EXACT_PROT_REGIONS 1000

// omni_regs indexes that are register rows: the GPRs (r15..rdi), rflags, rsp, fs_base, gs_base.
#define EMU_TRACED_GPRS \
    (((1u << (OMNI_RDI + 1)) - 1) | 1u << OMNI_EFLAGS | 1u << OMNI_RSP | 1u << OMNI_FS_BASE | 1u << OMNI_GS_BASE)

// Host memory shared between emulators (MAP_SHARED): a memfd, so that a view can be mapped in
// every emulator that shares it and grown by mremap.
struct emu_backing {
    int fd;
    uint64_t size;
    int refs;  // regions (in any emulator) that view it
};

// One mapping piece; each is exactly one Unicorn region backed by `host` (uc_mem_map_ptr), so
// Unicorn never has to split a pointer-backed region itself. Each piece owns its host range.
struct emu_region {
    uint64_t start, end;
    int prot;
    uint8_t *host;
    struct emu_backing *shared;  // NULL: private anonymous memory
    uint64_t offset;             // in shared
};

// What the hooks need to know about the instruction at an address, decoded once by Capstone.
#define EMU_I_REP      0x0001  // rep-prefixed string instruction: QEMU re-enters it per iteration
#define EMU_I_CALL     0x0002
#define EMU_I_RET      0x0004
#define EMU_I_BLOCKEND 0x0008  // ends a trace block (any control transfer)
#define EMU_I_SWINT    0x0010  // int3 / int n / into: a trap, rip after it
#define EMU_I_UD2      0x0020
#define EMU_I_HLT      0x0040
#define EMU_I_MXCSR    0x0080  // may change mxcsr
#define EMU_I_ALLREGS  0x0100  // write set unknown: compare every register
#define EMU_I_FXSAVE   0x0200  // fxsave: its image's reserved bytes are zeroed after it (emu_fxsave_fixup)
#define EMU_I_NONDET_SHIFT 12  // bits 12..14: OMNI_NONDET_* kind

struct emu_insn {
    uint64_t addr;
    uint32_t gprs;      // bit i: omni_regs index i may be written
    uint16_t xmms;      // bit n: xmm n may be written
    uint16_t flags;     // EMU_I_*
    uint8_t size;
    // Where execution went after this instruction last time, as indexes into the decoded array
    // (EMU_NOIDX: not known): [0] the fall-through (addr + size), [1] anywhere else. Checked
    // against the address, so a stale link only costs a hash lookup.
    uint32_t succ[2];
};

#define EMU_NOIDX UINT32_MAX

// A slot of the hash from address to decoded instruction.
struct emu_islot {
    uint64_t addr;  // 0 = empty
    uint32_t idx;   // into omni_emu.insns
};

// The instruction being executed: its effects are recorded when the next instruction starts
// (or at the stop), since hooks run before instructions.
struct emu_pending {
    bool valid;
    struct emu_insn in;
    uint64_t step;
    uint64_t iters;  // rep iterations already completed
    uint64_t fx_base;  // fxsave: the lowest address it stored to (its image's start), 0 if none yet
};

// A store being assembled into a mem row: old bytes captured before each store, new bytes read
// when the row is finished (after the stores happened). A row may cross into host memory that is
// not contiguous with its start (a store straddling two Unicorn regions): its bytes from `split`
// on are at host2. The write hook sees both parts of such a store before either is stored, so the
// row must not be finished between them.
struct emu_memrow {
    bool valid;
    uint64_t step, rip, addr;
    uint8_t *host;   // host address of addr
    uint8_t *host2;  // NULL: the row is contiguous at host; else where byte `split` on live
    int size, split;
    uint8_t old[16];
};

struct omni_emu {
    uc_engine *uc;
    csh cs;
    int last_uc_err;

    struct emu_region *regions;  // sorted by start, disjoint
    int nregions, cap_regions;
    int hint;                    // index of the last region found

    uint64_t extra[OMNI_NREGS];  // orig_rax and selectors, kept as set

    uint32_t *cpuid;
    int ncpuid;

    uint64_t stop_addr;
    bool fp_on;
    uint64_t fp_hits, fp_max_hits;  // fingerprint rip hits this run, and the bound (UINT64_MAX: none)
    uint64_t fp[OMNI_NREGS];

    // instruction cache: decoded instructions in decoding order (so that the instructions of a
    // block sit together in memory), found by their successor links or by a hash of their
    // address (open addressing, power-of-two size)
    struct emu_insn *insns;
    uint32_t ninsns, cap_insns;
    struct emu_islot *islots;
    uint64_t islot_mask;
    uint32_t last_idx;  // the instruction the code hook saw last (EMU_NOIDX: none or dropped)
    uint64_t codepages[1024];  // bit per page hash: pages with decoded instructions (may be stale-set)

    // run state
    struct omni_trace trace;
    struct emu_pending pend;
    struct emu_memrow mrow;
    uint64_t run_limit, run_done;
    int stop_reason, stop_detail;
    uint64_t stop_rip, fault_addr;

    // block in progress (recorded when it ends)
    bool blk_open;
    uint64_t blk_step, blk_rip, blk_next;
    uint32_t blk_insns;

    // register values as of the last recorded change (for change detection)
    uint64_t shadow[OMNI_NREGS];
    uint64_t shadow_xmm[16][2];
    uint32_t shadow_mxcsr;
    bool shadow_valid;

    // Unicorn's CPU state, for reading registers without uc_reg_read (emu_regs.c): byte offsets
    // from env, -1 where a register is read through uc_reg_read. env 0: none found.
    uint64_t env;
    int16_t reg_off[OMNI_NREGS];
    int16_t xmm_off[16];
    int16_t mxcsr_off;
    int16_t found_off[OMNI_NREGS + 17];  // what was found: reg_off, xmm_off, mxcsr_off

    uc_hook hooks[8];
    int nhooks;
};

// emu.c
extern const int emu_uc_reg[OMNI_NREGS];
// Records a failed Unicorn call (omni_emu_last_uc_err) and returns OMNI_ENOMEM or OMNI_EUNICORN.
int emu_uc_fail(omni_emu *e, uc_err err);

// emu_mem.c
struct emu_region *emu_find_region(omni_emu *e, uint64_t addr);
int emu_copy_out(omni_emu *e, uint64_t addr, void *buf, uint64_t len);
int emu_mem_fork(omni_emu *child, omni_emu *parent);
void emu_mem_free(omni_emu *e);

// emu_regs.c
void emu_direct_init(omni_emu *e);

// Register i (omni_regs index) as uc_reg_read gives it.
static inline uint64_t emu_reg(omni_emu *e, int i) {
    int off = e->reg_off[i];
    if (off >= 0) return *(const uint64_t *)(uintptr_t)(e->env + off);
    uint64_t v = 0;
    uc_reg_read(e->uc, emu_uc_reg[i], &v);
    return v;
}

static inline void emu_xmm(omni_emu *e, int n, uint64_t v[2]) {
    int off = e->xmm_off[n];
    if (off >= 0) {
        const uint64_t *p = (const uint64_t *)(uintptr_t)(e->env + off);
        v[0] = p[0];
        v[1] = p[1];
        return;
    }
    uc_reg_read(e->uc, UC_X86_REG_XMM0 + n, v);
}

static inline uint32_t emu_mxcsr(omni_emu *e) {
    if (e->mxcsr_off >= 0) return *(const uint32_t *)(uintptr_t)(e->env + e->mxcsr_off);
    uint64_t m = 0;
    uc_reg_read(e->uc, UC_X86_REG_MXCSR, &m);
    return (uint32_t)m;
}

// emu_insn.c
// The register-row id of Capstone register reg (OMNI_RAX..., OMNI_RIP, OMNI_EFLAGS,
// OMNI_REG_XMM0 + n) with the byte offset and size of the part it names (ah: OMNI_RAX, 1, 1), or
// -1 for a register no row holds (its size still set when known, else 0).
int emu_reg_part(unsigned reg, int *offset, int *size);

// emu_decode.c
bool emu_icache_init(omni_emu *e);
uint32_t emu_icache_lookup(omni_emu *e, uint64_t addr, uint32_t size_hint, struct emu_insn *scratch);
void emu_icache_invalidate(omni_emu *e, uint64_t addr, uint64_t len);

// emu_trace.c
void emu_trace_free(struct omni_trace *t);
int emu_trace_alloc(struct omni_trace *t, uint64_t capacity);
void emu_mem_row(omni_emu *e, uint64_t step, uint64_t rip, uint64_t addr, int size,
                 const uint8_t *old, const uint8_t *neu);
void emu_mem_rows(omni_emu *e, uint64_t step, uint64_t rip, uint64_t addr, const uint8_t *old,
                  const uint8_t *neu, uint64_t len);
void emu_control_row(omni_emu *e, const struct emu_pending *p, uint64_t target);

// The trace rows the hooks append for every instruction, inline here so that a row costs no call
// (each .c file is compiled on its own).

static inline void emu_end_block(omni_emu *e) {
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

static inline void emu_reg_row(omni_emu *e, uint64_t step, int id, uint64_t lo, uint64_t hi) {
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

// The store being assembled is complete: its new bytes are in memory now.
static inline void emu_mrow_finish(omni_emu *e) {
    struct emu_memrow *m = &e->mrow;
    if (!m->valid) return;
    m->valid = false;
    if (m->size <= 0) return;
    if (m->host2 && m->size > m->split) {
        uint8_t neu[16];
        memcpy(neu, m->host, m->split);
        memcpy(neu + m->split, m->host2, m->size - m->split);
        emu_mem_row(e, m->step, m->rip, m->addr, m->size, m->old, neu);
        return;
    }
    emu_mem_row(e, m->step, m->rip, m->addr, m->size, m->old, m->host);
}

// emu_run.c
int emu_hooks_install(omni_emu *e);
void emu_shadow_load(omni_emu *e);
void emu_settle_pending(omni_emu *e);
int emu_read_xmm_all(omni_emu *e, uint64_t x[16][2], uint32_t *mxcsr);

#pragma GCC visibility pop

#endif
