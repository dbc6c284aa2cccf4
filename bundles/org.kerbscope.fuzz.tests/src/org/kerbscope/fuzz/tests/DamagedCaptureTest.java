package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * A lab capture cut at every byte offset, and with its pcapng block headers damaged, through the whole analysis:
 * each variant ends in a partial result with a diagnostic (or, when too little is left to be a capture at all, the
 * analyzer's declared "not a capture file" answer), never in an exception or a hang.
 */
class DamagedCaptureTest {
    @TempDir
    Path dir;

    private static final Analyzer ANALYZER = new Analyzer(Registries.platform(), AnalysisOptions.defaults());

    /** The analysis of one variant, or null when the analyzer answered "not a capture file". */
    private Analysis analyze(byte[] bytes, String what) throws IOException {
        Path f = dir.resolve("damaged.pcapng");
        Files.write(f, bytes);
        return Bounded.run(what, bytes.length, () -> {
            try {
                return ANALYZER.analyze(f, "damaged.pcapng", List.of(), Progress.NONE);
            } catch (IOException notACapture) {
                assertTrue(notACapture.getMessage().contains("not a capture file"), what + ": " + notACapture);
                return null;
            }
        });
    }

    /** Offsets where a pcapng block ends (a cut there leaves whole blocks only). */
    static List<Integer> blockEnds(byte[] b) {
        List<Integer> ends = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        while (pos + 12 <= b.length) {
            int len = buf.getInt(pos + 4);
            if (len < 12 || pos + len > b.length) {
                break;
            }
            pos += len;
            ends.add(pos);
        }
        return ends;
    }

    @Test
    void aCaptureCutAtEveryOffsetGivesWhatItHoldsAndSaysItIsCut() throws IOException {
        byte[] full = Files.readAllBytes(Repo.sample("name-not-resolved.pcapng"));
        List<Integer> ends = blockEnds(full);
        assertTrue(ends.size() > 4 && ends.get(ends.size() - 1) == full.length, "the sample is little-endian pcapng");
        long fullFrames = analyze(full, "the whole capture").capture().frames();
        int notCaptures = 0;
        for (int cut = 0; cut < full.length; cut++) {
            Analysis a = analyze(Arrays.copyOf(full, cut), "cut at " + cut);
            if (a == null) {
                notCaptures++;
                continue;
            }
            assertTrue(a.capture().frames() <= fullFrames, "cut at " + cut);
            if (!ends.contains(cut)) {
                assertFalse(a.diagnostics().isEmpty(), "a capture cut inside a block at " + cut + " says nothing");
            }
        }
        // only cuts inside the magic number leave no capture at all
        assertTrue(notCaptures <= 12, notCaptures + " cuts were not read as captures");
    }

    @Test
    void damagedBlockHeadersGiveAPartialResultAndADiagnostic() throws IOException {
        byte[] full = Files.readAllBytes(Repo.sample("success-udp.pcapng"));
        List<Integer> ends = blockEnds(full);
        int start = 0;
        int variants = 0;
        for (int end : ends) {
            // type (4 bytes), length (4), and the trailing length copy (4)
            for (int field : new int[] {start, start + 4, end - 4}) {
                for (int v : new int[] {0x00, 0xff, 0x80, 0x7f}) {
                    for (int k = 0; k < 4; k++) {
                        byte[] d = full.clone();
                        d[field + k] = (byte) v;
                        if (Arrays.equals(d, full)) {
                            continue;
                        }
                        variants++;
                        Analysis a = analyze(d, "block at " + start + ": byte " + (field + k) + " set to " + v);
                        if (a != null && field != start) {
                            // a block length that disagrees with its copy, or runs past the file, is damage
                            assertFalse(a.diagnostics().isEmpty(), "a damaged length at " + (field + k) + " says nothing");
                        }
                    }
                }
            }
            start = end;
        }
        assertTrue(variants > 100, variants + " variants");
    }
}
