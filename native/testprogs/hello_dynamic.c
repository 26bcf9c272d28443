/* hello_dynamic: a dynamically linked program that prints its arguments and exits with status 3. */
#include <stdio.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s\n", argv[i]);
    printf("done\n");
    return 3;
}
