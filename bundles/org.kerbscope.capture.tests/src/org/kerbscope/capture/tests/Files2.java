package org.kerbscope.capture.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;

/** Writes bytes to a temporary file and reads them back through the public API. */
final class Files2 {
    private Files2() {
    }

    record Result(String format, List<Frame> frames, List<byte[]> data, List<String> comments,
            List<Diagnostic> diagnostics) {
    }

    static Path write(Path dir, String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    static Result read(Path p) throws IOException {
        try (CaptureFile f = CaptureFile.open(p); CaptureReader r = f.reader()) {
            List<Frame> frames = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            List<String> comments = new ArrayList<>();
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                frames.add(fr);
                byte[] b = new byte[fr.capturedLength()];
                fr.data().get(0, b);
                data.add(b);
                comments.add(r.comment());
            }
            return new Result(r.format(), frames, data, comments, r.diagnostics());
        }
    }

    /** The repository root: the first parent of the working directory holding releng/kerbscope.target. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("releng/kerbscope.target"))) {
            p = p.getParent();
        }
        return p;
    }
}
