package org.kerbscope.evidence.windows.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.spi.EvidenceImporter;

/** Finds the repository, its test data and the shared corpus; runs an importer into a list. */
final class Fixtures {
    private Fixtures() {
    }

    /** The repository root: the first directory upwards from the working directory holding releng/kerbscope.target. */
    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("releng/kerbscope.target"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no releng/kerbscope.target above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** A file of this bundle's data/ folder. */
    static Path data(String name) {
        Path p = repo().resolve("bundles/org.kerbscope.evidence.windows.tests/data").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing test data " + p);
        }
        return p;
    }

    /** The shared folder beside the repository (../shared), when it is there. */
    static Optional<Path> shared() {
        for (Path p : List.of(repo().resolveSibling("shared"), repo().resolve("../shared").normalize())) {
            if (Files.isDirectory(p.resolve("corpus"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** What one import gave. */
    record Result(List<EvidenceItem> items, List<Diagnostic> diagnostics, EvidenceFile file) {
        List<EvidenceItem> section(String s) {
            return items.stream().filter(i -> i.section().equals(s)).toList();
        }
    }

    static Result run(EvidenceImporter importer, Path file) throws IOException {
        List<EvidenceItem> items = new ArrayList<>();
        List<Diagnostic> diags = new ArrayList<>();
        EvidenceFile[] f = new EvidenceFile[1];
        importer.read(file, new EvidenceImporter.Sink() {
            @Override
            public void item(EvidenceItem item) {
                items.add(item);
            }

            @Override
            public void diagnostic(Diagnostic diagnostic) {
                diags.add(diagnostic);
            }

            @Override
            public void file(EvidenceFile file) {
                if (f[0] != null) {
                    throw new AssertionError("file() called twice");
                }
                f[0] = file;
            }
        });
        if (f[0] == null) {
            throw new AssertionError("the importer never called file()");
        }
        return new Result(items, diags, f[0]);
    }

    /** Writes text to a temporary file (the importers read files, as users give them). */
    static Path temp(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
