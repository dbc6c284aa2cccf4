package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.PcapngWriter;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.FlowDiagram;
import org.kerbscope.engine.report.HtmlReport;
import org.kerbscope.engine.report.JsonReport;

/**
 * What support engineers are sent is rarely the whole flow: a capture started after the client's first lookup or
 * ticket request, stopped before the site answered, or missing a frame the capturing host dropped. Every lab capture
 * and the other vendors' captures, begun late at each frame, ended early at each frame and without each single frame
 * (every n-th one in the larger captures), through the whole analysis and the reports: no service profile or check
 * may throw (it would be skipped from then on), and every attempt still has its eight steps.
 */
class PartialCaptureTest {
    /** Cut points per capture and kind of cut: the larger captures are cut at every n-th frame. */
    private static final int CUTS = 40;

    @TempDir
    Path dir;

    static Stream<Path> captures() throws IOException {
        List<Path> all = new ArrayList<>(Repo.labCaptures());
        try (Stream<Path> s = Files.walk(Repo.root().resolve("bundles/org.kerbscope.checks.kerberos.tests/resources"))) {
            all.addAll(s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList());
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyPartOfTheFlowIsDiagnosedWithoutAFailure(Path capture) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (CaptureReader r = CaptureFile.openReader(capture)) {
            for (Frame f : r) {
                byte[] b = new byte[f.data().remaining()];
                f.data().duplicate().get(b);
                frames.add(new Frame(f.number(), f.timeNanos(), f.linkType(), f.originalLength(), ByteBuffer.wrap(b)));
            }
        }
        assertTrue(frames.size() > 1, capture + " holds frames");
        Analyzer analyzer = FuzzTargets.analyzer();
        int step = Math.max(1, frames.size() / CUTS);
        int analysed = 0;
        for (String kind : List.of("begun at", "ended before", "without")) {
            for (int k = 1; k < frames.size(); k += step) {
                List<Frame> part = new ArrayList<>();
                for (int i = 0; i < frames.size(); i++) {
                    if (kind.equals("begun at") ? i >= k : kind.equals("ended before") ? i < k : i != k) {
                        part.add(frames.get(i));
                    }
                }
                String what = capture.getFileName() + " " + kind + " frame " + (k + 1);
                Path f = dir.resolve("part.pcapng");
                try (PcapngWriter w = new PcapngWriter(Files.newOutputStream(f), frames.get(0).linkType(), 262144)) {
                    for (Frame fr : part) {
                        w.write(0, fr.timeNanos(), fr.data().duplicate(), fr.originalLength(), null);
                    }
                }
                Analysis a = Bounded.run(what, (int) Files.size(f),
                        () -> analyzer.analyze(f, "part.pcapng", List.of(), Progress.NONE));
                assertTrue(Registries.platform().broken().isEmpty(), what + ": " + Registries.platform().broken().stream()
                        .map(c -> c + ": " + c.failure()).toList());
                for (AuthAttempt at : a.attempts()) {
                    assertEquals(8, at.steps().size(), what + ": attempt " + at.index() + " " + at.steps());
                    FlowDiagram.svg(at);
                }
                try (var g = JsonReport.generator(java.io.OutputStream.nullOutputStream(), true)) {
                    JsonReport.write(a, g);
                }
                HtmlReport.render(a, true);
                analysed++;
            }
        }
        assertTrue(analysed >= 3, capture + ": " + analysed + " parts analysed");
    }
}
