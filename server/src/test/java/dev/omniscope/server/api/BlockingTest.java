package dev.omniscope.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import reactor.core.Disposable;

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
}
