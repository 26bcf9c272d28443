// The replay engine's emulator core: one x86-64 address space and CPU (a process) in Unicorn,
// with hooks that count steps, stop where the replay driver needs to act, and expand execution
// into columnar trace buffers. Called from Java through jnr-ffi
// (indexer/src/main/java/dev/omniscope/indexer/emu/EmuNative.java mirrors this file).
//
// Conventions: functions return 0 or a negative OMNI_E* code unless noted. Addresses and lengths
// of mappings are multiples of 4096. prot bits: 1 read, 2 write, 4 execute. A step is one executed
// instruction; a rep-prefixed string instruction is one step however many iterations it runs.
// Not thread-safe: one thread drives one emulator at a time (different emulators are independent).
#ifndef OMNI_EMU_H
#define OMNI_EMU_H

#include <stdint.h>

// Error codes (negative results).
#define OMNI_EINVAL    (-1)  // bad argument: misaligned, zero length, out of range
#define OMNI_ENOMEM    (-2)  // host memory or Unicorn could not allocate
#define OMNI_EFAULT    (-3)  // some byte of the range is not mapped
#define OMNI_EUNICORN  (-4)  // Unicorn refused an operation (omni_emu_last_uc_err says why)
#define OMNI_ESTATE    (-5)  // not allowed now (e.g. tracing capacity changed with rows pending)
#define OMNI_ELIMIT    (-6)  // more separate mappings than the emulator holds (about 4,000)
#define OMNI_ERANGE    (-7)  // the caller's output buffer is too small

const char *omni_emu_strerror(int err);

typedef struct omni_emu omni_emu;

// ---- Lifecycle -------------------------------------------------------------------------------

// A fresh emulator: no memory, registers zero (rflags 0x2), default x87/SSE control words,
// step 0, tracing off. NULL when Unicorn or Capstone cannot be opened.
omni_emu *omni_emu_new(void);
void omni_emu_free(omni_emu *e);
// The child of fork(2): private mappings copied, OMNI_MAP_SHARED mappings share their backing
// with the parent (each sees the other's writes), registers, fpregs, segment selectors, orig_rax,
// CPUID table, step and tracing flags/capacity copied. Trace buffers start empty; stop address
// and fingerprint start cleared. NULL on failure.
omni_emu *omni_emu_fork(omni_emu *parent);
// The uc_err of the last Unicorn call that failed with OMNI_EUNICORN.
int omni_emu_last_uc_err(omni_emu *e);

// ---- Memory ----------------------------------------------------------------------------------

#define OMNI_PROT_READ  1
#define OMNI_PROT_WRITE 2
#define OMNI_PROT_EXEC  4

#define OMNI_MAP_SHARED 1  // backing shared with forks of this emulator (MAP_SHARED)

// A zero-filled mapping with MAP_FIXED semantics: whatever overlapped [addr, addr+len) is unmapped.
int omni_emu_map(omni_emu *e, uint64_t addr, uint64_t len, int prot, int flags);
// munmap(2): any sub-range of any mappings; holes are ignored.
int omni_emu_unmap(omni_emu *e, uint64_t addr, uint64_t len);
// mprotect(2): OMNI_EFAULT (and nothing changed) if any page of the range is unmapped. Exact
// until the emulator holds about 1,000 regions; past that a change inside a region only ever adds
// permissions to the whole region (pages the program made read-only or inaccessible stay writable
// or readable in the emulator: a replay meets the program's fault at the recorded signal's
// fingerprint, before the faulting instruction, so nothing depends on the emulator faulting).
int omni_emu_protect(omni_emu *e, uint64_t addr, uint64_t len, int prot);
// mremap(2) with MREMAP_FIXED when new_addr != old_addr: [old, old+old_len) must be mapped; its
// contents move to new_addr (which may equal old_addr: grow or shrink in place), a grown tail is
// zero-filled (for a shared mapping: the backing's bytes there, zero when new), whatever else
// overlapped the new range is unmapped. The new mapping takes the protection and sharing of the
// mapping at old_addr.
int omni_emu_remap(omni_emu *e, uint64_t old_addr, uint64_t old_len, uint64_t new_addr, uint64_t new_len);
// Copy bytes in or out regardless of protection; OMNI_EFAULT (nothing copied) if any byte is
// unmapped. Writes are not trace rows; writes to executable memory drop cached decodings.
int omni_emu_write(omni_emu *e, uint64_t addr, const void *buf, uint64_t len);
int omni_emu_read(omni_emu *e, uint64_t addr, void *buf, uint64_t len);
// Fills out with up to max rows of 3 u64 (start, end, prot), ascending, adjacent pieces with the
// same protection and sharing merged. Returns the total number of rows (may exceed max).
int omni_emu_mappings(omni_emu *e, uint64_t *out, int max);

// ---- Registers -------------------------------------------------------------------------------

// struct user_regs_struct order (sys/user.h). Java's list is dev.omniscope.trace.Registers
// (core), which RegisterListTest (indexer) compares with this enum and the OMNI_REG_* ids below.
enum {
    OMNI_R15, OMNI_R14, OMNI_R13, OMNI_R12, OMNI_RBP, OMNI_RBX, OMNI_R11, OMNI_R10,
    OMNI_R9, OMNI_R8, OMNI_RAX, OMNI_RCX, OMNI_RDX, OMNI_RSI, OMNI_RDI, OMNI_ORIG_RAX,
    OMNI_RIP, OMNI_CS, OMNI_EFLAGS, OMNI_RSP, OMNI_SS, OMNI_FS_BASE, OMNI_GS_BASE,
    OMNI_DS, OMNI_ES, OMNI_FS, OMNI_GS, OMNI_NREGS
};

// r[OMNI_NREGS] as above. orig_rax and the six segment selectors are stored as given and
// returned as given (no descriptor is loaded: the CPU runs flat 64-bit code); fs_base/gs_base are
// the CPU's.
int omni_emu_get_regs(omni_emu *e, uint64_t r[OMNI_NREGS]);
// Also ends the current trace block and, if a rep instruction was interrupted by the previous
// stop, counts its finished iterations as one step (its resumption is then a new step): this is
// how the driver switches threads or delivers a signal.
int omni_emu_set_regs(omni_emu *e, const uint64_t r[OMNI_NREGS]);
// set_regs that also records, when register tracing is on, one row at `step` for every register
// whose value changes (e.g. a syscall's result in rax at the syscall's step).
int omni_emu_set_regs_at(omni_emu *e, const uint64_t r[OMNI_NREGS], uint64_t step);
// The caller emulated the instruction at rip itself (a recorded rdtsc, say): records register rows
// for what changes at trace->step, sets r, counts one step (and one instruction of the current
// trace block) without ending the block.
int omni_emu_retire(omni_emu *e, const uint64_t r[OMNI_NREGS]);

// fx[512] in fxsave / struct user_fpregs_struct layout: fcw u16 @0, fsw u16 @2, ftw u8 @4
// (abridged: bit i set = physical register i not empty), fop u16 @6, rip u64 @8, rdp u64 @16,
// mxcsr u32 @24, mxcsr_mask u32 @28 (reported 0xffff, ignored on set), st0..st7 @32 (16 bytes
// each, 10 used), xmm0..xmm15 @160 (16 bytes each), bytes 416..511 zero.
int omni_emu_get_fpregs(omni_emu *e, uint8_t fx[512]);
int omni_emu_set_fpregs(omni_emu *e, const uint8_t fx[512]);

// ---- CPUID -----------------------------------------------------------------------------------

#define OMNI_CPUID_SUBLEAF 1  // rows[2] flag: the subleaf (ecx) is significant

// n rows of 7 u32: leaf, subleaf, flags, eax, ebx, ecx, edx (copied). From now on every executed
// CPUID answers from this table: the row with (leaf, subleaf) when its subleaf is significant,
// else the row for the leaf whatever ecx is; no row: eax = ebx = ecx = edx = 0. n = 0 clears the
// table (Unicorn's built-in answers again).
int omni_emu_set_cpuid(omni_emu *e, const uint32_t *rows, int n);

// ---- Running ---------------------------------------------------------------------------------

enum {
    OMNI_STOP_SYSCALL = 1,      // syscall executed: rip after it, rcx = rip, r11 = rflags; stop.rip = its address
    OMNI_STOP_ADDRESS = 2,      // about to execute the instruction at the stop address (not executed)
    OMNI_STOP_FINGERPRINT = 3,  // about to execute an instruction where the fingerprint matches
    OMNI_STOP_BUFFER_FULL = 4,  // a trace table reached capacity - OMNI_TRACE_MARGIN rows; detail = OMNI_TRACE_* bits of the full tables
    OMNI_STOP_LIMIT = 5,        // max_steps executed
    OMNI_STOP_INVALID_INSN = 6, // the emulator cannot execute the instruction at rip (e.g. AVX); not executed
    OMNI_STOP_MEM_FAULT = 7,    // detail = OMNI_FAULT_*; fault_addr; rip at the faulting instruction (fetch: rip = target)
    OMNI_STOP_INTERRUPT = 8,    // detail = vector. int3 / int n: executed, rip after it. Faults (ud2 = 6, div by 0 = 0, hlt = 13): rip at it, not executed
    OMNI_STOP_ERROR = 9,        // anything else: uc_err holds Unicorn's error
    OMNI_STOP_NONDET = 10,      // about to execute rdtsc/rdtscp/rdrand/rdseed (detail = OMNI_NONDET_*): the caller supplies the result (omni_emu_retire)
};

enum { OMNI_FAULT_READ = 1, OMNI_FAULT_WRITE = 2, OMNI_FAULT_FETCH = 3 };
#define OMNI_FAULT_PROT 4  // or-ed into detail: the page is mapped but the access is not permitted

enum { OMNI_NONDET_RDTSC = 1, OMNI_NONDET_RDTSCP = 2, OMNI_NONDET_RDRAND = 3, OMNI_NONDET_RDSEED = 4 };

// Filled by omni_emu_run; little-endian. Bindings take its size and offsets from omni_emu_layout_*.
struct omni_stop {
    int32_t reason;       // OMNI_STOP_*
    int32_t detail;       // see the reasons
    uint64_t rip;         // address of the instruction the stop is about
    uint64_t fault_addr;  // OMNI_STOP_MEM_FAULT: the address accessed
    uint64_t step;        // trace->step at the stop: step of the next instruction
    int32_t uc_err;       // Unicorn's error code for the run (0 when it stopped cleanly)
    int32_t reserved;
    uint64_t steps;       // steps executed by this run
};

// Runs from the current rip until a stop; max_steps 0 means no limit. Stops are checked before
// every instruction including the first of the run, so after an ADDRESS, FINGERPRINT or NONDET
// stop the caller must move rip or change the condition before running again.
int omni_emu_run(omni_emu *e, uint64_t max_steps, struct omni_stop *out);
// Stop before executing the instruction at addr; 0 clears.
int omni_emu_set_stop_address(omni_emu *e, uint64_t addr);
// r[OMNI_NREGS] or NULL to clear: stop before the first instruction where rip == r[rip] and
// r15..rdi (orig_rax excluded), rsp, fs_base and gs_base are equal. rflags is not compared: x86
// leaves flags undefined after many instructions and QEMU need not agree with the recording CPU on
// them.
int omni_emu_set_fingerprint(omni_emu *e, const uint64_t *r);
// After max_hits executions of the fingerprint's rip without a match, stop with OMNI_STOP_LIMIT
// (detail 1) instead: the recorded moment is not coming (0: no bound, the default).
int omni_emu_set_fingerprint_limit(omni_emu *e, uint64_t max_hits);

// ---- Tracing ---------------------------------------------------------------------------------

#define OMNI_TRACE_BLOCKS  1
#define OMNI_TRACE_MEM     2
#define OMNI_TRACE_REGS    4
#define OMNI_TRACE_CONTROL 8
// Rows kept free in every table: the most one instruction (one rep iteration) can add. A run
// stops with OMNI_STOP_BUFFER_FULL once a table has capacity - OMNI_TRACE_MARGIN rows.
#define OMNI_TRACE_MARGIN 256
#define OMNI_TRACE_MIN_CAPACITY (4 * OMNI_TRACE_MARGIN)

// Register ids of register rows: 0..26 the omni_regs index (rip, orig_rax and the selectors are
// never rows), 32 + n for xmm n (lo, hi halves), 48 for mxcsr.
#define OMNI_REG_XMM0  32
#define OMNI_REG_MXCSR 48

enum { OMNI_CTL_CALL = 1, OMNI_CTL_RET = 2 };

// The trace tables: parallel column arrays of `capacity` rows each, `n*` rows filled. The
// driver reads them between runs (they are stable then) and calls omni_emu_trace_clear.
// Bindings take the offsets of the fields from omni_emu_layout_field (below), never by counting.
struct omni_trace {
    uint64_t step;        // step of the next instruction; the driver may set it between runs
    uint64_t flags;       // OMNI_TRACE_* enabled
    uint64_t capacity;    // rows per table
    uint64_t lost;        // rows dropped because a table was completely full (stays 0 unless an instruction exceeds the margin)
    uint64_t resyncs;     // register changes the per-instruction tracking missed, found at the end of a run and recorded at the last step
    // blocks: a maximal straight-line run of instructions ending at a branch, call, ret,
    // syscall or interrupt; one row per entry, recorded when the block ends
    uint64_t nblocks;
    uint64_t *block_step; // step of the block's first instruction
    uint64_t *block_rip;  // its address
    uint32_t *block_insns;// instructions executed in this entry
    // mem: one row per store (contiguous stores of one instruction merged, at most 16 bytes)
    uint64_t nmem;
    uint64_t *mem_step;
    uint64_t *mem_rip;    // address of the storing instruction
    uint64_t *mem_addr;
    uint8_t *mem_size;    // 1..16
    uint8_t *mem_old;     // 16 bytes per row, first mem_size meaningful
    uint8_t *mem_new;     // 16 bytes per row
    // regs: one row per register an instruction changed
    uint64_t nregs;
    uint64_t *reg_step;
    uint8_t *reg_id;      // see OMNI_REG_*
    uint64_t *reg_lo;     // value (xmm: low half)
    uint64_t *reg_hi;     // xmm: high half, else 0
    // control: one row per executed call or ret
    uint64_t nctl;
    uint64_t *ctl_step;
    uint8_t *ctl_kind;    // OMNI_CTL_*
    uint64_t *ctl_rip;    // address of the call/ret
    uint64_t *ctl_target; // callee, or return address
    uint64_t *ctl_sp;     // rsp after the instruction
    uint64_t *ctl_args;   // 6 per row: rdi rsi rdx rcx r8 r9 at a call (0 at a ret)
    uint64_t *ctl_ret;    // rax at a ret (0 at a call)
};

struct omni_trace *omni_emu_trace(omni_emu *e);
// Enables the OMNI_TRACE_* tables in flags with `capacity` rows each (>= OMNI_TRACE_MIN_CAPACITY;
// 0 keeps the current capacity). Reallocating requires empty tables (else OMNI_ESTATE).
int omni_emu_trace_enable(omni_emu *e, int flags, uint64_t capacity);
// Empties every table (after the driver has drained them).
int omni_emu_trace_clear(omni_emu *e);
// Records the block in progress now (blocks are otherwise recorded when they end); call before
// the last drain of a process.
int omni_emu_trace_flush(omni_emu *e);
// Convenience accessors of trace->step.
uint64_t omni_emu_get_step(omni_emu *e);
void omni_emu_set_step(omni_emu *e, uint64_t step);

// A write by the kernel (a syscall's output) recorded as mem rows of up to 16 bytes at `step`
// with rip `rip`, when mem tracing is on; otherwise as omni_emu_write.
int omni_emu_write_at(omni_emu *e, uint64_t addr, const void *buf, uint64_t len, uint64_t step, uint64_t rip);

// ---- Layouts ---------------------------------------------------------------------------------

// The structs a binding reads from memory (struct omni_trace through omni_emu_trace, struct
// omni_stop from omni_emu_run), described by the library with sizeof and offsetof, so that their
// layout is written down only in this file: bindings ask once, and never type an offset.
enum { OMNI_LAYOUT_TRACE = 1, OMNI_LAYOUT_STOP = 2 };

// sizeof the struct; 0 for an unknown `which`.
uint32_t omni_emu_layout_size(int which);
// Field i (0, 1, ... in declaration order) of the struct: returns its name as declared above and
// stores its byte offset in *offset and its size in bytes in *size (a column's pointer: 8).
// NULL when i is past the last field or `which` is unknown.
const char *omni_emu_layout_field(int which, int i, uint32_t *offset, uint32_t *size);

// ---- Diagnostics -----------------------------------------------------------------------------

// Registers read straight from Unicorn's CPU state instead of through uc_reg_read (see
// emu_regs.c): the 16 general registers, rip, fs_base, gs_base, xmm0-15 and mxcsr where found
// and checked when the emulator was created (36 in all; rflags never). Both ways give the same
// values; this one is faster. mode 0 turns direct reads off for this emulator, 1 back on, any
// other value changes nothing. Returns how many registers are read directly now (0 with
// OMNI_EMU_NO_DIRECT_REGS set in the environment).
int omni_emu_direct_regs(omni_emu *e, int mode);

// ---- Disassembly -----------------------------------------------------------------------------

// Decodes one x86-64 instruction at code[0..len) as if at addr into out (Intel syntax, e.g.
// "mov rax, qword ptr [rbp - 8]", NUL-terminated, truncated to outlen). Returns its length, or
// OMNI_EINVAL when the bytes are not a valid instruction.
int omni_disasm(const uint8_t *code, int len, uint64_t addr, char *out, int outlen);

// Decodes one x86-64 instruction at code[0..len) as if at addr, with what data flow needs: its
// operands (access, size, registers, address parts), the registers it reads and writes without
// naming them, and the flags it tests and writes. Thread-safe (one Capstone handle per thread).
// Fills out[0..n) (layout below) and text with "mnemonic\toperands" (Capstone's, NUL-terminated;
// the mnemonic without prefix words: "rep movsb" is "movsb" with OMNI_INSN_REP). Returns n, or
// OMNI_EINVAL when the bytes are not a valid instruction, or OMNI_ERANGE when outlen or textlen is
// too small (OMNI_INSN_MAX and OMNI_INSN_TEXT_MAX always suffice).
//
// Layout, all int64:
//   header (OMNI_INSN_HEADER): length in bytes, prefixes (OMNI_INSN_REP/REPNE/LOCK), flags
//     tested, flags written (rflags bits: CF 0x1, PF 0x4, AF 0x10, ZF 0x40, SF 0x80, DF 0x400,
//     OF 0x800; written = modified, set, reset or left undefined), operand count, implicit-read
//     count, implicit-write count;
//   per operand, in Intel order (destination first), OMNI_INSN_OPERAND int64s: kind
//     (OMNI_INSN_OP_*), size in bytes, access (OMNI_INSN_READ | OMNI_INSN_WRITE), then
//       REG: the register (4 int64s, below)
//       IMM: the value (sign-extended as Capstone gives it)
//       MEM: segment (OMNI_FS_BASE for fs:, OMNI_GS_BASE for gs:, else -1), base register (4),
//            index register (4), scale, displacement (a rip-relative operand has base rip, whose
//            value is the next instruction's address)
//     (the rest of the OMNI_INSN_OPERAND slots 0);
//   the implicit reads, then the implicit writes: one register (4 int64s) each.
// A register is: the register-row id (OMNI_RAX..., OMNI_RIP, OMNI_EFLAGS, OMNI_REG_XMM0 + n), or
// -1 for one the index does not keep (x87, mm, ymm/zmm, xmm16+, k, segment selectors, cr/dr);
// the byte offset and the size of the part named (al 0 1, ah 1 1, eax 0 4, xmm0 0 16, rflags 0 8);
// Capstone's register number (omni_insn_reg_name gives its name). An absent base or index: -1 0 0 0.
//
// Capstone 4's detail with these corrections (each checked against Capstone 4.0.2):
// - Access: immediates are read; a register or memory operand with no access is read (shrd's cl,
//   cmpsd, outs), but ins writes its memory operand, pop fs writes fs; lea's, nop's, prefetch's
//   and clflush's memory operands are not accessed; the memory destination of a mov-family store
//   (movups, movdqa, movq, movlpd, movhps, movnti, movbe, masked vmovdqu8, ...), vmaskmov*,
//   vpmaskmov*, pextr*, extractps, stmxcsr, setcc and x87 stores (fst, fstp, fist, fistp, fisttp,
//   fbstp, fnstcw, fnstsw, fnstenv, fnsave) is written, not read; frstor reads its memory; rol,
//   ror, rcl and rcr read and write their destination; test only reads its first operand; cmpxchg reads and writes its
//   destination (and writes the accumulator), cmpxchg8b/16b read and write theirs; adox reads
//   its destination; fcmovcc st(0), st(i) reads st(i) and writes st(0); the SSE scalars that keep
//   the rest of their destination (cvtsi2sd/ss, cvtss2sd, cvtsd2ss, sqrtsd/ss, rcpss, rsqrtss)
//   and bsf/bsr (a zero source leaves the destination as it was) read their destination.
// - Zeroing and all-ones idioms (xor, sub, sbb, pxor, xorps, xorpd, psub*, pcmpeq* and vpxor,
//   vxorps, vxorpd with both sources the same register): the destination is only written and the
//   sources are not read, since the result does not depend on them (sbb still tests CF).
// - Sizes: movd/movq/movss/movsd read 4 or 8 bytes of an xmm source (Capstone gives 16); fxsave
//   and fxrstor 512 bytes, fnsave and frstor 108, fnstsw 2; the xsave family 0 (the area's size depends on
//   the CPU).
// - Implicit registers: no duplicates, and no part of a register row that another listed part
//   contains (mul bl writes ax, not al and ax; outs reads rsi, not esi); string instructions (movs, cmps, stos, lods, scas, ins, outs) read and
//   write rsi and/or rdi and, with a rep prefix, rcx; push/pop read and write rsp; syscall reads
//   rax, rdi, rsi, rdx, r10, r8, r9, rflags, rip and writes rax, rcx, r11; enter reads and writes
//   rbp and rsp; xlatb reads al and rbx and writes al; rflags is an implicit read exactly when
//   some flag is tested and an implicit write exactly when some flag is written.
// - Flags: x87 instructions carry FPU flags in Capstone's eflags field, which are ignored (but
//   fcmovcc's tests); DF is tested only by string instructions (all of them) and written only by
//   cld, std, popf, iret, sysret, sysexit, rsm; adc, sbb, adcx, rcl, rcr and cmc test CF, adox OF;
//   lahf tests CF PF AF ZF SF; pushf tests all; syscall tests all (r11 is a copy) and writes none
//   (the kernel returns with them); prefetchw writes none; an instruction whose implicit lists
//   have rflags but no flag bits tests all or writes all status flags (pcmpistri, fcomi).
// Prefixes: OMNI_INSN_REP / OMNI_INSN_REPNE only on string instructions (on movs, stos, lods,
// ins and outs REPNE repeats like REP), OMNI_INSN_LOCK when locked.
int omni_insn_decode(const uint8_t *code, int len, uint64_t addr, int64_t *out, int outlen, char *text, int textlen);
// Capstone's name of register number reg ("eax", "xmm3", "st(0)"); NULL for none.
const char *omni_insn_reg_name(int reg);

#define OMNI_INSN_HEADER 7
#define OMNI_INSN_OPERAND 14
#define OMNI_INSN_REG 4
#define OMNI_INSN_MAX (OMNI_INSN_HEADER + 8 * OMNI_INSN_OPERAND + 64 * OMNI_INSN_REG)
#define OMNI_INSN_TEXT_MAX 200
enum { OMNI_INSN_OP_REG = 1, OMNI_INSN_OP_IMM = 2, OMNI_INSN_OP_MEM = 3 };
enum { OMNI_INSN_READ = 1, OMNI_INSN_WRITE = 2 };
enum { OMNI_INSN_REP = 1, OMNI_INSN_REPNE = 2, OMNI_INSN_LOCK = 4 };

#endif
