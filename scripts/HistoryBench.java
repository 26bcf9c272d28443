import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history-query load of scripts/bench-server.sh: CLIENTS closed-loop clients (each sends a
 * request, waits for the whole answer, sends the next) against a running omni serve, for
 * WARMUP then SECONDS seconds; prints throughput and latency percentiles of the measured part.
 * Each request is a history query whose {@code %FROM%} is replaced by a uniformly random step in
 * [0, MAXSTEP): a page of the history starting anywhere in the trace.
 *
 * <pre>java scripts/HistoryBench.java URL CLIENTS WARMUP SECONDS MAXSTEP</pre>
 * e.g. URL = http://127.0.0.1:8080/api/traces/ID/memory/history?symbol=sink&amp;limit=100&amp;from=%FROM%
 */
public class HistoryBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int clients = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        long maxStep = Long.parseLong(args[4]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        List<long[]> perClient = new ArrayList<>();
        AtomicLong errors = new AtomicLong(), bytes = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            long[] samples = new long[2_000_000];
            perClient.add(samples);
            int index = c;
            Thread t = new Thread(() -> {
                int n = 0;
                try {
                    while (true) {
                        long from = ThreadLocalRandom.current().nextLong(Math.max(1, maxStep));
                        HttpRequest request = HttpRequest.newBuilder(URI.create(url.replace("%FROM%", Long.toString(from))))
                                .timeout(Duration.ofSeconds(60)).build();
                        long t0 = System.nanoTime();
                        if (t0 >= end) break;
                        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        long t1 = System.nanoTime();
                        if (r.statusCode() != 200) {
                            if (errors.incrementAndGet() < 5) System.err.println("HTTP " + r.statusCode() + ": " + new String(r.body()));
                            continue;
                        }
                        if (t0 >= measureFrom && n < samples.length) {
                            samples[n++] = t1 - t0;
                            bytes.addAndGet(r.body().length);
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("client " + index + ": " + e);
                } finally {
                    perClient.set(index, Arrays.copyOf(samples, n));
                    done.countDown();
                }
            });
            t.start();
        }
        done.await();
        long total = perClient.stream().mapToLong(s -> s.length).sum();
        long[] all = new long[(int) total];
        int k = 0;
        for (long[] s : perClient) for (long v : s) all[k++] = v;
        Arrays.sort(all);
        System.out.printf("requests %d in %d s: %.0f/s, %.1f KiB per answer, errors %d%n", total, seconds, total / (double) seconds,
                total == 0 ? 0 : bytes.get() / 1024.0 / total, errors.get());
        if (total > 0) {
            System.out.printf("latency ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n", pct(all, 50), pct(all, 95), pct(all, 99),
                    all[all.length - 1] / 1e6);
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
