package org.kerbscope.core.tests.contrib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.spi.EvidenceImporter;

/** Reads "key=value" lines; anything else is a diagnostic. */
public final class GoodImporter implements EvidenceImporter {
    @Override
    public int recognise(String fileName, byte[] head) {
        return fileName.endsWith(".testev") ? 90 : 0;
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        int n = 0;
        int line = 0;
        for (String l : Files.readAllLines(file)) {
            line++;
            int eq = l.indexOf('=');
            if (eq > 0) {
                sink.item(new EvidenceItem("test", file.toString(), Map.of(l.substring(0, eq), l.substring(eq + 1))));
                n++;
            } else {
                sink.diagnostic(new Diagnostic(line, "test", "line " + line + ": no '='"));
            }
        }
        sink.file(new EvidenceFile(file.toString(), "test", "text", n, List.of()));
    }
}
