package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.testing.CaptureCuts;

/**
 * What support engineers are sent is rarely the whole flow: a capture started after the client's first lookup or
 * ticket request, stopped before the site answered, or missing a frame the capturing host dropped. Every lab capture
 * and the other vendors' captures, begun late at each frame, ended early at each frame and without each single frame
 * (every n-th one in the larger captures), through the whole analysis and the reports under the fuzz targets' contract
 * ({@link FuzzTargets#diagnoseAndReport}: no service profile or check may throw, for it would be skipped from then on),
 * and every attempt still has its eight steps.
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
        int frames = (int) CaptureCuts.frames(capture);
        assertTrue(frames > 1, capture + " holds frames");
        Analyzer analyzer = FuzzTargets.analyzer();
        int step = Math.max(1, frames / CUTS);
        int analysed = 0;
        for (String kind : List.of("begun at", "ended before", "without")) {
            for (int k = 2; k <= frames; k += step) {
                int cut = k;
                String what = capture.getFileName() + " " + kind + " frame " + k;
                Path f = CaptureCuts.keep(capture, dir.resolve("part.pcapng"), n -> kind.equals("begun at") ? n >= cut
                        : kind.equals("ended before") ? n < cut : n != cut);
                Analysis a = Bounded.run(what, (int) Files.size(f), () -> {
                    Analysis read = analyzer.read(f, "part.pcapng", List.of(), Progress.NONE);
                    FuzzTargets.diagnoseAndReport(analyzer, read);
                    return read;
                });
                for (AuthAttempt at : a.attempts()) {
                    assertEquals(8, at.steps().size(), what + ": attempt " + at.index() + " " + at.steps());
                }
                analysed++;
            }
        }
        assertTrue(analysed >= 3, capture + ": " + analysed + " parts analysed");
    }
}
