/* threads_mutex: four pthreads adding to a shared total under a mutex (futex syscalls, clone,
 * thread switches in the recording).
 *
 * Watched globals (the values are deterministic, which thread writes each one is not):
 *   shared_total  0 -> 1 -> 2 -> ... -> 4000, each +1 under `lock`.
 *   threads_done  0 -> 1 -> 2 -> 3 -> 4, +1 under `lock` as each thread finishes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4
#define ADDS_PER_THREAD 1000

long shared_total;
int threads_done;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ADDS_PER_THREAD; i++) {
        pthread_mutex_lock(&lock);
        shared_total++;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    threads_done++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t tids[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        if (pthread_create(&tids[i], NULL, worker, NULL) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(tids[i], NULL);
    printf("total=%ld\n", shared_total);
    printf("threads_done=%d\n", threads_done);
    return 0;
}
