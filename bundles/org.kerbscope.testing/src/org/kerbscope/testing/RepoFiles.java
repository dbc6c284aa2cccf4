package org.kerbscope.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the repository that tests read in place (the lab's samples, test fixtures), found from the working directory
 * up: a test runs in its bundle's folder under Tycho and at the repository's top with releng/quick-test.
 */
public final class RepoFiles {
    private RepoFiles() {
    }

    /** The folder or file at {@code relative} (from the repository's top) in the first folder above that holds it. */
    public static Path find(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve(relative);
            if (Files.exists(c)) {
                return c;
            }
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
