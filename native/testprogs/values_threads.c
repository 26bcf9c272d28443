/* values_threads: source-level values in several threads for the gdb oracle (issue 12), -O0
 * -pthread. Three workers, each with its own argument struct and locals, run concurrently; each
 * hits its marked line exactly `rounds` (3) times; main joins them in order and prints the sums.
 * What each thread computes does not depend on the interleaving. Lines marked MARK are where
 * values_oracle.py breaks; after the colon, what it prints there. */
#include <pthread.h>
#include <stdio.h>

struct work {
    int id;
    int rounds;
    long sum;
    char label[8];
    double weight;
};

static struct work works[3] = {
    {1, 3, 0, "one", 0.5},
    {2, 3, 0, "two", 1.25},
    {3, 3, 0, "three", -2.0},
};
static int finished;
static pthread_t threads[3]; /* not a local: thread handles are addresses, in decimal */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg) {
    struct work *w = arg;
    long local_sum = 0;
    for (int i = 0; i < w->rounds; i++) {
        int square = (i + 1) * (i + 1) * w->id;
        local_sum += square;
        w->sum = local_sum; /* MARK work: print *w, print w->label, print square, print local_sum */
    }
    pthread_mutex_lock(&lock);
    finished++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    for (int i = 0; i < 3; i++) pthread_create(&threads[i], NULL, worker, &works[i]);
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    long total = works[0].sum + works[1].sum + works[2].sum;
    printf("sums: %ld %ld %ld\n", works[0].sum, works[1].sum, works[2].sum); /* MARK joined: print works, print finished, print total */
    printf("total=%ld finished=%d\n", total, finished);
    return 0;
}
