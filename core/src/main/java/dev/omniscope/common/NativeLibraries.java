package dev.omniscope.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jnr.ffi.LibraryLoader;

/**
 * Loads Omniscope's shared libraries from native/ through jnr-ffi.
 *
 * <p>The libraries travel inside the jar (under {@code /native/}) so that a built jar is
 * self-contained; they are unpacked once into {@code $OMNI_HOME/native/<content hash>/}, because
 * the dynamic loader needs a file. Setting {@code omni.native.dir} loads them straight from a
 * directory instead, which is what tests do with {@code native/build}.
 */
public final class NativeLibraries {
    private static final ConcurrentMap<Class<?>, Object> LOADED = new ConcurrentHashMap<>();

    private NativeLibraries() {}

    /** The library {@code lib<name>.so} bound to {@code api}; loaded once per interface. */
    public static <T> T load(Class<T> api, String name) {
        return api.cast(LOADED.computeIfAbsent(api, a -> bind(a, name)));
    }

    /** A library of the system's (libc, say) bound to {@code api}; loaded once per interface. */
    public static <T> T system(Class<T> api, String name) {
        return api.cast(LOADED.computeIfAbsent(api, a -> LibraryLoader.create(a).failImmediately().load(name)));
    }

    private static Object bind(Class<?> api, String name) {
        Path dir = locate(name);
        try {
            return LibraryLoader.create(api).search(dir.toString()).failImmediately().load(name);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load native library lib" + name + ".so from " + dir
                    + ": " + e.getMessage() + " (are the system libraries installed? run ./omni once to set them up)", e);
        }
    }

    private static Path locate(String name) {
        String fileName = "lib" + name + ".so";
        String override = System.getProperty("omni.native.dir");
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override);
            if (!Files.isRegularFile(dir.resolve(fileName))) {
                throw new IllegalStateException(fileName + " not found in omni.native.dir=" + dir);
            }
            return dir;
        }
        String resource = "/native/" + fileName;
        try (InputStream in = NativeLibraries.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(fileName + " is missing from the jar; rebuild with ./omni");
            byte[] bytes = in.readAllBytes();
            Path dir = OmniHome.dir("native").resolve(shortHash(bytes));
            Path file = dir.resolve(fileName);
            if (!Files.isRegularFile(file) || Files.size(file) != bytes.length) {
                Files.createDirectories(dir);
                // Write beside and rename, so that a concurrent process never loads half a file.
                Path partial = Files.createTempFile(dir, fileName, ".partial");
                Files.write(partial, bytes);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + fileName, e);
        }
    }

    private static String shortHash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
