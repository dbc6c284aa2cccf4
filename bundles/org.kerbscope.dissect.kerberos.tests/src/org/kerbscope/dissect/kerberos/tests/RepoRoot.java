package org.kerbscope.dissect.kerberos.tests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository (the folder holding releng/kerbscope.target) and the shared corpus beside it. */
final class RepoRoot {
    private RepoRoot() {
    }

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("releng/kerbscope.target"))) {
            p = p.getParent();
        }
        return p;
    }

    /** ../shared relative to the repository, or null when it is not there. */
    static Path shared() {
        Path r = repo();
        if (r == null || r.getParent() == null) {
            return null;
        }
        Path s = r.getParent().resolve("shared");
        return Files.isDirectory(s.resolve("corpus")) ? s : null;
    }
}
