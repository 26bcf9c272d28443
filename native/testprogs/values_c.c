/* values_c: source-level values for the gdb oracle (issue 12), built twice: values_c_O0 (-O0) and
 * values_c_O2 (-O2). A rich set of C types in globals, arguments and locals; nested blocks that
 * shadow a name; a recursion four frames deep; a static local. The lines marked MARK are where
 * values_oracle.py breaks; after the colon, what it prints there ("up N": frames 1..N as well).
 * Deterministic: no heap, no time, no input; the same stdout every run. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef unsigned int u32;
typedef struct point { int x; int y; } point_t;

enum color { RED, GREEN = 5, BLUE };

struct flags {
    unsigned int ready : 1;
    signed int delta : 4;
    unsigned int mode : 3;
    int level : 6;
};

struct account {
    char owner[12];
    enum color color;
    int balance;
    float rate;
    double total;
    struct flags flags;
    point_t where;
    struct account *next;
};

union number {
    int i;
    float f;
    unsigned char bytes[4];
};

typedef int (*binop_fn)(int, int);

struct account accounts[3];
int big[300];
char zeros[16];
int grid[3][4];
const char *greeting = "hello, values";
char name_buffer[8] = "omni";
char *mutable_name = name_buffer;
bool enabled = true;
unsigned char small_uc = 200;
short small_short = -1234;
long long huge = -1234567890123LL;
u32 mask = 0xdeadbeefu;
enum color odd_color = (enum color)9;
union number tiny;
double ratio = 3.141592653589793;
volatile int sink;

__attribute__((noinline)) int add(int a, int b) { return a + b; }
__attribute__((noinline)) int mul(int a, int b) { return a * b; }

static void setup(void) {
    static const char *const names[3] = {"Alice", "Bob", "Carol"};
    for (int i = 0; i < 3; i++) {
        struct account *a = &accounts[i];
        strcpy(a->owner, names[i]);
        a->color = i == 0 ? RED : i == 1 ? GREEN : BLUE;
        a->balance = 100 * (i + 1) - 250;
        a->rate = 0.25f * (float)(i + 1);
        a->total = 1000.5 * (i + 1);
        a->flags.ready = i & 1;
        a->flags.delta = -3 + 2 * i;
        a->flags.mode = 5 - i;
        a->flags.level = -20 + 15 * i;
        a->where.x = i * 10;
        a->where.y = -i;
        a->next = i < 2 ? &accounts[i + 1] : NULL;
    }
    for (int i = 0; i < 300; i++) big[i] = i < 20 ? i * i : i < 50 ? 7 : i;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) grid[r][c] = r * 10 + c;
    tiny.i = 31; /* the float 4.34402524e-44 */
}

/* Every kind of local and argument. */
__attribute__((noinline)) int inspect(struct account *acc, int count, double factor, const char *label, binop_fn op) {
    point_t origin = {3, -4};
    union number num;
    num.f = 1.5f;
    struct account copy = *acc;
    int total = 0;
    unsigned char flag_byte = (unsigned char)(count * 70);
    short delta = (short)(-count * 3);
    long long product = (long long)count * -100000000000LL;
    bool positive = acc->balance > 0;
    char letters[6] = {'a', 'b', 'c', 0, 'e', 0};
    for (int i = 0; i < count; i++) total = op(total, acc[i].balance);
    copy.balance += total;
    sink = total + origin.x + delta + (int)product + positive + flag_byte + letters[4] + num.i;
    sink = copy.balance + (int)(factor * 2) + (int)strlen(label); /* MARK inspect: print *acc, print acc->next->owner, print copy.flags, print origin, print num, print op, print label, print grid[1], print big[25], print tiny.f, print huge, print odd_color, print mutable_name */
    return total + copy.balance;
}

/* Shadowing in nested blocks. */
__attribute__((noinline)) int blocks(int x) {
    int y = x * 2;
    {
        int x = y + 1;
        sink = x;
        {
            int x = y + 2;
            int z = x * 3;
            sink = x + z + y; /* MARK blocks_inner: print x, print y, print z */
        }
        sink = x + y; /* MARK blocks_middle: print x */
    }
    return x + y;
}

/* A recursion four frames deep: each frame has its own `here`. */
__attribute__((noinline)) int descend(int depth, struct account *acc) {
    int here = depth * 100 + acc->balance;
    int *where = &here;
    if (depth > 1) here += descend(depth - 1, acc->next ? acc->next : acc);
    sink = *where + depth; /* MARK descend: up 2, print here, print depth, print acc->owner, print *where */
    return here;
}

/* A static local, counted over calls. */
__attribute__((noinline)) int counted(int step) {
    static int calls_made;
    calls_made += step;
    sink = calls_made; /* MARK counted: print calls_made */
    return calls_made;
}

int main(void) {
    setup();
    int r1 = inspect(&accounts[0], 3, 0.5, "first", add);
    int r2 = inspect(&accounts[1], 2, -2.25, greeting, mul);
    int r3 = blocks(4);
    int r4 = descend(4, &accounts[0]);
    int r5 = 0;
    for (int i = 1; i <= 3; i++) r5 = counted(i);
    int zero_check = zeros[3] + small_uc + small_short + enabled + (int)mask + (int)(ratio * 1000);
    printf("inspect: %d %d\n", r1, r2);
    printf("blocks: %d\n", r3);
    printf("descend: %d\n", r4);
    printf("counted: %d\n", r5);
    printf("check: %d %s\n", zero_check, greeting); /* MARK main_end: print accounts, print zeros, print big, print enabled, print small_uc, print small_short, print mask, print ratio, print greeting, print name_buffer */
    return 0;
}
