package org.kerbscope.fuzz.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the repository, the lab samples and this bundle's seed folders are, found from the working directory. */
public final class Repo {
    private Repo() {
    }

    /** The repository: {@code -Dkerbscope.repo}, or the first folder above the working directory that holds the target. */
    public static Path root() {
        String prop = System.getProperty("kerbscope.repo");
        if (prop != null) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("releng/kerbscope.target"))) {
                return p;
            }
        }
        throw new IllegalStateException("the repository root (a folder holding releng/kerbscope.target) is not above "
                + Path.of("").toAbsolutePath());
    }

    public static Path samples() {
        return root().resolve("bundles/org.kerbscope.lab/samples");
    }

    public static Path sample(String name) {
        return samples().resolve(name);
    }

    /** Every lab capture, sorted by name. */
    public static List<Path> labCaptures() {
        try (Stream<Path> s = Files.list(samples())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pcapng")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder Jazzer reads the regression inputs of {@code method} from: beside the test class, in src/. */
    public static Path inputs(String method) {
        return root().resolve("bundles/org.kerbscope.fuzz.tests/src/org/kerbscope/fuzz/tests/KerbscopeFuzzTestInputs")
                .resolve(method);
    }
}
