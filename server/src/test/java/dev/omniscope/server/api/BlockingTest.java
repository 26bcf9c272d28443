package dev.omniscope.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;



/** A cancelled request (the client went away) must not interrupt the work: an interrupt closes FileChannels. */
class BlockingTest {
    @Test
    void cancellingARequestDoesNotInterruptItsWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Disposable request = Blocking.call(() -> {
            started.countDown();
            try {
                release.await();
                interrupted.complete(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
            return 1;
        }).subscribe();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        request.dispose();
        Thread.sleep(100); // an interrupt, if any, lands meanwhile
        release.countDown();
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isFalse();
    }

    /** Work answers however requests arrive: many at once, subscribed and requested from other threads. */
    @Test
    void everyCallAnswersUnderConcurrency() {
        Long total = Flux.range(0, 20_000)
                .flatMap(i -> Blocking.call(() -> (long) i).subscribeOn(Schedulers.parallel()), 64)
                .reduce(0L, Long::sum)
                .block(Duration.ofSeconds(60));
        assertThat(total).isEqualTo(20_000L * 19_999 / 2);
        assertThat(Mono.when(Blocking.run(() -> { })).block(Duration.ofSeconds(10))).isNull();
    }
}
