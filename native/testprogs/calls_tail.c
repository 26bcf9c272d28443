/* calls_tail.c: part of `calls`, compiled at -O2 so that the calls in tail position become
 * jumps: tail_start(n) calls tail_a(n + 1) (a real call: it adds 1 to the result), and
 * tail_a -> tail_b -> tail_c are sibling calls (jmp), so tail_c returns straight into tail_start.
 * noipa keeps each function separate (no inlining, no cloning, no interprocedural constant
 * propagation), without stopping sibling-call optimisation. */

__attribute__((noipa)) long tail_c(long n)
{
    return n * 3 + 1;
}

__attribute__((noipa)) long tail_b(long n)
{
    return tail_c(n - 3);
}

__attribute__((noipa)) long tail_a(long n)
{
    return tail_b(n * 2);
}

__attribute__((noipa)) long tail_start(long n)
{
    return tail_a(n + 1) + 1; /* + 1 keeps this one a real call */
}
