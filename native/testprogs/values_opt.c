/* values_opt: source-level values of optimised code for the gdb oracle (issue 12), built at -O2
 * (values_opt_O2) and at -Og (values_opt_Og), without frame pointers. What values_c does not
 * exercise: static inline functions that really are inlined (marks inside inlined code, where gdb
 * shows inline frames, and `up` through them), loops with induction variables in registers,
 * structs passed and returned by value, long double, float arguments, an array of unions, a switch
 * on an enum, a function of many arguments (ints and doubles, some on the stack), values live
 * across calls in callee-saved registers, a tail call. The lines marked MARK are where
 * values_oracle.py breaks; after the colon, what it prints there ("up N": frames 1..N as well).
 * Deterministic: no heap, no time, no input; the same stdout every run. */
#include <stdio.h>

typedef struct vec3 { double x, y, z; } vec3;
typedef struct pair { int lo; int hi; } pair;
typedef struct rgba { unsigned char r, g, b, a; } rgba;

enum shape { CIRCLE, SQUARE = 4, TRIANGLE, HEXAGON = 6 };

union cell {
    int i;
    float f;
    unsigned short half[2];
};

union cell cells[4];
long double precise = 1.0L / 3.0L;
volatile int sink;
volatile int extra_in = 20;
volatile double dsink;
int weights[8] = {3, 1, 4, 1, 5, 9, 2, 6};

__attribute__((noinline)) int opaque(int v) { sink = v; return v + 1; }

/* Inlined into twice_clamped, itself inlined into scale_all's loop: a mark inside inlined code. */
static inline int clamp_add(int base, int extra) {
    int sum = base + extra;
    if (sum > 50) sum = 50;
    sink = sum; /* MARK inlined: print base, print extra, print sum, up 2 */
    return sum;
}

static inline int twice_clamped(int base, int extra) {
    int once = clamp_add(base, extra);
    return clamp_add(once, extra / 2);
}

__attribute__((noinline)) int scale_all(const int *v, int n, int extra) {
    int total = 0;
    for (int i = 0; i < n; i++) total += twice_clamped(v[i], extra);
    return total;
}

/* Structs by value, in and out. */
__attribute__((noinline)) vec3 add_vec(vec3 p, vec3 q, float weight) {
    vec3 r = {p.x + q.x * weight, p.y + q.y * weight, p.z + q.z * weight};
    dsink = r.x + r.y + r.z; /* MARK by_value: print p, print q, print weight, print r, print p.y + q.y */
    return r;
}

__attribute__((noinline)) pair minmax(const int *v, int n) {
    pair p = {v[0], v[0]};
    for (int i = 1; i < n; i++) {
        if (v[i] < p.lo) p.lo = v[i];
        if (v[i] > p.hi) p.hi = v[i];
    }
    sink = p.lo * p.hi; /* MARK minmax: print p, print n, print v[n-1], print *v@n */
    return p;
}

/* A loop whose induction variable and accumulator live in registers. */
__attribute__((noinline)) long sum_weights(int limit) {
    long acc = 0;
    for (int i = 0; i < limit; i++) {
        acc += (long)weights[i] * (i + 1);
        sink = (int)acc; /* MARK loop: print i, print acc, print weights[i] */
    }
    return acc;
}

/* A switch on an enum. */
__attribute__((noinline)) int sides(enum shape s, rgba colour) {
    int n;
    switch (s) {
    case CIRCLE: n = 0; break;
    case SQUARE: n = 4; break;
    case TRIANGLE: n = 3; break;
    default: n = (int)s; break;
    }
    sink = n + colour.g; /* MARK shape: print s, print colour, print n, print s == TRIANGLE */
    return n;
}

/* Many arguments: six ints in registers, two on the stack, doubles in xmm registers. */
__attribute__((noinline)) double many(int a, int b, int c, double d, int e, int f, double g, int h, int i,
                                      float j, long double k) {
    double total = a + b + c + d + e + f + g + h + i + j + (double)k;
    dsink = total; /* MARK many: print a, print d, print h, print i, print j, print k, print total */
    return total * 2;
}

/* Values live across calls: in callee-saved registers at -O2. */
__attribute__((noinline)) int across(int seed) {
    int first = opaque(seed);
    int second = opaque(first * 3);
    int third = opaque(second + first);
    sink = first + second + third; /* MARK across: print first, print second, print third, print seed */
    return first * second - third;
}

/* A tail call: finish's call of opaque can become a jump. */
__attribute__((noinline)) int finish(int v, union cell *c) {
    int w = v * 5 + c->i;
    sink = w; /* MARK tail: print v, print w, print *c, print c->half */
    return opaque(w);
}

__attribute__((noinline)) long double third_of(long double x) {
    long double t = x / 3.0L;
    dsink = (double)t; /* MARK long_double: print x, print t, print precise, print cells */
    return t;
}

/* Builds its vectors itself, so that main's frame holds no struct before it is set (its stack
 * contents before then depend on how the program was started). */
__attribute__((noinline)) vec3 vectors(void) {
    vec3 p = {1.0, 2.0, 3.0}, q = {0.5, -0.25, 4.0};
    return add_vec(p, q, 2.0f);
}

vec3 result;

int main(void) {
    for (int k = 0; k < 4; k++) cells[k].i = 0x3f800000 + k * 0x100000;
    cells[3].f = -2.5f;
    int s = scale_all(weights, 3, extra_in);
    result = vectors();
    pair mm = minmax(weights, 8);
    long acc = sum_weights(3);
    rgba colour = {10, 20, 30, 255};
    int n = sides(TRIANGLE, colour) + sides(HEXAGON, colour) + sides(SQUARE, colour);
    double m = many(1, 2, 3, 4.5, 5, 6, 7.25, 8, 9, 10.5f, 11.0L);
    int x = across(4);
    int t = finish(x, &cells[2]);
    long double third = third_of(precise);
    printf("scale: %d\n", s);
    printf("vec: %.2f %.2f %.2f\n", result.x, result.y, result.z);
    printf("minmax: %d %d\n", mm.lo, mm.hi);
    printf("loop: %ld\n", acc);
    printf("sides: %d\n", n);
    printf("many: %.2f\n", m);
    printf("across: %d tail: %d\n", x, t);
    printf("third: %.6Lf\n", third); /* MARK main_end: print s, print result, print mm, print cells, print precise */
    return 0;
}
