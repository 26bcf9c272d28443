/* calls: calls with known arguments and return values, for the calls table.
 *   add(i, 2*i) for i = 1..5          returns 3, 6, 9, 12, 15
 *   sum6(1, 2, 3, 4, 5, 6)            six integer arguments (rdi, rsi, rdx, rcx, r8, r9), returns 21
 *   fact(5) -> fact(4) -> ... -> fact(1)  recursion, returns 1, 2, 6, 24, 120 (innermost first)
 *   jumper() -> nest1(1) -> nest2(2) -> nest3(3), which longjmps back to jumper's setjmp with 42:
 *                                       nest1..3 never return
 *   tail_start(5) (calls_tail.c, -O2) -> tail_a(6) -> tail_b(12) -> tail_c(9): the last two
 *                                       are reached by jmp (sibling calls); tail_c returns 9 * 3 + 1 = 28
 *                                       straight to tail_start, which returns 29
 *
 * Watched globals:
 *   depth      current depth of fact(): 0 -> 1 -> 2 -> 3 -> 4 -> 5 -> 4 -> 3 -> 2 -> 1 -> 0
 *   depth_max  maximum depth of fact(): 0 -> 1 -> 2 -> 3 -> 4 -> 5
 *   jumps      0 -> 1, set by jumper() after longjmp lands
 */
#include <setjmp.h>
#include <stdio.h>

int depth;
int depth_max;
int jumps;

static jmp_buf env;

long tail_start(long n); /* calls_tail.c */

__attribute__((noinline)) int add(int a, int b)
{
    return a + b;
}

__attribute__((noinline)) long sum6(long a, long b, long c, long d, long e, long f)
{
    return a + b + c + d + e + f;
}

__attribute__((noinline)) long fact(long n)
{
    depth++;
    if (depth > depth_max)
        depth_max = depth;
    long r = n <= 1 ? 1 : n * fact(n - 1);
    depth--;
    return r;
}

__attribute__((noinline)) void nest3(int x)
{
    longjmp(env, 39 + x);
}

__attribute__((noinline)) void nest2(int x)
{
    nest3(x + 1);
    printf("nest2: not reached\n");
}

__attribute__((noinline)) void nest1(int x)
{
    nest2(x + 1);
    printf("nest1: not reached\n");
}

__attribute__((noinline)) int jumper(void)
{
    int v = setjmp(env);
    if (v == 0) {
        nest1(1);
        return -1; /* not reached */
    }
    jumps = 1;
    return v;
}

int main(void)
{
    for (int i = 1; i <= 5; i++)
        printf("add(%d, %d) = %d\n", i, 2 * i, add(i, 2 * i));
    printf("sum6(1, 2, 3, 4, 5, 6) = %ld\n", sum6(1, 2, 3, 4, 5, 6));
    long f = fact(5);
    printf("fact(5) = %ld, depth_max = %d\n", f, depth_max);
    printf("longjmp delivered %d\n", jumper());
    printf("tail_start(5) = %ld\n", tail_start(5));
    return 0;
}
