/* dataflow_file: values whose origin is a file, for the "origin of a value" query (issue 13).
 * README.md ("Data flow") gives the exact chain a test asserts; in short:
 *
 *   total = price * quantity + extra
 *     price    = file bytes [16,20) of argv[1] (int32 LE 1234): read(2) into buf, memcpy (glibc's,
 *                through the PLT) into rec, struct assignment rec -> copy, passed by value to compute()
 *     quantity = file bytes [20,24) (int32 LE 56), the same way
 *     extra    = atoi(argv[2]) ("7": the byte argv[2][0])
 *   rec.code = file bytes [24,28) is copied along with them but never reaches total.
 *
 * Args: FILE NUMBER (the test passes the absolute path of native/testprogs/dataflow_input.bin, and 7).
 * Watched global: total 0 -> 69111 (one store, in main).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define RECORD_OFFSET 16 /* file offset of struct record in dataflow_input.bin */

struct record {
    int price;    /* file bytes [16,20) */
    int quantity; /* file bytes [20,24) */
    int code;     /* file bytes [24,28): copied, never used in total */
};

long total;

/* volatile: the compiler cannot know the size, so the copy below is a real call of glibc's memcpy
 * (memcpy@plt) and not moves inlined in main. */
static volatile size_t record_size = sizeof(struct record);

/* Passed by value: rdi carries price (low half) and quantity (high half), rsi code, edx extra. */
__attribute__((noinline)) long compute(struct record r, int extra)
{
    return (long)r.price * r.quantity + extra;
}

int main(int argc, char **argv)
{
    unsigned char buf[64];
    struct record rec, copy;

    if (argc != 3) {
        fprintf(stderr, "usage: dataflow_file FILE NUMBER\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    ssize_t n = read(fd, buf, sizeof buf); /* the whole 32-byte file, file offsets 0..31 -> buf[0..31] */
    close(fd);
    if (n < RECORD_OFFSET + (ssize_t)sizeof rec) {
        fprintf(stderr, "%s: %zd bytes, too short\n", argv[1], n);
        return 1;
    }
    memcpy(&rec, buf + RECORD_OFFSET, record_size); /* buf[16..27] -> rec */
    copy = rec;                                     /* struct assignment */
    int extra = atoi(argv[2]);
    total = compute(copy, extra);

    printf("read %zd bytes\n", n);
    printf("price=%d quantity=%d code=%d\n", copy.price, copy.quantity, copy.code);
    printf("extra=%d\n", extra);
    printf("total=%ld\n", total);
    return 0;
}
