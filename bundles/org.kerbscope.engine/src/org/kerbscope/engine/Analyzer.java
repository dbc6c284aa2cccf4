package org.kerbscope.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameCursor;
import org.kerbscope.core.internal.Log;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.CaptureInfo;
import org.kerbscope.core.model.ConversationSpans;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.registry.CheckContribution;
import org.kerbscope.core.registry.ImporterContribution;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.registry.ServiceContribution;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.core.spi.ServiceProfile;
import org.kerbscope.engine.internal.UnlistedDiagnostics;
import org.kerbscope.engine.internal.UnreadServices;
import org.kerbscope.net.DecoderLimits;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.NetworkDecoder;

/**
 * The whole pipeline for one capture (or none) and its outside evidence: frames → network layers → dissectors
 * → events; evidence importers → evidence; service profiles → attempts; checks → findings. The CLI and the
 * workbench both call this, so they give the same findings for the same input.
 */
public final class Analyzer {
    /** Captures smaller than this are read on one thread: starting more would cost more than it saves. */
    static final long PARALLEL_FROM_BYTES = 32L << 20;
    /** Beyond four threads the reading thread, which hands every frame to each of them, is the limit. */
    static final int MAX_THREADS = 4;

    private final Registries registries;
    private final AnalysisOptions options;
    private final int threads;
    private boolean keepSpans;
    /** Where the next analysis puts its spans as it reads (see {@link #keepSpansIn}), or null. */
    private ConversationSpans liveSpans;

    public Analyzer(Registries registries, AnalysisOptions options) {
        this(registries, options, 0);
    }

    /**
     * @param threads how many threads read a capture: 0 chooses by the size of the file and the cores (or takes the
     *                system property {@code kerbscope.threads}, for benchmarks); a number forces it (the results are
     *                the same whatever the number: a test proves it)
     */
    public Analyzer(Registries registries, AnalysisOptions options, int threads) {
        this.registries = registries;
        this.options = options;
        this.threads = threads > 0 ? threads : Math.max(0, Integer.getInteger("kerbscope.threads", 0));
    }

    /**
     * Keeps where each dissected conversation lies with the analysis ({@link Analysis#spans()}), so that
     * {@link #dissect(CaptureFile, long, Analysis)} re-reads only a frame's conversation. The workbench asks for
     * it; the command line does not need it.
     */
    public Analyzer keepSpans(boolean keep) {
        this.keepSpans = keep;
        return this;
    }

    /**
     * As {@link #keepSpans}, into {@code spans}, which the next analysis fills as it reads: with one reading thread,
     * {@link ConversationSpans#complete()} follows the reading, so that a frame's details can be made quickly
     * before the analysis has finished (with several threads the spans are final only at the end).
     */
    public Analyzer keepSpansIn(ConversationSpans spans) {
        this.keepSpans = true;
        this.liveSpans = spans;
        return this;
    }

    /**
     * @param capture  the capture file, or null for evidence alone
     * @param label    how the capture is named in the result (the path as the user gave it)
     * @throws IOException when the capture cannot be opened at all (not a capture, unreadable)
     */
    public Analysis analyze(Path capture, String label, List<EvidenceInput> evidence, Progress progress)
            throws IOException {
        Analysis a = read(capture, label, evidence, progress);
        diagnose(a);
        return a;
    }

    /**
     * {@link #analyze} of a capture already open (the workbench's, whose index its packet list shows; standard input):
     * one mapping, and a compressed capture decompressed once. The file stays open.
     */
    public Analysis analyzeOpen(CaptureFile capture, String label, List<EvidenceInput> evidence, Progress progress)
            throws IOException {
        Analysis a = readOpen(capture, label, evidence, progress);
        diagnose(a);
        return a;
    }

    /**
     * {@link #analyze} without the diagnosis: the capture's events and the evidence, no attempts and no findings
     * yet. Lets a caller start writing the events (which come first in the JSON document) while
     * {@link #diagnose} runs on another thread; diagnosing reads the events and never changes them.
     */
    public Analysis read(Path capture, String label, List<EvidenceInput> evidence, Progress progress)
            throws IOException {
        if (capture == null) {
            return readOpen(null, label, evidence, progress);
        }
        try (CaptureFile file = CaptureFile.open(capture)) {
            return readOpen(file, label, evidence, progress);
        }
    }

    /** {@link #read} of a capture already open (see {@link #analyzeOpen}); the file stays open. */
    public Analysis readOpen(CaptureFile capture, String label, List<EvidenceInput> evidence, Progress progress)
            throws IOException {
        Analysis a = new Analysis();
        if (capture != null) {
            readCapture(capture, label, a, progress);
        }
        for (EvidenceInput in : evidence) {
            importEvidence(in, a);
        }
        return a;
    }

    private void readCapture(CaptureFile capture, String label, Analysis a, Progress progress) throws IOException {
        ConversationSpans kept = !keepSpans ? null : liveSpans != null ? liveSpans : new ConversationSpans();
        liveSpans = null; // one analysis fills it
        try {
            readCapture(capture, label, a, progress, kept);
        } finally {
            if (kept != null) {
                kept.end(); // whoever waits for frames this reading did not reach stops waiting
            }
        }
    }

    private void readCapture(CaptureFile file, String label, Analysis a, Progress progress, ConversationSpans kept)
            throws IOException {
        int n = threadsFor(file.size());
        // one thread reads the file through a buffer (no page faults of the mapping); several get the mapping's
        // frames, which outlive the reader's position in their batches
        try (CaptureReader reader = n == 1 ? file.streamingReader() : file.reader()) {
            List<Analysis> parts = new ArrayList<>();
            List<NetworkDecoder> nets = new ArrayList<>();
            List<Engine> engines = new ArrayList<>();
            List<ConversationSpans> spans = new ArrayList<>();
            java.util.BitSet servicePorts = servicePorts();
            long eventHeap = options.limit(org.kerbscope.core.spi.Limits.EVENTS_HEAP);
            var eventDisk = new org.kerbscope.core.model.EventList.FileSpace(
                    options.limit(org.kerbscope.core.spi.Limits.EVENTS_DISK));
            if (kept != null) {
                kept.completeThrough(0);
            }
            for (int i = 0; i < n; i++) {
                Analysis part = n == 1 ? a : new Analysis();
                // each thread its share of the heap; the disk is shared
                part.setEventBudget(new org.kerbscope.core.model.EventList.Budget(eventHeap / n, null, eventDisk));
                if (n == 1) {
                    org.kerbscope.core.flow.Flows.indexWhileReading(part); // shares' positions change in the merge
                }
                DissectorTables tables = new DissectorTables(registries.dissectors(), options.decodeAs());
                Engine engine = new Engine(tables, options, part);
                engine.servicePorts(servicePorts);
                if (kept != null) {
                    ConversationSpans s = n == 1 ? kept : new ConversationSpans();
                    engine.keepSpans(s);
                    spans.add(s);
                }
                nets.add(new NetworkDecoder(engine, decoderLimits(), i, n));
                engines.add(engine);
                parts.add(part);
            }
            Progress told = progress;
            if (kept != null && n == 1) {
                // one thread: every frame up to the one it reports has been read, and its spans are final
                told = new Progress() {
                    @Override
                    public void worked(long frames, long total) {
                        kept.completeThrough(frames);
                        progress.worked(frames, total);
                    }

                    @Override
                    public boolean cancelled() {
                        return progress.cancelled();
                    }
                };
            }
            long[] span = n == 1 ? ReadPass.serial(reader, nets.get(0), file.size(), a, told)
                    : ReadPass.parallel(reader, nets, file.size(), a, progress);
            List<Diagnostic> netDiagnostics = new ArrayList<>();
            for (NetworkDecoder net : nets) {
                netDiagnostics.addAll(net.diagnostics());
            }
            a.setRepeats(nets.get(0).repeatPairs()); // the first share reports them all
            UnreadServices unread = new UnreadServices();
            UnlistedDiagnostics unlisted = new UnlistedDiagnostics();
            for (Engine e : engines) {
                unread.addAll(e.unreadServices());
                unlisted.addAll(e.unlistedDiagnostics());
            }
            netDiagnostics.addAll(unread.diagnostics());
            if (n > 1) {
                merge(a, parts, unlisted);
            } else {
                // bytes released from held TCP segments carry their own (earlier) frame: each list in frame order
                a.events().replaceAll((protocol, list) -> org.kerbscope.core.model.EventList.sortedByFrame(List.of(list)));
                a.finishIndexers();
            }
            netDiagnostics.addAll(unlisted.summaries());
            spillFailure(a).ifPresent(reason -> netDiagnostics.add(new Diagnostic(0, "events", "messages past "
                    + org.kerbscope.core.spi.Limits.EVENTS_HEAP + " were held in memory instead of a temporary file: "
                    + reason + (reason.contains("--limit") ? ""
                            : "; free space in the temporary directory or give Java more heap"))));
            if (kept != null) {
                for (ConversationSpans s : spans) {
                    if (s != kept) {
                        kept.addAll(s);
                    }
                }
                // a cancelled reading is final only up to where it stopped: later frames are read again in full
                kept.completeThrough(progress.cancelled() ? span[0] : Long.MAX_VALUE);
                a.setSpans(kept);
            }
            // the arrays in the order of their first event, whatever the thread that found them
            List<Map.Entry<String, List<org.kerbscope.core.model.Event>>> arrays = new ArrayList<>(a.events().entrySet());
            arrays.sort(Comparator.comparingLong(e -> e.getValue().isEmpty() ? Long.MAX_VALUE : e.getValue().get(0).frame()));
            a.events().clear();
            arrays.forEach(e -> a.events().put(e.getKey(), e.getValue()));
            a.tcpEvents().sort(Comparator.comparingLong(org.kerbscope.core.model.TcpEvent::frame));
            a.setCapture(new CaptureInfo(label, file.format(), span[0], span[1], span[2]));
            List<Diagnostic> all = new ArrayList<>(reader.diagnostics());
            all.addAll(netDiagnostics);
            all.addAll(a.diagnostics());
            all.sort(Comparator.comparingLong(Diagnostic::frame));
            a.diagnostics().clear();
            a.diagnostics().addAll(all);
        }
    }

    /** Why some list could not write its events to a temporary file (the first reason), if one could not. */
    private static java.util.Optional<String> spillFailure(Analysis a) {
        return a.events().values().stream()
                .map(l -> l instanceof org.kerbscope.core.model.EventList el ? el.spillFailure() : null)
                .filter(java.util.Objects::nonNull).findFirst();
    }

    /**
     * The TCP ports whose handshakes an analysis keeps even when no dissector reads the connection: the services'
     * ports (the connect step, connections nobody answered) and the KDC's (kerberos.kdc-unreachable).
     */
    private java.util.BitSet servicePorts() {
        java.util.BitSet ports = new java.util.BitSet(65536);
        ports.set(88);
        for (ServiceContribution s : registries.services()) {
            for (int p : s.ports()) {
                if (p >= 0 && p < 65536) {
                    ports.set(p);
                }
            }
        }
        return ports;
    }

    /**
     * How many threads read this capture. The JIT compiler and the garbage collector keep about one core busy while
     * a large capture is read (measured on 2 cores: 1.8 cores in use with one reading thread), so a second reading
     * thread only pays on machines with cores to spare: one thread below four cores, else one per core but one (at
     * most {@link #MAX_THREADS}), for captures large enough to gain from it. One when keytabs are given, because
     * keys learned from one conversation (a TGS-REP's session key) decrypt messages in another one, which may be
     * another thread's. One with TLS key logs too, which the reading loads once.
     */
    private int threadsFor(long fileSize) {
        if (!options.keytabs().isEmpty() || !options.tlsKeylogs().isEmpty()) {
            return 1;
        }
        if (threads > 0) {
            return threads;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (fileSize < PARALLEL_FROM_BYTES || cores < 4) {
            return 1;
        }
        return Math.min(MAX_THREADS, cores - 1);
    }

    /**
     * The network decoders' memory bounds, from the user's limits. Each reading thread has them whole (its streams
     * are its share of the capture's), so that a diagnostic's "raise it with --limit …" means what it says and the
     * results do not depend on the number of threads.
     */
    private DecoderLimits decoderLimits() {
        return DecoderLimits.of(options);
    }

    /**
     * The shares' events (each protocol's in frame order, events of one frame in the order of the shares),
     * connection facts and diagnostics (sorted by the caller), into the analysis; of the dissectors' diagnostics,
     * the capture's first ones are listed and the rest counted, as on one thread.
     */
    private static void merge(Analysis a, List<Analysis> parts, UnlistedDiagnostics unlisted) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<String, List<List<org.kerbscope.core.model.Event>>> shares = new java.util.LinkedHashMap<>();
        for (Analysis part : parts) {
            for (var e : part.events().entrySet()) {
                shares.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
            a.tcpEvents().addAll(part.tcpEvents());
            a.quoted().addAll(part.quoted()); // the first share reads every ICMP message: already in frame order
            diagnostics.addAll(part.diagnostics());
        }
        a.diagnostics().addAll(unlisted.trim(diagnostics));
        shares.forEach((protocol, lists) -> a.events().put(protocol, org.kerbscope.core.model.EventList.sortedByFrame(lists)));
    }

    /**
     * The dissection tree of one frame, for the workbench's details and hex panes: the capture is read again up to
     * that frame (so that streams are reassembled as in the analysis) with a tree asked for that frame only.
     *
     * @return the tree (the frame's layers, then what the dissectors read in it), or null when the capture has no
     *         such frame
     */
    public org.kerbscope.core.model.FieldNode dissect(Path capture, long frameNumber) throws IOException {
        Engine engine = treeEngine(frameNumber);
        NetworkDecoder net = new NetworkDecoder(engine, decoderLimits());
        net.headersOf(frameNumber, engine.layers());
        try (CaptureFile file = CaptureFile.open(capture); CaptureReader reader = file.reader()) {
            Frame f;
            while ((f = reader.next()) != null) {
                net.decode(f);
                if (f.number() >= frameNumber) {
                    break;
                }
            }
        }
        return engine.tree();
    }

    /**
     * The dissection tree of frame {@code frameNumber} of an indexed capture, read again only from where that
     * frame's conversation starts, with the other conversations passed over, when {@code analysis} (of this capture,
     * with these options) kept its {@link Analysis#spans() spans}; otherwise as {@link #dissect(Path, long)}. The
     * tree is the same either way (a test compares them frame by frame). Keys from keytabs, or any state a dissector
     * keeps beyond one conversation, make it read from the first frame.
     *
     * @return the tree (the frame's layers, then what the dissectors read in it), or null when the capture has no
     *         such frame
     */
    public org.kerbscope.core.model.FieldNode dissect(CaptureFile file, long frameNumber, Analysis analysis)
            throws IOException {
        return dissect(file, frameNumber, analysis != null ? analysis.spans() : null);
    }

    /**
     * {@link #dissect(CaptureFile, long, Analysis)} with the spans of an analysis that may still be running (see
     * {@link #keepSpansIn}): a frame it has not read yet is read from the first frame.
     */
    public org.kerbscope.core.model.FieldNode dissect(CaptureFile file, long frameNumber, ConversationSpans spans)
            throws IOException {
        return dissect(file, frameNumber, spans, () -> false);
    }

    /**
     * {@link #dissect(CaptureFile, long, ConversationSpans)} for a frame the running analysis may not have read yet.
     * When it is at least half way to the frame, this waits for it ({@link ConversationSpans#worthAwaiting}).
     * Otherwise the capture is read up to the frame, and if the analysis gets there first, its spans are taken
     * instead.
     *
     * @param cancelled asked while waiting and while reading (the user selected another frame): null is returned
     */
    public org.kerbscope.core.model.FieldNode dissect(CaptureFile file, long frameNumber, ConversationSpans spans,
            java.util.function.BooleanSupplier cancelled) throws IOException {
        ConversationSpans live = null;
        if (spans != null && frameNumber > spans.complete()) {
            if (spans.worthAwaiting(frameNumber)) {
                spans.awaitThrough(frameNumber, cancelled);
            }
            if (frameNumber > spans.complete()) {
                live = spans;
                spans = null;
            }
        }
        if (cancelled.getAsBoolean()) {
            return null;
        }
        long frames = file.index().size();
        if (frameNumber < 1 || frameNumber > frames) {
            return null;
        }
        long from = 1;
        // the frame's own TCP or UDP conversation, when its headers name one (not a later IP fragment); with keytabs
        // the Kerberos keys learned anywhere count, so everything is read
        FlowKey flow = options.keytabs().isEmpty() ? FrameHeaders.flow(file.frame(frameNumber)) : null;
        String transport = flow == null || flow.srcPort() == 0 ? null
                : flow.protocol() == 6 ? "tcp" : flow.protocol() == 17 ? "udp" : null;
        boolean focus = transport != null;
        if (spans != null && options.keytabs().isEmpty()) {
            from = spans.start(frameNumber,
                    transport == null ? null : ConversationSpans.key(flow.src(), flow.dst(), transport));
            if (from == 0) {
                // no dissector read the frame's conversation: its layers are all there is, read from the frame alone
                return FrameHeaders.layers(file.frame(frameNumber), decoderLimits());
            }
            // from the first frame because of shared state or fragments: everything is read, as the analysis did
            focus &= from > 1;
        }
        // without spans (none kept, or the analysis has not read the frame yet), the capture is read from its first
        // frame, but dissected for the frame's conversation only: the others are passed over, which is several
        // times faster. Unless a dissector of it asks for state shared across conversations (then what the others
        // left there counts, and everything is read again).
        FieldNode tree = readTree(file, frameNumber, from, focus ? flow : null, transport, live, cancelled);
        if (tree == AGAIN) {
            return dissect(file, frameNumber, live, cancelled); // the analysis got there first
        }
        if (tree == SHARED) {
            tree = readTree(file, frameNumber, from, null, null, live, cancelled);
            if (tree == AGAIN) {
                return dissect(file, frameNumber, live, cancelled);
            }
        }
        return tree;
    }

    /** {@link #readTree} results: read again with the running analysis' spans; read everything, unfocused. */
    private static final FieldNode AGAIN = new FieldNode("again", "", null, null), SHARED = new FieldNode("shared", "",
            null, null);

    /**
     * The tree of frame {@code frameNumber}, reading from frame {@code from}, with only {@code focus}'s conversation
     * dissected (all when null); null when cancelled; {@link #AGAIN} when {@code live} has reached the frame meanwhile;
     * {@link #SHARED} when a focused read from the first frame met a dissector using shared state.
     */
    private FieldNode readTree(CaptureFile file, long frameNumber, long from, FlowKey focus, String transport,
            ConversationSpans live, java.util.function.BooleanSupplier cancelled) throws IOException {
        Engine engine = treeEngine(frameNumber);
        if (focus != null) {
            engine.focus(focus.src(), focus.dst(), transport);
        }
        NetworkDecoder net = new NetworkDecoder(engine, decoderLimits());
        net.headersOf(frameNumber, engine.layers());
        if (from == 1) {
            // in file order with a cursor through a buffer, as the analysis reads: no frame object for the frames
            // passed over, no page faults of the mapping
            try (CaptureReader reader = file.streamingReader()) {
                FrameCursor c = new FrameCursor();
                while (reader.advance(c) && c.number() <= frameNumber) {
                    net.decode(c);
                    if ((c.number() & 0xffff) == 0) {
                        if (cancelled.getAsBoolean()) {
                            return null;
                        }
                        if (live != null && frameNumber <= live.complete()) {
                            return AGAIN;
                        }
                    }
                }
            }
        } else {
            for (long k = from; k <= frameNumber; k++) {
                net.decode(file.frame(k));
                if ((k & 0xffff) == 0 && cancelled.getAsBoolean()) {
                    return null;
                }
            }
        }
        if (focus != null && from == 1 && engine.askedForService()) {
            return SHARED;
        }
        return engine.tree();
    }

    /** An engine that makes the dissection tree of frame {@code frameNumber} and keeps nothing else. */
    private Engine treeEngine(long frameNumber) {
        Engine engine = new Engine(new DissectorTables(registries.dissectors(), options.decodeAs()), options,
                new Analysis());
        engine.wantTree(frameNumber);
        return engine;
    }

    /** Imports one outside file with the importer of the kind the user named (or the one that recognises it). */
    public void importEvidence(EvidenceInput in, Analysis a) {
        byte[] head;
        try (InputStream s = Files.newInputStream(in.file())) {
            head = s.readNBytes(4096);
        } catch (IOException e) {
            a.evidenceFiles().add(new EvidenceFile(in.file().toString(), in.kind() != null ? in.kind() : "unknown", null, 0,
                    List.of(new Diagnostic(0, "evidence", "cannot read " + in.file() + ": " + e.getMessage()))));
            return;
        }
        ImporterContribution best = null;
        int bestScore = -1;
        for (ImporterContribution c : registries.importers()) {
            EvidenceImporter imp = c.get();
            if (imp == null) {
                continue;
            }
            int score;
            try {
                score = imp.recognise(in.file().getFileName().toString(), head);
            } catch (RuntimeException | LinkageError e) {
                c.markBroken("recognise threw", e);
                continue;
            }
            // the kind the user named wins over a guess, unless its importers clearly say no
            if (in.kind() != null && in.kind().equals(c.kind())) {
                score += 50;
            }
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        String shown = in.file().toString();
        if (best == null || bestScore <= 0) {
            a.evidenceFiles().add(new EvidenceFile(shown, in.kind() != null ? in.kind() : "unknown", null, 0,
                    List.of(new Diagnostic(0, "evidence", "no importer recognises " + shown))));
            return;
        }
        List<Diagnostic> diags = new ArrayList<>();
        EvidenceFile[] summary = new EvidenceFile[1];
        int[] count = new int[1];
        try {
            best.get().read(in.file(), new EvidenceImporter.Sink() {
                @Override
                public void item(EvidenceItem item) {
                    a.evidence().add(new EvidenceItem(item.section(), shown, item.fields()));
                    count[0]++;
                }

                @Override
                public void diagnostic(Diagnostic d) {
                    diags.add(d);
                }

                @Override
                public void file(EvidenceFile f) {
                    summary[0] = f;
                }
            });
        } catch (IOException e) {
            diags.add(new Diagnostic(0, best.kind(), "cannot read " + shown + ": " + e.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            diags.add(new Diagnostic(0, best.kind(), "the " + best.name() + " importer failed on " + shown
                    + " (" + e.getClass().getSimpleName() + "); what it read before is kept"));
            Log.error("Plug-in " + best.contributor() + ": importer '" + best.id() + "' failed on a file", e);
        }
        EvidenceFile s = summary[0];
        // an importer may report a diagnostic both to the sink and in its file summary: list each once
        List<Diagnostic> allDiags = new ArrayList<>(s != null ? s.diagnostics() : List.of());
        for (Diagnostic d : diags) {
            if (!allDiags.contains(d)) {
                allDiags.add(d);
            }
        }
        a.evidenceFiles().add(new EvidenceFile(shown, s != null ? s.kind() : best.kind(), s != null ? s.format() : null,
                s != null ? s.records() : count[0], allDiags));
    }

    /**
     * Attempts from every service profile (at most the limit {@code attempts.max}, the first in frame order), then
     * every check; re-run after evidence is added.
     */
    public void diagnose(Analysis a) {
        a.attempts().clear();
        a.findings().clear();
        Map<String, Long> took = TIMING ? new LinkedHashMap<>() : null;
        for (ServiceContribution s : registries.services()) {
            long t0 = TIMING ? System.nanoTime() : 0;
            ServiceProfile p = s.get();
            if (p == null) {
                continue;
            }
            try {
                List<AuthAttempt> found = p.attempts(a, a.attempts().size());
                a.attempts().addAll(found);
            } catch (RuntimeException | LinkageError e) {
                s.markBroken("the service profile failed", e);
                brokenWhileRunning(a, "service profile", s, e);
            }
            if (TIMING) {
                took.put(p.getClass().getSimpleName(), System.nanoTime() - t0);
            }
        }
        // a busy server's capture may hold more attempts than are worth checking: keep the first ones, say so
        org.kerbscope.engine.internal.AttemptCap.apply(a, options.limit(org.kerbscope.core.spi.Limits.ATTEMPTS_MAX));
        Set<String> seen = new HashSet<>();
        // the first finding of each id and title, by its position: what an outside file proves again joins it
        Map<String, Integer> firstOf = new HashMap<>();
        for (CheckContribution c : registries.checks()) {
            var check = c.get();
            if (check == null) {
                continue;
            }
            long t0 = TIMING ? System.nanoTime() : 0;
            try {
                check.run(a, f -> {
                    Integer earlier = firstOf.get(f.id() + "|" + f.title());
                    if (earlier != null && f.attempt() < 0 && fromFilesOnly(f)) {
                        a.findings().set(earlier, withEvidenceOf(a.findings().get(earlier), f));
                    } else if (seen.add(f.id() + "|" + f.attempt() + "|" + f.title())) {
                        firstOf.putIfAbsent(f.id() + "|" + f.title(), a.findings().size());
                        a.findings().add(f);
                    }
                });
            } catch (RuntimeException | LinkageError e) {
                c.markBroken("the check failed while it ran", e);
                brokenWhileRunning(a, "check", c, e);
            }
            if (TIMING) {
                took.merge(check.getClass().getSimpleName(), System.nanoTime() - t0, Long::sum);
            }
        }
        a.findings().sort(Comparator.comparing(Finding::severity).thenComparingInt(Finding::attempt));
        if (TIMING) {
            StringBuilder b = new StringBuilder();
            took.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                    .forEach(e -> b.append(' ').append(e.getKey()).append(String.format(" %.0f ms", e.getValue() / 1e6)));
            System.err.println("kerbscope timing: diagnosis' slowest service profiles and checks:" + b);
        }
    }

    /**
     * A service profile or check that threw is skipped from then on (the log names its plug-in); the analysis it
     * failed on says so, so that a reader knows its attempts or findings are missing rather than absent.
     */
    private static void brokenWhileRunning(Analysis a, String kind, org.kerbscope.core.registry.Contribution<?> c,
            Throwable e) {
        a.diagnostics().add(new Diagnostic(0, "diagnosis", "the " + kind + " '" + c.name() + "' of " + c.contributor()
                + " failed on this capture (" + e.getClass().getSimpleName() + "): its " + ("check".equals(kind)
                        ? "findings are" : "attempts are") + " missing, and it is skipped until the product restarts"));
    }

    /**
     * {@code -Dkerbscope.timing=true} (as for the command line's phases): the diagnosis prints which service profiles
     * and checks took longest (an index the flow helpers share counts for the first one that asks for it).
     */
    private static final boolean TIMING = Boolean.getBoolean("kerbscope.timing");

    /** A finding proved by outside files alone (a Security log, klist), not by frames of the capture. */
    private static boolean fromFilesOnly(Finding f) {
        return !f.evidence().isEmpty() && f.evidence().stream().allMatch(e -> e.file() != null && e.frame() <= 0);
    }

    /**
     * The same diagnosis found in the capture and again in an outside file (the KRB-ERROR 7 and the domain
     * controller's 4769 0x7 for the same SPN): one finding, citing both.
     */
    private static Finding withEvidenceOf(Finding first, Finding again) {
        List<Finding.Evidence> evidence = new ArrayList<>(first.evidence());
        for (Finding.Evidence e : again.evidence()) {
            if (!evidence.contains(e)) {
                evidence.add(e);
            }
        }
        List<String> remediation = new ArrayList<>(first.remediation());
        for (String r : again.remediation()) {
            if (!remediation.contains(r)) {
                remediation.add(r);
            }
        }
        return new Finding(first.id(), first.severity(), first.step(), first.attempt(), first.title(), first.explanation(),
                evidence, remediation);
    }
}
