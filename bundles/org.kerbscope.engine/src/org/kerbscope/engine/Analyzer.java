package org.kerbscope.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.internal.Log;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.CaptureInfo;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.registry.CheckContribution;
import org.kerbscope.core.registry.ImporterContribution;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.registry.ServiceContribution;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.core.spi.ServiceProfile;
import org.kerbscope.net.NetworkDecoder;

/**
 * The whole pipeline for one capture (or none) and its outside evidence: frames → network layers → dissectors
 * → events; evidence importers → evidence; service profiles → attempts; checks → findings. The CLI and the
 * workbench both call this, so they give the same findings for the same input.
 */
public final class Analyzer {
    private final Registries registries;
    private final AnalysisOptions options;

    public Analyzer(Registries registries, AnalysisOptions options) {
        this.registries = registries;
        this.options = options;
    }

    /**
     * @param capture  the capture file, or null for evidence alone
     * @param label    how the capture is named in the result (the path as the user gave it)
     * @throws IOException when the capture cannot be opened at all (not a capture, unreadable)
     */
    public Analysis analyze(Path capture, String label, List<EvidenceInput> evidence, Progress progress)
            throws IOException {
        Analysis a = new Analysis();
        if (capture != null) {
            readCapture(capture, label, a, progress);
        }
        for (EvidenceInput in : evidence) {
            importEvidence(in, a);
        }
        diagnose(a);
        return a;
    }

    private void readCapture(Path capture, String label, Analysis a, Progress progress) throws IOException {
        DissectorTables tables = new DissectorTables(registries.dissectors(), options.decodeAs());
        Engine engine = new Engine(tables, options, a);
        NetworkDecoder net = new NetworkDecoder(engine);
        try (CaptureFile file = CaptureFile.open(capture); CaptureReader reader = file.reader()) {
            long frames = 0, first = 0, last = 0;
            long size = Math.max(1, file.size());
            Frame f;
            while ((f = reader.next()) != null) {
                if (frames == 0) {
                    first = f.timeNanos();
                }
                frames++;
                last = f.timeNanos();
                net.decode(f);
                if ((frames & 0xffff) == 0) {
                    progress.worked(frames, size);
                    if (progress.cancelled()) {
                        a.diagnostics().add(new Diagnostic(frames, "capture", "analysis cancelled after frame " + frames));
                        break;
                    }
                }
            }
            net.finish();
            // bytes released from held TCP segments carry their own (earlier) frame: keep each list in frame order
            for (var list : a.events().values()) {
                list.sort(Comparator.comparingLong(org.kerbscope.core.model.Event::frame));
            }
            a.setCapture(new CaptureInfo(label, file.format(), frames, first, last));
            List<Diagnostic> all = new ArrayList<>(reader.diagnostics());
            all.addAll(net.diagnostics());
            all.addAll(a.diagnostics());
            all.sort(Comparator.comparingLong(Diagnostic::frame));
            a.diagnostics().clear();
            a.diagnostics().addAll(all);
        }
    }

    /**
     * The dissection tree of one frame, for the workbench's details and hex panes: the capture is read again up to
     * that frame (so that streams are reassembled as in the analysis) with a tree asked for that frame only.
     *
     * @return the tree, or null when no dissector read anything in that frame
     */
    public org.kerbscope.core.model.FieldNode dissect(Path capture, long frameNumber) throws IOException {
        Analysis scratch = new Analysis();
        DissectorTables tables = new DissectorTables(registries.dissectors(), options.decodeAs());
        Engine engine = new Engine(tables, options, scratch);
        engine.wantTree(frameNumber);
        NetworkDecoder net = new NetworkDecoder(engine);
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

    /** Attempts from every service profile, then every check; re-run after evidence is added. */
    public void diagnose(Analysis a) {
        a.attempts().clear();
        a.findings().clear();
        for (ServiceContribution s : registries.services()) {
            ServiceProfile p = s.get();
            if (p == null) {
                continue;
            }
            try {
                List<AuthAttempt> found = p.attempts(a, a.attempts().size());
                a.attempts().addAll(found);
            } catch (RuntimeException | LinkageError e) {
                s.markBroken("the service profile failed", e);
            }
        }
        Set<String> seen = new HashSet<>();
        for (CheckContribution c : registries.checks()) {
            var check = c.get();
            if (check == null) {
                continue;
            }
            try {
                check.run(a, f -> {
                    if (seen.add(f.id() + "|" + f.attempt() + "|" + f.title())) {
                        a.findings().add(f);
                    }
                });
            } catch (RuntimeException | LinkageError e) {
                c.markBroken("the check failed while it ran", e);
            }
        }
        a.findings().sort(Comparator.comparing(Finding::severity).thenComparingInt(Finding::attempt));
    }
}
