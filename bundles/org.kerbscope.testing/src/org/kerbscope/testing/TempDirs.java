package org.kerbscope.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary folders of the test fixtures (a test KDC's database, its keytabs, krb5.conf), deleted when the JVM ends:
 * the fixtures live for the whole test run, and keytabs are not left behind in the machine's temporary folder.
 */
public final class TempDirs {
    private TempDirs() {
    }

    /** A new owner-only folder under java.io.tmpdir, deleted with its contents when the JVM exits. */
    public static Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "delete " + dir.getFileName()));
        return dir;
    }

    /** Deletes a folder and everything in it, as far as it can (a file another process holds open stays). */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the system's cleaning of its temporary folder
                }
            });
        } catch (IOException e) {
            // the same
        }
    }
}
