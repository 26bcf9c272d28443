// Test program for the ELF/DWARF readers: globals of assorted types, a static inside a function,
// code in a header. Comments "@name" mark lines that the tests look up.
#include <stdio.h>
#include "util.h"

struct point { int x; int y; };
int counter; // @counter
long values[8]; // @values
struct point origin = {1, 2}; // @origin
static char label[16] = "omniscope"; // @label
const char *greeting = "hi";
char *const fixed = 0;
int (*handler)(int);
void (*handlers[4])(int, ...);
int grid[3][4];
int (*rowp)[4];
struct { int a; } anon;
volatile unsigned long long ticks;

static int bump(int by) {
    static int calls; // @calls
    calls++;
    counter += twice(by); // @bump-body
    return calls;
}

int main(int argc, char **argv) {
    for (int i = 0; i < 8; i++) values[i] = i * argc;
    bump(2);
    printf("%s %d %s %s\n", label, counter, greeting, argv[0]);
    return 0;
}
