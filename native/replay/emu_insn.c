// omni_insn_decode (see emu.h): one instruction's Capstone detail as data flow needs it, with the
// register parts (emu_reg_part, shared with emu_decode.c) and fixups where Capstone 4 is wrong or
// silent. Each fixup below was checked against Capstone 4.0.2 (Debian 12) and is tested in
// InstructionDecoderTest.
#include <stdio.h>
#include <string.h>

#include "emu_internal.h"

// ---- Register parts --------------------------------------------------------------------------

#define PART(r, id, off, sz) [X86_REG_##r] = {(id) + 1, off, sz}
#define GPR(id, b, h, w, d, q) PART(b, id, 0, 1), PART(h, id, 1, 1), PART(w, id, 0, 2), PART(d, id, 0, 4), PART(q, id, 0, 8)
#define GPR8(id, b, w, d, q) PART(b, id, 0, 1), PART(w, id, 0, 2), PART(d, id, 0, 4), PART(q, id, 0, 8)

// The named registers that are parts of an omni register (id + 1, so that 0 means none).
static const struct { uint8_t id1, offset, size; } named_parts[X86_REG_ENDING] = {
    GPR(OMNI_RAX, AL, AH, AX, EAX, RAX), GPR(OMNI_RBX, BL, BH, BX, EBX, RBX),
    GPR(OMNI_RCX, CL, CH, CX, ECX, RCX), GPR(OMNI_RDX, DL, DH, DX, EDX, RDX),
    GPR8(OMNI_RSI, SIL, SI, ESI, RSI),   GPR8(OMNI_RDI, DIL, DI, EDI, RDI),
    GPR8(OMNI_RBP, BPL, BP, EBP, RBP),   GPR8(OMNI_RSP, SPL, SP, ESP, RSP),
    PART(IP, OMNI_RIP, 0, 2), PART(EIP, OMNI_RIP, 0, 4), PART(RIP, OMNI_RIP, 0, 8),
    PART(EFLAGS, OMNI_EFLAGS, 0, 8),
};

static const int8_t r8_r15[8] = {OMNI_R8, OMNI_R9, OMNI_R10, OMNI_R11, OMNI_R12, OMNI_R13, OMNI_R14, OMNI_R15};

int emu_reg_part(unsigned reg, int *offset, int *size) {
    *offset = 0;
    *size = 0;
    if (reg == X86_REG_INVALID || reg >= X86_REG_ENDING) return -1;
    if (named_parts[reg].id1) {
        *offset = named_parts[reg].offset;
        *size = named_parts[reg].size;
        return named_parts[reg].id1 - 1;
    }
    static const struct { unsigned first, last; int size; } ranges[] = {
        {X86_REG_R8, X86_REG_R15, 8},     {X86_REG_R8D, X86_REG_R15D, 4},   {X86_REG_R8W, X86_REG_R15W, 2},
        {X86_REG_R8B, X86_REG_R15B, 1},   {X86_REG_XMM0, X86_REG_XMM31, 16}, {X86_REG_YMM0, X86_REG_YMM31, 32},
        {X86_REG_ZMM0, X86_REG_ZMM31, 64}, {X86_REG_ST0, X86_REG_ST7, 10},  {X86_REG_FP0, X86_REG_FP7, 10},
        {X86_REG_MM0, X86_REG_MM7, 8},    {X86_REG_K0, X86_REG_K7, 8},      {X86_REG_CR0, X86_REG_CR15, 8},
        {X86_REG_DR0, X86_REG_DR15, 8},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (reg < ranges[i].first || reg > ranges[i].last) continue;
        *size = ranges[i].size;
        unsigned n = reg - ranges[i].first;
        if (i < 4) return r8_r15[n];
        if (i == 4 && n < 16) return OMNI_REG_XMM0 + n;
        return -1;
    }
    switch (reg) {
    case X86_REG_CS: case X86_REG_DS: case X86_REG_ES: case X86_REG_FS: case X86_REG_GS: case X86_REG_SS:
    case X86_REG_FPSW:
        *size = 2;
        return -1;
    case X86_REG_EIZ: *size = 4; return -1;
    case X86_REG_RIZ: *size = 8; return -1;
    default: return -1;
    }
}

// ---- The decoding being assembled -------------------------------------------------------------

#define MAX_IMPLICIT 32
#define FLAGS_STATUS (0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x800)  // CF PF AF ZF SF OF
#define FLAG_DF 0x400
#define FLAGS_ALL (FLAGS_STATUS | FLAG_DF)

struct insn_dec {
    const cs_insn *insn;
    const cs_x86 *x;
    cs_x86_op ops[8];
    int sizes[8];  // the operands' sizes (cs_x86_op.size is a byte: fxsave's 512 does not fit)
    int nops;
    uint16_t reads[MAX_IMPLICIT], writes[MAX_IMPLICIT];  // Capstone register numbers
    int nreads, nwrites;
    int tested, written, prefixes;
    int string_op;  // the one-byte opcode of a string instruction (movs, cmps, stos, lods, scas, ins, outs), else 0
};

// Adds reg to an implicit list unless it or a part of the same register row that contains it is
// there; parts it contains are replaced by it (Capstone 4 lists al and ax for mul bl, and esi
// where outs uses rsi).
static void ensure(uint16_t *list, int *n, unsigned reg) {
    int off, size, id = emu_reg_part(reg, &off, &size);
    int at = -1;
    for (int i = 0; i < *n; i++) {
        if (list[i] == reg) return;
        int o2, s2;
        if (id < 0 || emu_reg_part(list[i], &o2, &s2) != id) continue;
        if (o2 <= off && off + size <= o2 + s2) return;
        if (off <= o2 && o2 + s2 <= off + size) {
            if (at < 0) {
                list[i] = reg;
                at = i;
            } else {
                list[i] = 0;  // a second part it contains: dropped below
            }
        }
    }
    if (at >= 0) {
        int k = 0;
        for (int i = 0; i < *n; i++)
            if (list[i]) list[k++] = list[i];
        *n = k;
        return;
    }
    if (*n < MAX_IMPLICIT) list[(*n)++] = reg;
}

static bool has(const uint16_t *list, int n, unsigned reg) {
    for (int i = 0; i < n; i++)
        if (list[i] == reg) return true;
    return false;
}

// Capstone's X86_EFLAGS_* bits as rflags bits: what the instruction tests, and what it modifies,
// sets, resets, leaves undefined or restores.
static void map_eflags(uint64_t f, int *tested, int *written) {
    static const struct { uint64_t test, write; int bit; } flags[] = {
        {X86_EFLAGS_TEST_CF, X86_EFLAGS_MODIFY_CF | X86_EFLAGS_RESET_CF | X86_EFLAGS_SET_CF | X86_EFLAGS_UNDEFINED_CF | X86_EFLAGS_PRIOR_CF, 0x1},
        {X86_EFLAGS_TEST_PF, X86_EFLAGS_MODIFY_PF | X86_EFLAGS_RESET_PF | X86_EFLAGS_SET_PF | X86_EFLAGS_UNDEFINED_PF | X86_EFLAGS_PRIOR_PF, 0x4},
        {X86_EFLAGS_TEST_AF, X86_EFLAGS_MODIFY_AF | X86_EFLAGS_RESET_AF | X86_EFLAGS_SET_AF | X86_EFLAGS_UNDEFINED_AF | X86_EFLAGS_PRIOR_AF, 0x10},
        {X86_EFLAGS_TEST_ZF, X86_EFLAGS_MODIFY_ZF | X86_EFLAGS_RESET_ZF | X86_EFLAGS_SET_ZF | X86_EFLAGS_UNDEFINED_ZF | X86_EFLAGS_PRIOR_ZF, 0x40},
        {X86_EFLAGS_TEST_SF, X86_EFLAGS_MODIFY_SF | X86_EFLAGS_RESET_SF | X86_EFLAGS_SET_SF | X86_EFLAGS_UNDEFINED_SF | X86_EFLAGS_PRIOR_SF, 0x80},
        {X86_EFLAGS_TEST_DF, X86_EFLAGS_MODIFY_DF | X86_EFLAGS_RESET_DF | X86_EFLAGS_SET_DF | X86_EFLAGS_PRIOR_DF, FLAG_DF},
        // RESET_0F is Capstone 4's misspelt second RESET_OF (ptest uses it)
        {X86_EFLAGS_TEST_OF, X86_EFLAGS_MODIFY_OF | X86_EFLAGS_RESET_OF | X86_EFLAGS_RESET_0F | X86_EFLAGS_SET_OF | X86_EFLAGS_UNDEFINED_OF | X86_EFLAGS_PRIOR_OF, 0x800},
    };
    *tested = *written = 0;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (f & flags[i].test) *tested |= flags[i].bit;
        if (f & flags[i].write) *written |= flags[i].bit;
    }
}

static int accumulator(int size) {
    return size == 1 ? X86_REG_AL : size == 2 ? X86_REG_AX : size == 4 ? X86_REG_EAX : X86_REG_RAX;
}

// The register operands of an idiom whose result does not depend on them (xor eax, eax: zero;
// pcmpeqd xmm0, xmm0: all ones): the destination is only written, the sources are not read.
static void independent_idiom(struct insn_dec *d) {
    cs_x86_op *o = d->ops;
    int first = d->nops == 3 ? 1 : 0;  // VEX forms: vpxor xmm0, xmm1, xmm1
    if (d->nops < 2 || d->nops - first != 2) return;
    if (o[first].type != X86_OP_REG || o[first + 1].type != X86_OP_REG || o[first].reg != o[first + 1].reg) return;
    o[0].access = CS_AC_WRITE;
    for (int i = 1; i < d->nops; i++) o[i].access = 0;
}

// Operand fixups: where Capstone 4's access or size is wrong or missing.
static void fix_operands(struct insn_dec *d) {
    const cs_insn *insn = d->insn;
    cs_x86_op *o = d->ops;
    for (int i = 0; i < d->nops; i++) {
        // Immediates are read; Capstone 4 leaves them 0, and some registers too (shrd's cl).
        if (o[i].type == X86_OP_IMM || (o[i].type == X86_OP_REG && o[i].access == 0)) o[i].access = CS_AC_READ;
        // Memory operands with no access (cmpsd, outs): read, unless a case below says otherwise.
        if (o[i].type == X86_OP_MEM && o[i].access == 0) o[i].access = CS_AC_READ;
    }
    const char *mn = insn->mnemonic;
    const char *sp = strrchr(mn, ' ');
    if (sp) mn = sp + 1;
    // Stores of the mov family (movups, movdqa, movq, movlpd, movhps, movnti, movbe, masked
    // vmovdqu8, ...): Capstone 4 often says their memory destination is read.
    if (d->nops >= 2 && o[0].type == X86_OP_MEM && (!strncmp(mn, "mov", 3) || !strncmp(mn, "vmov", 4)))
        o[0].access = CS_AC_WRITE;
    bool mem0_written = false, mem_unread = false, mem_read = false;
    int mem_size = -1;
    switch (insn->id) {
    case X86_INS_LEA:  // an address, not an access
    case X86_INS_NOP: case X86_INS_PREFETCH: case X86_INS_PREFETCHW: case X86_INS_PREFETCHT0:
    case X86_INS_PREFETCHT1: case X86_INS_PREFETCHT2: case X86_INS_PREFETCHNTA:
    case X86_INS_CLFLUSH: case X86_INS_CLFLUSHOPT: case X86_INS_CLWB:
        mem_unread = true;
        break;
    case X86_INS_TEST:  // Capstone 4: test r/m, imm writes its first operand
        o[0].access = CS_AC_READ;
        break;
    case X86_INS_CMPXCHG:  // compared, and written either way (with itself when unequal)
        o[0].access = CS_AC_READ | CS_AC_WRITE;
        ensure(d->reads, &d->nreads, accumulator(o[0].size));
        ensure(d->writes, &d->nwrites, accumulator(o[0].size));
        break;
    case X86_INS_CMPXCHG8B: case X86_INS_CMPXCHG16B:
        o[0].access = CS_AC_READ | CS_AC_WRITE;
        break;
    case X86_INS_ADOX:
    case X86_INS_ROL: case X86_INS_ROR: case X86_INS_RCL: case X86_INS_RCR:  // Capstone 4: rol [m] only reads
        o[0].access = CS_AC_READ | CS_AC_WRITE;
        break;
    case X86_INS_CVTSI2SD: case X86_INS_CVTSI2SS: case X86_INS_CVTSS2SD: case X86_INS_CVTSD2SS:
    case X86_INS_SQRTSD: case X86_INS_SQRTSS: case X86_INS_RCPSS: case X86_INS_RSQRTSS:
        // SSE scalars write the low element and keep the rest of the destination (Capstone 4:
        // write only; their VEX forms, other ids, take the rest from a source and are right)
    case X86_INS_BSF: case X86_INS_BSR:  // a zero source leaves the destination as it was
        o[0].access |= CS_AC_READ;
        break;
    case X86_INS_SETA: case X86_INS_SETAE: case X86_INS_SETB: case X86_INS_SETBE: case X86_INS_SETE:
    case X86_INS_SETG: case X86_INS_SETGE: case X86_INS_SETL: case X86_INS_SETLE: case X86_INS_SETNE:
    case X86_INS_SETNO: case X86_INS_SETNP: case X86_INS_SETNS: case X86_INS_SETO: case X86_INS_SETP:
    case X86_INS_SETS:
        o[0].access = CS_AC_WRITE;  // Capstone 4: setb [m], setg [m], ... only read
        break;
    case X86_INS_POP:  // pop fs: Capstone 4 gives no access
        if (o[0].type == X86_OP_REG) o[0].access = CS_AC_WRITE;
        break;
    case X86_INS_FCMOVB: case X86_INS_FCMOVBE: case X86_INS_FCMOVE: case X86_INS_FCMOVNB:
    case X86_INS_FCMOVNBE: case X86_INS_FCMOVNE: case X86_INS_FCMOVNU: case X86_INS_FCMOVU:
        // fcmovcc st(0), st(i) copies st(i) into st(0) (Capstone 4 has it the other way round)
        o[0].access = CS_AC_READ | CS_AC_WRITE;
        if (d->nops > 1) o[1].access = CS_AC_READ;
        break;
    case X86_INS_VMASKMOVPS: case X86_INS_VMASKMOVPD: case X86_INS_VPMASKMOVD: case X86_INS_VPMASKMOVQ:
    case X86_INS_PEXTRB: case X86_INS_PEXTRW: case X86_INS_PEXTRD: case X86_INS_PEXTRQ: case X86_INS_EXTRACTPS:
    case X86_INS_VPEXTRB: case X86_INS_VPEXTRW: case X86_INS_VPEXTRD: case X86_INS_VPEXTRQ: case X86_INS_VEXTRACTPS:
    case X86_INS_STMXCSR: case X86_INS_VSTMXCSR: case X86_INS_FST: case X86_INS_FSTP: case X86_INS_FIST:
    case X86_INS_FISTP: case X86_INS_FISTTP: case X86_INS_FBSTP: case X86_INS_FNSTCW: case X86_INS_FNSTENV:
        mem0_written = true;
        break;
    case X86_INS_FNSTSW:  // fnstsw m16 (Capstone 4: 4 bytes)
        mem0_written = true;
        mem_size = 2;
        break;
    case X86_INS_FNSAVE:
        mem0_written = true;
        mem_size = 108;
        break;
    case X86_INS_FRSTOR:  // Capstone 4: written
        mem_read = true;
        mem_size = 108;
        break;
    case X86_INS_FXSAVE: case X86_INS_FXSAVE64:
        mem0_written = true;
        mem_size = 512;
        break;
    case X86_INS_FXRSTOR: case X86_INS_FXRSTOR64: mem_size = 512; break;
    case X86_INS_XSAVE: case X86_INS_XSAVE64: case X86_INS_XSAVEC: case X86_INS_XSAVEC64: case X86_INS_XSAVEOPT:
    case X86_INS_XSAVEOPT64: case X86_INS_XSAVES: case X86_INS_XSAVES64: case X86_INS_XRSTOR: case X86_INS_XRSTOR64:
    case X86_INS_XRSTORS: case X86_INS_XRSTORS64:
        mem_size = 0;  // the XSAVE area's size depends on the CPU (CPUID leaf 0xd)
        break;
    case X86_INS_XOR: case X86_INS_SUB: case X86_INS_SBB: case X86_INS_PXOR: case X86_INS_XORPS: case X86_INS_XORPD:
    case X86_INS_PSUBB: case X86_INS_PSUBW: case X86_INS_PSUBD: case X86_INS_PSUBQ: case X86_INS_PCMPEQB:
    case X86_INS_PCMPEQW: case X86_INS_PCMPEQD: case X86_INS_PCMPEQQ: case X86_INS_VPXOR: case X86_INS_VXORPS:
    case X86_INS_VXORPD:
        independent_idiom(d);
        break;
    case X86_INS_MOVD: case X86_INS_MOVQ: case X86_INS_MOVSS: case X86_INS_MOVSD:
    case X86_INS_VMOVD: case X86_INS_VMOVQ: case X86_INS_VMOVSS: case X86_INS_VMOVSD:
        if (d->string_op) break;
        // An xmm source is read in its low 4 or 8 bytes (Capstone 4 gives the register's 16).
        for (int i = 0; i < d->nops; i++) {
            int off, size;
            if (o[i].type == X86_OP_REG && o[i].access == CS_AC_READ &&
                (unsigned)(emu_reg_part(o[i].reg, &off, &size) - OMNI_REG_XMM0) < 16)
                d->sizes[i] = insn->id == X86_INS_MOVD || insn->id == X86_INS_MOVSS || insn->id == X86_INS_VMOVD ||
                                    insn->id == X86_INS_VMOVSS ? 4 : 8;
        }
        break;
    default:
        break;
    }
    if (d->string_op == 0x6c || d->string_op == 0x6d) mem0_written = true;  // ins: Capstone 4 gives no access
    for (int i = 0; i < d->nops; i++) {
        if (o[i].type != X86_OP_MEM) continue;
        if (mem_unread) o[i].access = 0;
        if (mem_read) o[i].access = CS_AC_READ;
        if (mem0_written && i == 0) o[i].access = CS_AC_WRITE;
        if (mem_size >= 0) d->sizes[i] = mem_size;
    }
}

// Implicit registers and flags: fixups where Capstone 4 leaves them out or gets them wrong.
static void fix_implicit(struct insn_dec *d) {
    const cs_x86 *x = d->x;
    unsigned id = d->insn->id;
    uint8_t op = x->opcode[0];
    // x87 (d8..df, and wait): Capstone 4's eflags field holds FPU flags (C0..C3), in bits below 20;
    // only its eflags TEST bits above that are real (fcmovcc).
    uint64_t ef = x->eflags;
    if ((op >= 0xd8 && op <= 0xdf) || op == 0x9b) ef &= ~((1ULL << 20) - 1);
    map_eflags(ef, &d->tested, &d->written);
    // DF: only string instructions test it (Capstone 4 says SSE movss/movsd do, and forgets cmps,
    // scas, ins); only these write it (Capstone 4 also says prefetchw, bextr, syscall do).
    if (d->string_op) d->tested |= FLAG_DF;
    else d->tested &= ~FLAG_DF;
    switch (id) {
    case X86_INS_CLD: case X86_INS_STD: case X86_INS_POPF: case X86_INS_POPFD: case X86_INS_POPFQ:
    case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_IRETQ: case X86_INS_SYSRET: case X86_INS_SYSEXIT:
    case X86_INS_RSM:
        break;
    default:
        d->written &= ~FLAG_DF;
    }
    static const uint16_t syscall_reads[] = {X86_REG_RAX, X86_REG_RDI, X86_REG_RSI, X86_REG_RDX, X86_REG_R10,
                                             X86_REG_R8, X86_REG_R9, X86_REG_EFLAGS, X86_REG_RIP};
    switch (id) {
    case X86_INS_ADC: case X86_INS_SBB: case X86_INS_ADCX: case X86_INS_RCL: case X86_INS_RCR: case X86_INS_CMC:
        d->tested |= 0x1;  // carry in (Capstone 4 says only that they modify CF)
        break;
    case X86_INS_ADOX:
        d->tested |= 0x800;
        break;
    case X86_INS_LAHF:
        d->tested |= FLAGS_STATUS & ~0x800;
        break;
    case X86_INS_PUSHF: case X86_INS_PUSHFD: case X86_INS_PUSHFQ:
        d->tested |= FLAGS_ALL;
        break;
    case X86_INS_PREFETCHW:
        d->written = 0;
        break;
    case X86_INS_SYSCALL:
        // Capstone 4 gives nothing. The kernel reads the number and arguments and returns the result
        // in rax; the CPU saves rip in rcx and rflags in r11; the kernel returns with the flags saved.
        for (size_t i = 0; i < sizeof syscall_reads / sizeof syscall_reads[0]; i++)
            ensure(d->reads, &d->nreads, syscall_reads[i]);
        ensure(d->writes, &d->nwrites, X86_REG_RAX);
        ensure(d->writes, &d->nwrites, X86_REG_RCX);
        ensure(d->writes, &d->nwrites, X86_REG_R11);
        d->tested = FLAGS_ALL;
        d->written = 0;
        break;
    case X86_INS_ENTER:
        ensure(d->reads, &d->nreads, X86_REG_RBP);
        ensure(d->reads, &d->nreads, X86_REG_RSP);
        ensure(d->writes, &d->nwrites, X86_REG_RBP);
        ensure(d->writes, &d->nwrites, X86_REG_RSP);
        break;
    case X86_INS_PUSH: case X86_INS_POP:  // push fs / pop fs: Capstone 4 forgets rsp
        ensure(d->reads, &d->nreads, X86_REG_RSP);
        ensure(d->writes, &d->nwrites, X86_REG_RSP);
        break;
    case X86_INS_XLATB:  // al = [rbx + al]
        ensure(d->reads, &d->nreads, X86_REG_AL);
        ensure(d->reads, &d->nreads, X86_REG_RBX);
        ensure(d->writes, &d->nwrites, X86_REG_AL);
        break;
    default:
        break;
    }
    if (d->string_op) {
        uint8_t s = d->string_op & 0xfe;  // a4 movs, a6 cmps, aa stos, ac lods, ae scas, 6c ins, 6e outs
        if (s == 0xa4 || s == 0xa6 || s == 0xac || s == 0x6e) {
            ensure(d->reads, &d->nreads, X86_REG_RSI);
            ensure(d->writes, &d->nwrites, X86_REG_RSI);
        }
        if (s == 0xa4 || s == 0xa6 || s == 0xaa || s == 0xae || s == 0x6c) {
            ensure(d->reads, &d->nreads, X86_REG_RDI);
            ensure(d->writes, &d->nwrites, X86_REG_RDI);
        }
        if (d->prefixes & (OMNI_INSN_REP | OMNI_INSN_REPNE)) {
            ensure(d->reads, &d->nreads, X86_REG_RCX);
            ensure(d->writes, &d->nwrites, X86_REG_RCX);
        }
    }
    // rflags in the implicit lists exactly when flags are tested / written; where Capstone 4 lists
    // rflags but no flag bits (pcmpistri, fcomi), all status flags.
    bool reads_flags = has(d->reads, d->nreads, X86_REG_EFLAGS);
    bool writes_flags = has(d->writes, d->nwrites, X86_REG_EFLAGS);
    if (reads_flags && !d->tested) d->tested = FLAGS_ALL;
    if (writes_flags && !d->written) d->written = FLAGS_STATUS;
    if (d->tested) ensure(d->reads, &d->nreads, X86_REG_EFLAGS);
    if (d->written) ensure(d->writes, &d->nwrites, X86_REG_EFLAGS);
}

// ---- Output ----------------------------------------------------------------------------------

static int64_t *put_reg(int64_t *p, unsigned reg) {
    int off, size;
    p[0] = emu_reg_part(reg, &off, &size);
    p[1] = off;
    p[2] = size;
    p[3] = reg;
    return p + OMNI_INSN_REG;
}

static int encode(const struct insn_dec *d, int64_t *out) {
    int64_t *p = out;
    p[0] = d->insn->size;
    p[1] = d->prefixes;
    p[2] = d->tested;
    p[3] = d->written;
    p[4] = d->nops;
    p[5] = d->nreads;
    p[6] = d->nwrites;
    p += OMNI_INSN_HEADER;
    for (int i = 0; i < d->nops; i++, p += OMNI_INSN_OPERAND) {
        const cs_x86_op *o = &d->ops[i];
        memset(p, 0, OMNI_INSN_OPERAND * sizeof *p);
        p[1] = d->sizes[i];
        p[2] = o->access & (CS_AC_READ | CS_AC_WRITE);
        switch (o->type) {
        case X86_OP_REG:
            p[0] = OMNI_INSN_OP_REG;
            put_reg(p + 3, o->reg);
            break;
        case X86_OP_IMM:
            p[0] = OMNI_INSN_OP_IMM;
            p[3] = o->imm;
            break;
        default:
            p[0] = OMNI_INSN_OP_MEM;
            p[3] = o->mem.segment == X86_REG_FS ? OMNI_FS_BASE : o->mem.segment == X86_REG_GS ? OMNI_GS_BASE : -1;
            put_reg(p + 4, o->mem.base);
            put_reg(p + 8, o->mem.index);
            p[12] = o->mem.scale;
            p[13] = o->mem.disp;
            break;
        }
    }
    for (int i = 0; i < d->nreads; i++) p = put_reg(p, d->reads[i]);
    for (int i = 0; i < d->nwrites; i++) p = put_reg(p, d->writes[i]);
    return (int)(p - out);
}

// One Capstone handle and instruction per thread (cs_disasm_iter: no allocation per call).
static __thread csh insn_handle;
static __thread cs_insn *insn_buf;

static bool insn_open(void) {
    if (insn_buf) return true;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &insn_handle) != CS_ERR_OK) return false;
    cs_option(insn_handle, CS_OPT_DETAIL, CS_OPT_ON);
    insn_buf = cs_malloc(insn_handle);
    if (!insn_buf) {
        cs_close(&insn_handle);
        return false;
    }
    return true;
}

int omni_insn_decode(const uint8_t *code, int len, uint64_t addr, int64_t *out, int outlen, char *text, int textlen) {
    if (!code || len <= 0 || !out || !text) return OMNI_EINVAL;
    if (!insn_open()) return OMNI_ENOMEM;
    const uint8_t *c = code;
    size_t n = (size_t)len;
    uint64_t a = addr;
    if (!cs_disasm_iter(insn_handle, &c, &n, &a, insn_buf)) return OMNI_EINVAL;
    struct insn_dec d = {.insn = insn_buf, .x = &insn_buf->detail->x86};
    const cs_detail *det = insn_buf->detail;
    d.nops = d.x->op_count < 8 ? d.x->op_count : 8;
    memcpy(d.ops, d.x->operands, d.nops * sizeof d.ops[0]);
    for (int i = 0; i < d.nops; i++) d.sizes[i] = d.ops[i].size;
    for (int i = 0; i < det->regs_read_count; i++) ensure(d.reads, &d.nreads, det->regs_read[i]);
    for (int i = 0; i < det->regs_write_count; i++) ensure(d.writes, &d.nwrites, det->regs_write[i]);
    uint8_t op = d.x->opcode[0];
    if ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) || (op >= 0x6c && op <= 0x6f)) d.string_op = op;
    if (d.string_op && d.x->prefix[0] == X86_PREFIX_REP) d.prefixes |= OMNI_INSN_REP;
    if (d.string_op && d.x->prefix[0] == X86_PREFIX_REPNE) d.prefixes |= OMNI_INSN_REPNE;
    if (d.x->prefix[0] == X86_PREFIX_LOCK) d.prefixes |= OMNI_INSN_LOCK;
    fix_operands(&d);
    fix_implicit(&d);

    // The mnemonic without Capstone's prefix words ("rep movsb": "movsb").
    const char *mn = insn_buf->mnemonic;
    const char *sp = strrchr(mn, ' ');
    if (sp) mn = sp + 1;
    size_t need = strlen(mn) + 1 + strlen(insn_buf->op_str) + 1;
    int count = OMNI_INSN_HEADER + d.nops * OMNI_INSN_OPERAND + (d.nreads + d.nwrites) * OMNI_INSN_REG;
    if (count > outlen || need > (size_t)textlen) return OMNI_ERANGE;
    snprintf(text, textlen, "%s\t%s", mn, insn_buf->op_str);
    return encode(&d, out);
}

const char *omni_insn_reg_name(int reg) {
    if (reg <= X86_REG_INVALID || reg >= X86_REG_ENDING || !insn_open()) return NULL;
    return cs_reg_name(insn_handle, reg);
}
