/* pipes_sockets: a pipe within one process; a socketpair with a forked child that echoes
 * messages back; poll; read/write/sendmsg/recvmsg, including a file descriptor passed with
 * SCM_RIGHTS (recvmsg writes control data into user memory).
 *
 * Watched global (parent):
 *   round_trips  0 -> 1 -> 2 -> 3, +1 after each reply from the child is received.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

int round_trips;

/* Reads exactly n bytes (a stream socket may in principle deliver a message in pieces). */
static int read_full(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static int wait_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int r = poll(&pfd, 1, 10000);
    return r == 1 && (pfd.revents & POLLIN);
}

static void child(int s)
{
    char buf[256];
    /* 1: read() a message, reply with sendmsg() from two iovecs. */
    ssize_t n = read(s, buf, sizeof buf);
    if (n <= 0)
        _exit(10);
    char prefix[] = "echo: ";
    struct iovec iov[2] = { { prefix, strlen(prefix) }, { buf, (size_t)n } };
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
    if (sendmsg(s, &msg, 0) != (ssize_t)(strlen(prefix) + n))
        _exit(11);

    /* 2: recvmsg() a message, reply with write(). */
    struct iovec riov = { buf, sizeof buf };
    struct msghdr rmsg = { .msg_iov = &riov, .msg_iovlen = 1 };
    n = recvmsg(s, &rmsg, 0);
    if (n <= 0)
        _exit(12);
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
    if (write(s, buf, (size_t)n) != n)
        _exit(13);

    /* 3: pass the read end of a fresh pipe to the parent with SCM_RIGHTS, then write into it. */
    int p[2];
    if (pipe(p) != 0)
        _exit(14);
    char tag = 'F';
    struct iovec fiov = { &tag, 1 };
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr fmsg = { .msg_iov = &fiov, .msg_iovlen = 1, .msg_control = ctl.buf,
                           .msg_controllen = sizeof ctl.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&fmsg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    if (sendmsg(s, &fmsg, 0) != 1)
        _exit(15);
    const char via[] = "written into a passed pipe";
    if (write(p[1], via, sizeof via - 1) != (ssize_t)(sizeof via - 1))
        _exit(16);
    close(p[1]);
    close(p[0]);
    _exit(0);
}

int main(void)
{
    /* A pipe written and read by the same process. */
    int p[2];
    if (pipe(p) != 0) {
        perror("pipe");
        return 1;
    }
    const char hello[] = "hello through a pipe";
    if (write(p[1], hello, sizeof hello - 1) != (ssize_t)(sizeof hello - 1)) {
        perror("write pipe");
        return 1;
    }
    char buf[256];
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    if (n < 0) {
        perror("read pipe");
        return 1;
    }
    buf[n] = 0;
    printf("pipe: %zd bytes: %s\n", n, buf);
    close(p[0]);
    close(p[1]);

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("socketpair");
        return 1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        close(sv[0]);
        child(sv[1]);
    }
    close(sv[1]);
    int s = sv[0];

    /* 1: write(), poll, recvmsg() into two iovecs. */
    const char ping[] = "ping over a socketpair";
    if (write(s, ping, sizeof ping - 1) != (ssize_t)(sizeof ping - 1)) {
        perror("write socket");
        return 1;
    }
    printf("poll: %s\n", wait_readable(s) ? "readable" : "NOT readable");
    size_t expect = strlen("echo: ") + strlen(ping);
    char head[6], tail[250];
    struct iovec iov[2] = { { head, sizeof head }, { tail, expect - sizeof head } };
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
    n = recvmsg(s, &msg, MSG_WAITALL);
    if (n != (ssize_t)expect) {
        fprintf(stderr, "recvmsg: %zd bytes, expected %zu\n", n, expect);
        return 1;
    }
    round_trips++;
    printf("recvmsg: %zd bytes: %.*s%.*s\n", n, (int)sizeof head, head,
           (int)(expect - sizeof head), tail);

    /* 2: sendmsg(), poll, read(). */
    const char second[] = "second message via sendmsg";
    struct iovec siov = { (void *)second, sizeof second - 1 };
    struct msghdr smsg = { .msg_iov = &siov, .msg_iovlen = 1 };
    if (sendmsg(s, &smsg, 0) != (ssize_t)(sizeof second - 1)) {
        perror("sendmsg");
        return 1;
    }
    printf("poll: %s\n", wait_readable(s) ? "readable" : "NOT readable");
    if (read_full(s, buf, sizeof second - 1) != 0) {
        perror("read socket");
        return 1;
    }
    round_trips++;
    printf("read: %zu bytes: %.*s\n", sizeof second - 1, (int)(sizeof second - 1), buf);

    /* 3: recvmsg() a file descriptor (SCM_RIGHTS) and read from it. */
    char tag = 0;
    struct iovec fiov = { &tag, 1 };
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    struct msghdr fmsg = { .msg_iov = &fiov, .msg_iovlen = 1, .msg_control = ctl.buf,
                           .msg_controllen = sizeof ctl.buf };
    if (recvmsg(s, &fmsg, 0) != 1) {
        perror("recvmsg fd");
        return 1;
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&fmsg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "no SCM_RIGHTS control message\n");
        return 1;
    }
    int passed;
    memcpy(&passed, CMSG_DATA(c), sizeof passed);
    const size_t vialen = strlen("written into a passed pipe");
    if (read_full(passed, buf, vialen) != 0) {
        perror("read passed fd");
        return 1;
    }
    close(passed);
    round_trips++;
    printf("SCM_RIGHTS: got a descriptor (tag %c), read %zu bytes: %.*s\n", tag, vialen,
           (int)vialen, buf);

    close(s);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    printf("child exit status: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("round_trips=%d\n", round_trips);
    return 0;
}
