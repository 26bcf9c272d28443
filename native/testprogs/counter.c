/* counter: the simplest "when did this variable change" target.
 *
 * Watched globals:
 *   counter  0 -> 1 -> 2 -> ... -> 10, one `counter++` per call of bump().
 *   values   starts as eight -1s; values[i] = i*i is stored once each, in order i = 0..7,
 *            so every one of the eight stores changes the array (even values[0] = 0).
 */
#include <stdio.h>

long counter;
int values[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };

__attribute__((noinline)) void bump(void)
{
    counter++;
}

__attribute__((noinline)) void fill(void)
{
    for (int i = 0; i < 8; i++)
        values[i] = i * i;
}

int main(void)
{
    for (int i = 0; i < 10; i++)
        bump();
    fill();
    printf("counter=%ld\n", counter);
    printf("values=");
    for (int i = 0; i < 8; i++)
        printf("%s%d", i ? "," : "", values[i]);
    printf("\n");
    return 0;
}
