package dev.omniscope.server.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import dev.omniscope.common.UserError;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 (io.zonky embedded binaries) whose data lives under {@code $OMNI_HOME/db},
 * started with the server and stopped with it.
 *
 * <p>One server owns the directory at a time (a file lock says which). PostgreSQL runs as its own
 * daemon, so a server killed with SIGKILL leaves it running; the next start finds it through
 * postmaster.pid and stops it first.
 */
public final class EmbeddedDatabase implements DatabaseSource {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    /** The major version is part of the path: a later PostgreSQL cannot open an older data directory. */
    static final String DATA_DIRECTORY = "pg17";

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedPostgres postgres;
    private final HikariDataSource pool;
    private final String url;

    private EmbeddedDatabase(Path root, FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.postgres = postgres;
        this.url = postgres.getJdbcUrl("postgres", "postgres").replaceAll("\\?.*", "");
        this.pool = Pools.open(url, "postgres", "");
    }

    /** Starts PostgreSQL with its data in {@code root}/pg17 (created on first use). */
    public static EmbeddedDatabase start(Path root) {
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(root.resolve("serve.lock"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = Files.readString(root.resolve("serve.lock")).trim();
                throw new UserError("another omni serve" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + " is using the embedded database in " + root + "; stop it, or set OMNI_HOME to another directory");
            }
            channel.truncate(0);
            channel.write(StandardCharsets.US_ASCII.encode(Long.toString(ProcessHandle.current().pid())));

            Path data = root.resolve(DATA_DIRECTORY);
            stopLeftoverPostmaster(data);
            Path logFile = root.resolve("postgres.log");
            var redirect = ProcessBuilder.Redirect.appendTo(logFile.toFile());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false) // Spring stops it, after the web server and the pool
                    .setPort(freePort())
                    .setServerConfig("fsync", "on")  // the data is the user's; zonky turns fsync off for tests
                    .setServerConfig("max_connections", "60")
                    // Index loads COPY into tables created in the same transaction: with minimal WAL those rows
                    // are written once (the table is synced at commit) rather than also to the WAL; nothing
                    // replicates from an embedded database. Room for a large load between checkpoints.
                    .setServerConfig("wal_level", "minimal")
                    .setServerConfig("max_wal_senders", "0")
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("shared_buffers", sharedBuffersMegabytes() + "MB")
                    .setOutputRedirector(redirect)
                    .setErrorRedirector(redirect)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return new EmbeddedDatabase(root, channel, lock, postgres);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof UserError user) throw user;
            throw new UserError("cannot start the embedded PostgreSQL in " + root + ": " + e.getMessage()
                    + " (its log is " + root.resolve("postgres.log") + ")");
        }
    }

    /**
     * PostgreSQL's cache: a quarter of the machine's memory (PostgreSQL's own advice for a server
     * of its own), at least 128 MB and at most 8 GB. History pages read rows from all over a trace's
     * mem_writes; with a cache smaller than the table most of them come through the kernel instead.
     * Pages are only taken as they are used.
     */
    static long sharedBuffersMegabytes() {
        long total = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return Math.max(128, Math.min(8192, total / 4 / (1024 * 1024)));
    }

    private static void stopLeftoverPostmaster(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) return;
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return; // unreadable: PostgreSQL itself decides whether it is stale
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        if (process.isEmpty()) return;
        log.info("stopping the PostgreSQL (pid {}) that an earlier omni serve left running", pid);
        process.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown; nobody is connected
        try {
            process.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            process.get().destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public String description() {
        return "embedded PostgreSQL in " + root;
    }

    @Override
    public void close() {
        pool.close();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                lock.release();
            } catch (IOException ignored) {
                // the channel closes next, which releases it anyway
            }
            closeQuietly(lockChannel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
