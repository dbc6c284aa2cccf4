package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.ConversationSpans;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.net.bench.BigScenarioCapture;

/**
 * The workbench's details pane on a big capture: the tree of one frame comes from re-reading only that frame's
 * conversation (from where it starts, the other conversations passed over), and it is the same tree, field for
 * field and byte range for byte range, as re-reading the capture from its first frame gives.
 */
class FrameDetailsTest {
    @TempDir
    Path dir;

    private final Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).keepSpans(true);

    @Test
    void everyFrameOfEveryLabSampleHasTheTreeOfAFullReRead() throws IOException {
        List<Path> samples;
        try (Stream<Path> s = Files.list(UnionTest.root().resolve("bundles/org.kerbscope.lab/samples"))) {
            samples = s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
        assertTrue(samples.size() >= 10, "lab samples: " + samples);
        int trees = 0;
        for (Path p : samples) {
            trees += compareAllFrames(p, Integer.MAX_VALUE);
        }
        assertTrue(trees > 150, "frames with a tree over the samples: " + trees);
    }

    @Test
    void corpusCapturesGiveTheSameTreesAsAFullReRead() throws IOException {
        Path corpus = UnionTest.root().resolve("../shared/corpus/captures").normalize();
        Assumptions.assumeTrue(Files.isDirectory(corpus), "the reference corpus (../shared) is not here: skipped");
        List<Path> captures;
        try (Stream<Path> s = Files.walk(corpus)) {
            captures = s.filter(Files::isRegularFile).sorted().toList();
        }
        int trees = 0;
        for (Path p : captures) {
            trees += compareAllFrames(p, 3000);
        }
        assertTrue(trees > 500, "frames with a tree over the corpus: " + trees);
    }

    @Test
    void aFrameLateInABusyCaptureIsReadFromItsConversationOnly() throws IOException {
        Path big = dir.resolve("busy.pcap");
        Path samples = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples");
        long frames = BigScenarioCapture.generate(List.of(samples.resolve("spn-unknown.pcapng"),
                samples.resolve("success-tcp.pcapng"), samples.resolve("ntlm-fallback.pcapng")), big, 2 << 20, 5, 0);
        Analysis a = analyzer.analyze(big, "busy", List.of(), Progress.NONE);
        ConversationSpans spans = a.spans();
        assertNotNull(spans, "the spans were kept");
        // the last Kerberos, HTTP and DNS messages of the capture
        List<Long> late = new ArrayList<>();
        for (String protocol : List.of("kerberos", "http", "dns")) {
            List<Event> l = a.events(protocol);
            assertTrue(!l.isEmpty(), protocol + " events in the busy capture");
            late.add(l.get(l.size() - 1).frame());
        }
        try (CaptureFile file = CaptureFile.open(big)) {
            for (long n : late) {
                long from = spans.start(n, null);
                assertTrue(from > frames / 2, "frame " + n + " of " + frames + " is read again from frame " + from
                        + ", near it, not from the start");
                FieldNode quick = analyzer.dissect(file, n, a);
                assertNotNull(quick, "frame " + n + " has a tree");
                assertEquals(dump(analyzer.dissect(big, n)), dump(quick), "frame " + n);
            }
            // a frame of bulk traffic (TLS, SMB file copies) has its layers only, known without reading the capture
            long bulk = frames;
            while (spans.start(bulk, null) != 0) {
                bulk--;
            }
            FieldNode layers = analyzer.dissect(file, bulk, a);
            assertTrue(!dissected(layers) && layers.find("ip") != null && layers.find("tcp") != null,
                    "frame " + bulk + " carries nothing a dissector reads: " + dump(layers));
            assertEquals(dump(analyzer.dissect(big, bulk)), dump(layers), "nor does a full re-read find anything in frame "
                    + bulk);
        }
    }

    /**
     * While the analysis still runs (the workbench lists the frames and the user clicks one), the frames it has read
     * already get their quick tree from the spans so far, the same as a full re-read gives; a frame it has not read
     * yet is read from the first frame, and its tree is right too.
     */
    @Test
    void framesAlreadyReadHaveTheirTreeBeforeTheAnalysisEnds() throws IOException {
        Path big = dir.resolve("running.pcap");
        long frames = busyCapture(big, 40 << 20, 9);
        assertTrue(frames > 70_000, frames + " frames: the reading reports progress every 65,536");
        List<Long> messages = messageFrames(big);

        ConversationSpans live = new ConversationSpans();
        Analyzer running = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).keepSpansIn(live);
        List<String> checked = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        try (CaptureFile file = CaptureFile.open(big)) {
            file.index();
            running.analyze(big, "running", List.of(), new Progress() {
                @Override
                public void worked(long read, long total) {
                    if (!checked.isEmpty()) {
                        return;
                    }
                    try {
                        assertEquals(read, live.complete(), "the spans are final up to the frame read last");
                        // the last messages already read, and one the reading has not reached
                        List<Long> before = messages.stream().filter(m -> m <= read).toList();
                        List<Long> pick = new ArrayList<>(before.subList(Math.max(0, before.size() - 6), before.size()));
                        messages.stream().filter(m -> m > read).findFirst().ifPresent(pick::add);
                        for (long n : pick) {
                            if (n <= read) {
                                assertTrue(live.start(n, null) > read / 2, "frame " + n + " is read again from frame "
                                        + live.start(n, null) + ", near it, while the analysis runs");
                            }
                            FieldNode quick = running.dissect(file, n, live);
                            assertNotNull(quick, "frame " + n + " has a tree");
                            assertEquals(dump(analyzer.dissect(big, n)), dump(quick), "frame " + n);
                            checked.add(n <= read ? "read" : "not yet read");
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                        checked.add("failed");
                    }
                }
            });
        }
        assertEquals(List.of(), failures);
        assertTrue(checked.contains("read") && checked.contains("not yet read"), "frames compared: " + checked);
        assertEquals(Long.MAX_VALUE, live.complete(), "final once the analysis has ended");
    }

    /**
     * The user clicks a frame the running analysis has not reached, but is more than half way to: the details wait for
     * the analysis (reading the capture up to the frame would take longer and slow the analysis down), and are the
     * tree a full re-read gives. A frame much further on is read in full at once.
     */
    @Test
    void aFrameTheAnalysisIsAboutToReachWaitsForIt() throws Exception {
        Path big = dir.resolve("waiting.pcap");
        long frames = busyCapture(big, 90 << 20, 11);
        assertTrue(frames > 3 * 65_536, frames + " frames: room for a frame past twice the first report");
        List<Long> messages = messageFrames(big);
        long near = messages.stream().filter(m -> m > 65_536 && m <= 2 * 65_536).findFirst().orElseThrow();
        long far = messages.stream().filter(m -> m > 2 * 65_536).reduce((x, y) -> y).orElseThrow();

        ConversationSpans live = ConversationSpans.filling();
        Analyzer running = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).keepSpansIn(live);
        java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reading = new Thread(() -> {
            try {
                running.analyze(big, "running", List.of(), new Progress() {
                    @Override
                    public void worked(long read, long total) {
                        if (reported.getCount() > 0) {
                            reported.countDown();
                            try {
                                // held at its first report until the details are waiting (at most 20 s)
                                go.await(20, java.util.concurrent.TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                });
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "analysis");
        try (CaptureFile file = CaptureFile.open(big)) {
            file.index();
            // before the analysis has read anything, nothing is final
            assertEquals(0, live.complete());
            reading.start();
            assertTrue(reported.await(60, java.util.concurrent.TimeUnit.SECONDS), "the analysis reported progress");
            assertEquals(65_536, live.complete(), "final up to the first report");
            assertTrue(live.isReading(), "the analysis is filling them");
            List<Long> asked = new ArrayList<>();
            FieldNode waited = running.dissect(file, near, live, () -> {
                asked.add(live.complete());
                go.countDown();
                return false;
            });
            assertTrue(!asked.isEmpty() && asked.get(0) == 65_536,
                    "frame " + near + " waited while the analysis was at frame 65,536: " + asked);
            assertTrue(live.complete() >= near, "the analysis had read frame " + near + " when the details came");
            assertNotNull(waited, "frame " + near + " has a tree");
            assertEquals(dump(analyzer.dissect(big, near)), dump(waited), "frame " + near);
            // further than twice as far as the analysis has got: read from the first frame (or taken from the
            // analysis if it gets there first); the same tree either way
            assertEquals(dump(analyzer.dissect(big, far)), dump(running.dissect(file, far, live)), "frame " + far);
        } finally {
            go.countDown();
            reading.join(60_000);
        }
        assertNull(failed.get());
        assertEquals(Long.MAX_VALUE, live.complete(), "final once the analysis has ended");
        assertTrue(!live.isReading());
    }

    /**
     * The user cancels the analysis: the spans are final only up to where it stopped, so a later frame is read in
     * full (its tree, not "nothing here"), and a details request the user abandons gives up.
     */
    @Test
    void aCancelledAnalysisLeavesLaterFramesToAFullReRead() throws IOException {
        Path big = dir.resolve("cancelled.pcap");
        Path samples = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples");
        long frames = BigScenarioCapture.generate(List.of(samples.resolve("success-tcp.pcapng")), big, 40 << 20, 3, 0);
        assertTrue(frames > 70_000, frames + " frames");
        Analysis done = analyzer.analyze(big, "done", List.of(), Progress.NONE);
        List<Event> kerberos = done.events("kerberos");
        long late = kerberos.get(kerberos.size() - 1).frame();
        assertTrue(late > 65_536, "a Kerberos message after the first progress report: " + late);

        ConversationSpans live = ConversationSpans.filling();
        Analyzer running = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).keepSpansIn(live);
        boolean[] cancel = {false};
        Analysis cut = running.analyze(big, "cancelled", List.of(), new Progress() {
            @Override
            public void worked(long read, long total) {
                cancel[0] = true;
            }

            @Override
            public boolean cancelled() {
                return cancel[0];
            }
        });
        assertEquals(65_536, cut.capture().frames(), "the reading stopped at its first report");
        assertEquals(65_536, live.complete(), "the spans are final up to there only");
        assertTrue(!live.isReading(), "and nothing fills them any more");
        try (CaptureFile file = CaptureFile.open(big)) {
            FieldNode tree = running.dissect(file, late, cut);
            assertNotNull(tree, "frame " + late + ", which the cancelled analysis never read, has its tree");
            assertEquals(dump(analyzer.dissect(big, late)), dump(tree));
            assertNull(running.dissect(file, late, live, () -> true), "an abandoned request gives up");
            // nothing waits for a reading that has stopped: even a frame just past it is read at once
            assertEquals(dump(analyzer.dissect(big, 65_537)), dump(running.dissect(file, 65_537, live)));
        }
    }

    /**
     * A dissector that keeps state across conversations (through {@code DissectionContext.service}): a frame's tree
     * then depends on the other conversations, so reading the capture for the frame's conversation alone would be
     * wrong; the focused read notices and reads everything.
     */
    @Test
    void aDissectorSharingStateAcrossConversationsGetsEveryConversationRead() throws IOException {
        Path capture = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples/cname-alias.pcapng");
        Analyzer counting = new Analyzer(Registries.of(new org.kerbscope.core.registry.ContributionSource() {
            @Override
            public List<org.kerbscope.core.registry.ContributionElement> elements(String point) {
                return point.equals(Registries.DISSECTORS) ? List.of(DissectorElement.of("count", "Counter", "udp.port", "53", CountingDissector::new)) : List.of();
            }

            @Override
            public void onChange(String point, Runnable listener) {
                // fixed
            }
        }), AnalysisOptions.defaults());
        int trees = 0;
        java.util.Set<String> labels = new java.util.HashSet<>();
        try (CaptureFile file = CaptureFile.open(capture)) {
            for (long f = 1; f <= file.index().size(); f++) {
                String full = dump(counting.dissect(capture, f));
                assertEquals(full, dump(counting.dissect(file, f, (ConversationSpans) null)), "frame " + f);
                if (!full.isEmpty()) {
                    trees++;
                    labels.add(full);
                }
            }
        }
        assertTrue(trees >= 4, trees + " DNS messages in two conversations");
        assertEquals(trees, labels.size(), "each counts the messages of every conversation before it");
    }

    /** Counts the DNS messages of the whole capture in a per-analysis service, and shows the count. */
    public static final class CountingDissector implements org.kerbscope.core.spi.Dissector {
        @Override
        public void dissect(org.kerbscope.core.spi.Pdu pdu, org.kerbscope.core.spi.DissectionContext ctx) {
            int[] seen = ctx.service(int[].class, () -> new int[1]);
            seen[0]++;
            if (ctx.tree() != null) {
                ctx.tree().add("count.seen", "message " + seen[0] + " of the capture", seen[0], 0, pdu.length());
            }
        }
    }

    /** A generated busy capture of about {@code size} bytes with Kerberos, HTTP and NTLM attempts; its frame count. */
    private static long busyCapture(Path file, long size, long seed) throws IOException {
        Path samples = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples");
        return BigScenarioCapture.generate(List.of(samples.resolve("spn-unknown.pcapng"),
                samples.resolve("ntlm-fallback.pcapng")), file, size, seed, 0);
    }

    /** The frames of every Kerberos and HTTP message of the capture, in order. */
    private List<Long> messageFrames(Path capture) throws IOException {
        Analysis done = analyzer.analyze(capture, "done", List.of(), Progress.NONE);
        List<Long> messages = new ArrayList<>();
        for (String protocol : List.of("kerberos", "http")) {
            done.events(protocol).forEach(e -> messages.add(e.frame()));
        }
        java.util.Collections.sort(messages);
        return messages;
    }

    /** Compares the quick and the full tree of every frame (up to {@code max}); returns how many had a tree. */
    private int compareAllFrames(Path capture, int max) throws IOException {
        Analysis a;
        try {
            a = analyzer.analyze(capture, capture.getFileName().toString(), List.of(), Progress.NONE);
        } catch (IOException e) {
            return 0; // not a capture the reader takes (the corpus holds a few): nothing to compare
        }
        int trees = 0;
        try (CaptureFile file = CaptureFile.open(capture)) {
            long n = Math.min(max, file.index().size());
            for (long f = 1; f <= n; f++) {
                String full = dump(analyzer.dissect(capture, f));
                String quick = dump(analyzer.dissect(file, f, a));
                assertEquals(full, quick, capture.getFileName() + " frame " + f);
                // without spans (the analysis has not read the frame yet): the frame's conversation alone, from frame 1
                assertEquals(full, dump(analyzer.dissect(file, f, (ConversationSpans) null)),
                        capture.getFileName() + " frame " + f + ", read from the first frame for its conversation");
                if (dissected(analyzer.dissect(file, f, a))) {
                    trees++;
                }
            }
        }
        return trees;
    }

    /** Whether a dissector read something in the frame: its tree holds more than the frame's own layers. */
    static boolean dissected(FieldNode tree) {
        return tree != null && tree.children().stream().anyMatch(c -> !c.name().startsWith("frame.")
                && !org.kerbscope.net.FrameLayers.isLayer(c));
    }

    static String dump(FieldNode n) {
        StringBuilder b = new StringBuilder();
        if (n != null) {
            dump(n, 0, b);
        }
        return b.toString();
    }

    private static void dump(FieldNode n, int depth, StringBuilder b) {
        b.append("  ".repeat(depth)).append(n.name()).append(" | ").append(n.label()).append(" | ").append(n.range())
                .append(" | ").append(n.source()).append(n.isMalformed() ? " | malformed" : "").append('\n');
        for (FieldNode c : n.children()) {
            dump(c, depth + 1, b);
        }
    }
}
