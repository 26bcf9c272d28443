// Scopes, variables, locations and types for ElfDebugInfoTest (compiled at -O0 and -O2).
#include <stdlib.h>

typedef unsigned int u32;
enum color { RED, GREEN = 5, BLUE = -2 };
struct flags {
    unsigned a : 3;
    unsigned b : 5;
    int c : 7;
    unsigned long d;
};
union num {
    int i;
    float f;
    char bytes[4];
};
struct point {
    int x, y;
};
struct item {
    const char *name;
    struct point pos[2];
    int grid[3][4];
    union num n;
    enum color color;
    struct flags fl;
    u32 id;
    struct item *next;
    double (*fn)(double);
    const volatile int cv;
};

struct item global_item = {.name = "global", .id = 7};
static int file_counter;

__attribute__((noinline)) int ext(int v) {
    file_counter += v;
    return v * 3 + file_counter;
}

__attribute__((noinline)) int work(int n, struct item *it) { // @work
    int total = 0;
    for (int i = 0; i < n; i++) {
        int sq = i * i;
        total += sq + it->pos[0].x; // @inner
    }
    return total;
}

__attribute__((noinline)) int scale(int v) {
    int k = ext(v);
    int m = ext(k + v);
    return k * m + v; // @scale
}

static inline int twice(int x) {
    int doubled = x * 2;
    if (doubled > 100) doubled = ext(doubled);
    return doubled;
}

int main(int argc, char **argv) { // @main
    struct item it = {.name = argv[0], .id = 3, .color = BLUE};
    it.fl.a = 5;
    it.fl.c = -3;
    static int calls;
    calls++;
    int r = work(argc + 2, &it) + scale(argc) + twice(argc); // @twice-call
    return r & 0x7f;
}
