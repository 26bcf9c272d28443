// cpu_dispatch: picks code by what CPUID says, as libraries do: __builtin_cpu_supports("avx2")
// chooses a vpaddd ymm loop, "popcnt" a popcnt loop, CPUID.1:ECX.RDRAND an rdrand draw (else
// getrandom). stdout is the same whichever path runs; stderr names the paths taken.
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>

#define N 4096
static int32_t data[N];

__attribute__((target("avx2"))) static int64_t sum_avx2(void) {
    __m256i acc = _mm256_setzero_si256();
    for (int i = 0; i < N; i += 8) acc = _mm256_add_epi32(acc, _mm256_loadu_si256((const __m256i *)&data[i]));
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, acc);
    int64_t s = 0;
    for (int i = 0; i < 8; i++) s += lanes[i];
    return s;
}

static int64_t sum_scalar(void) {
    int64_t s = 0;
    for (int i = 0; i < N; i++) s += data[i];
    return s;
}

__attribute__((target("popcnt"))) static int bits_popcnt(void) {
    int n = 0;
    for (int i = 0; i < N; i++) n += __builtin_popcount((unsigned)data[i]);
    return n;
}

static int bits_scalar(void) {
    int n = 0;
    for (int i = 0; i < N; i++)
        for (unsigned v = (unsigned)data[i]; v; v &= v - 1) n++;
    return n;
}

__attribute__((target("rdrnd"))) static int draw_rdrand(unsigned long long *v) {
    return _rdrand64_step(v);
}

int main(void) {
    for (int i = 0; i < N; i++) data[i] = i * 37 - 1000;
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2"), popcnt = __builtin_cpu_supports("popcnt");
    unsigned a, b, c, d;
    int rdrand = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_RDRND);
    long long sum = avx2 ? sum_avx2() : sum_scalar();
    int bits = popcnt ? bits_popcnt() : bits_scalar();
    unsigned long long r = 0;
    int drawn = rdrand ? draw_rdrand(&r) : getrandom(&r, sizeof r, 0) == sizeof r;
    printf("sum=%lld bits=%d random=%s\n", sum, bits, drawn ? "ok" : "failed");
    fprintf(stderr, "paths: sum=%s bits=%s random=%s\n", avx2 ? "avx2" : "scalar", popcnt ? "popcnt" : "scalar",
            rdrand ? "rdrand" : "getrandom");
    return 0;
}
