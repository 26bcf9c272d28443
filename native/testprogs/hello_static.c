/* hello_static: a statically linked program (no ld.so, no libc.so): the smallest recording. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("hello from a static program\n");
    printf("argc=%d\n", argc);
    return 0;
}
