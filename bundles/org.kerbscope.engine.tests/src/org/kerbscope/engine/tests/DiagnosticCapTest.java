package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * A hostile capture with a malformed Kerberos message in every frame: the analysis lists the first thousand
 * diagnostics and counts the rest (one object per frame would make memory grow with the file), the same on one
 * reading thread and on several. The capture is built here: UDP datagrams to port 88 from many clients, each an
 * AS-REQ tag ([APPLICATION 10], RFC 4120) whose DER length claims 2^31 - 1 bytes.
 */
class DiagnosticCapTest {
    @TempDir
    Path dir;

    private static final int FRAMES = 3000;

    private Path capture() throws IOException {
        byte[] krb = {0x6a, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x30, 0x03, 0x02, 0x01, 0x05};
        TestCapture c = new TestCapture();
        for (int i = 0; i < FRAMES; i++) {
            c.udp(new byte[] {10, 1, (byte) (i >> 8), (byte) i}, 1024 + i, 88, krb);
        }
        return c.write(dir.resolve("malformed-kerberos.pcap"));
    }

    @Test
    void theFirstThousandAreListedAndTheRestCounted() throws IOException {
        Path capture = capture();
        List<Diagnostic> one = null;
        for (int threads : new int[] {1, 3}) {
            Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults(), threads)
                    .analyze(capture, "malformed", List.of(), Progress.NONE);
            List<Diagnostic> d = a.diagnostics();
            String on = threads + " thread(s): ";
            assertEquals(1001, d.size(), on + "a thousand listed and one summary");
            Diagnostic summary = d.get(0);
            assertEquals("kerberos", summary.protocol());
            assertTrue(summary.message().startsWith((FRAMES - 1000) + " more kerberos diagnostics are not listed"),
                    on + summary);
            assertTrue(summary.message().contains("the first of them: frame 1001: malformed"), on + summary);
            for (int i = 1; i <= 1000; i++) {
                assertEquals(i, d.get(i).frame(), on + "the capture's first malformed messages are listed");
                assertTrue(d.get(i).message().startsWith("malformed"), on + d.get(i));
            }
            if (one == null) {
                one = d;
            } else {
                assertEquals(one, d, "the same diagnostics on one reading thread and on " + threads);
            }
        }
    }
}
