// isa_probe: one representative instruction per ISA extension, executed natively on fixed inputs.
// Prints one line per instruction: "NAME FEATURE BYTES rax rbx rcx rdx flags xmm0 xmm1" (hex), which
// the indexer's IsaProbeTest runs again in the emulator and compares, for every feature the
// recorder's CPUID table advertises. The instruction reads and writes rax, rbx, rcx, rdx, xmm0-2,
// the arithmetic flags and the 64 bytes rsi points to (inputs are set by the table below).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct isa_state {
    uint64_t rax, rbx, rcx, rdx, flags;
    uint8_t xmm[3][16];
};

// The inputs every snippet starts from (the emulator test uses the same values: keep in sync with
// IsaProbeTest.INPUT_*).
#define IN_RAX 0x0123456789abcdefULL
#define IN_RBX 0xfedcba9876543210ULL
#define IN_RCX 0x0000000000000005ULL
#define IN_RDX 0x00000000f0f0f0f0ULL

struct snippet {
    const char *name, *feature;  // feature: the name IsaProbeTest knows (CpuModel's bit names)
    const uint8_t *code;
    int len;
    uint64_t flags_mask;  // which of the arithmetic flags the instruction defines
    void (*run)(struct isa_state *);
};

#define CF 0x1ULL
#define PF 0x4ULL
#define AF 0x10ULL
#define ZF 0x40ULL
#define SF 0x80ULL
#define OF 0x800ULL
#define ALLF (CF | PF | AF | ZF | SF | OF)

static uint8_t memory[64] __attribute__((aligned(64)));

// Runs the bytes with the registers of s and stores them back; flags come from a pushf after it.
#define SNIPPET(id, ...)                                                                       \
    static const uint8_t id##_code[] = {__VA_ARGS__};                                         \
    static void id##_run(struct isa_state *s) {                                                \
        register uint64_t a asm("rax") = s->rax, b asm("rbx") = s->rbx, c asm("rcx") = s->rcx, \
                                     d asm("rdx") = s->rdx;                                   \
        register void *si asm("rsi") = memory, *xp asm("r9") = s->xmm;                         \
        uint64_t f;                                                                            \
        asm volatile("movdqu (%%r9), %%xmm0\n\tmovdqu 16(%%r9), %%xmm1\n\t"                     \
                     "movdqu 32(%%r9), %%xmm2\n\txor %%r8d, %%r8d\n\t"                         \
                     ".byte " #__VA_ARGS__ "\n\tpushfq\n\tpopq %[f]\n\t"                        \
                     "movdqu %%xmm0, (%%r9)\n\tmovdqu %%xmm1, 16(%%r9)\n\t"                      \
                     "movdqu %%xmm2, 32(%%r9)"                                                 \
                     : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(si), "+r"(xp), [f] "=m"(f)     \
                     :                                                                         \
                     : "r8", "xmm0", "xmm1", "xmm2", "memory", "cc");                          \
        s->rax = a, s->rbx = b, s->rcx = c, s->rdx = d, s->flags = f;                          \
    }

SNIPPET(popcnt, 0xf3, 0x48, 0x0f, 0xb8, 0xc3)                     // popcnt rax, rbx
SNIPPET(lzcnt, 0xf3, 0x48, 0x0f, 0xbd, 0xc3)                      // lzcnt rax, rbx (bsr without ABM)
SNIPPET(movbe, 0x48, 0x0f, 0x38, 0xf0, 0x06)                      // movbe rax, [rsi]
SNIPPET(crc32, 0xf2, 0x48, 0x0f, 0x38, 0xf1, 0xc3)                // crc32 rax, rbx
SNIPPET(pcmpistri, 0x66, 0x0f, 0x3a, 0x63, 0xc1, 0x0c)            // pcmpistri xmm0, xmm1, 12
SNIPPET(pshufb, 0x66, 0x0f, 0x38, 0x00, 0xc1)                     // pshufb xmm0, xmm1
SNIPPET(pblendvb, 0x66, 0x0f, 0x38, 0x10, 0xca)                   // pblendvb xmm1, xmm2, <xmm0>
SNIPPET(pclmulqdq, 0x66, 0x0f, 0x3a, 0x44, 0xc1, 0x11)            // pclmulqdq xmm0, xmm1, 0x11
SNIPPET(aesenc, 0x66, 0x0f, 0x38, 0xdc, 0xc1)                     // aesenc xmm0, xmm1
SNIPPET(aesdeclast, 0x66, 0x0f, 0x38, 0xdf, 0xc1)                 // aesdeclast xmm0, xmm1
SNIPPET(sha256rnds2, 0x0f, 0x38, 0xcb, 0xca)                      // sha256rnds2 xmm1, xmm2, <xmm0>
SNIPPET(sha1rnds4, 0x0f, 0x3a, 0xcc, 0xc1, 0x01)                  // sha1rnds4 xmm0, xmm1, 1
SNIPPET(andn, 0xc4, 0xe2, 0xe0, 0xf2, 0xc1)                       // andn rax, rbx, rcx
SNIPPET(tzcnt, 0xf3, 0x48, 0x0f, 0xbc, 0xc3)                      // tzcnt rax, rbx
SNIPPET(bextr, 0xc4, 0xe2, 0xf0, 0xf7, 0xc3)                      // bextr rax, rbx, rcx
SNIPPET(shlx, 0xc4, 0xe2, 0xf1, 0xf7, 0xc3)                       // shlx rax, rbx, rcx
SNIPPET(pdep, 0xc4, 0xe2, 0xe3, 0xf5, 0xc1)                       // pdep rax, rbx, rcx
SNIPPET(mulx, 0xc4, 0xe2, 0xe3, 0xf6, 0xc1)                       // mulx rax, rbx, rcx (* rdx)
SNIPPET(rorx, 0xc4, 0xe3, 0xfb, 0xf0, 0xc3, 0x0d)                 // rorx rax, rbx, 13
SNIPPET(adcx, 0xf9, 0x66, 0x48, 0x0f, 0x38, 0xf6, 0xc3)           // stc; adcx rax, rbx
SNIPPET(adox, 0xf3, 0x48, 0x0f, 0x38, 0xf6, 0xc3)                 // adox rax, rbx
SNIPPET(cmpxchg16b, 0x48, 0x0f, 0xc7, 0x0e)                       // cmpxchg16b [rsi]
SNIPPET(vpaddd_ymm, 0xc5, 0xfd, 0xfe, 0xc1)                       // vpaddd ymm0, ymm0, ymm1
SNIPPET(vfmadd, 0xc4, 0xe2, 0xf1, 0xa8, 0xc2)                     // vfmadd213pd xmm0, xmm1, xmm2
SNIPPET(vaddps_zmm, 0x62, 0xf1, 0x7c, 0x48, 0x58, 0xc1)           // vaddps zmm0, zmm0, zmm1
SNIPPET(xgetbv, 0x31, 0xc9, 0x0f, 0x01, 0xd0)                     // xor ecx, ecx; xgetbv
SNIPPET(gf2p8mulb, 0x66, 0x0f, 0x38, 0xcf, 0xc1)                  // gf2p8mulb xmm0, xmm1

#define S(id, feature, flags) {#id, feature, id##_code, sizeof id##_code, flags, id##_run}
static const struct snippet snippets[] = {
    S(popcnt, "POPCNT", ALLF),
    S(lzcnt, "ABM", CF | ZF),
    S(movbe, "MOVBE", 0),
    S(crc32, "SSE4_2", 0),
    S(pcmpistri, "SSE4_2", ALLF),
    S(pshufb, "SSSE3", 0),
    S(pblendvb, "SSE4_1", 0),
    S(pclmulqdq, "PCLMULQDQ", 0),
    S(aesenc, "AES", 0),
    S(aesdeclast, "AES", 0),
    S(sha256rnds2, "SHA", 0),
    S(sha1rnds4, "SHA", 0),
    S(andn, "BMI1", ZF | SF | CF | OF),
    S(tzcnt, "BMI1", CF | ZF),
    S(bextr, "BMI1", ZF | CF | OF),
    S(shlx, "BMI2", 0),
    S(pdep, "BMI2", 0),
    S(mulx, "BMI2", 0),
    S(rorx, "BMI2", 0),
    S(adcx, "ADX", CF),
    S(adox, "ADX", OF),
    S(cmpxchg16b, "CX16", ZF),
    S(vpaddd_ymm, "AVX2", 0),
    S(vfmadd, "FMA", 0),
    S(vaddps_zmm, "AVX512F", 0),
    S(xgetbv, "OSXSAVE", 0),
    S(gf2p8mulb, "GFNI", 0),
};
#define NSNIPPETS (int)(sizeof snippets / sizeof snippets[0])

static void initial(struct isa_state *s) {
    s->rax = IN_RAX, s->rbx = IN_RBX, s->rcx = IN_RCX, s->rdx = IN_RDX, s->flags = 0;
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 16; i++) s->xmm[r][i] = (uint8_t)(0x11 * (r + 1) + 7 * i);
    for (int i = 0; i < 64; i++) memory[i] = (uint8_t)(3 * i + 1);
}

#ifndef ISA_PROBE_NO_MAIN
int main(int argc, char **argv) {
    for (int i = 0; i < NSNIPPETS; i++) {
        const struct snippet *sn = &snippets[i];
        // Arguments name the features (or instructions) to run, only ones this CPU has; none: all of them.
        int wanted = argc < 2;
        for (int a = 1; a < argc; a++) wanted |= !strcmp(argv[a], sn->feature) || !strcmp(argv[a], sn->name);
        if (!wanted) continue;
        struct isa_state s;
        initial(&s);
        sn->run(&s);
        printf("%s %s ", sn->name, sn->feature);
        for (int b = 0; b < sn->len; b++) printf("%02x", sn->code[b]);
        printf(" %016llx %016llx %016llx %016llx %016llx", (unsigned long long)s.rax, (unsigned long long)s.rbx,
               (unsigned long long)s.rcx, (unsigned long long)s.rdx, (unsigned long long)(s.flags & sn->flags_mask));
        for (int r = 0; r < 2; r++) {
            printf(" ");
            for (int b = 0; b < 16; b++) printf("%02x", s.xmm[r][b]);
        }
        unsigned long long mem = 0;
        memcpy(&mem, memory, 8);
        printf(" %016llx\n", mem);
    }
    return 0;
}
#endif
