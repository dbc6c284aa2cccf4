package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.net.bench.BigScenarioCapture;

/**
 * The scale promise on a small instance: what Kerbscope finds in one big capture is exactly what it finds in its
 * parts. Two captures are generated as the benchmark generates its big ones (lab scenarios replayed by distinct
 * clients among TLS, SMB and DNS traffic), each from a different lab sample; their concatenation must give the
 * union of their attempts and findings, frame numbers of the second part moved by the first part's length.
 */
class UnionTest {
    @TempDir
    Path dir;

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("releng/kerbscope.target"))) {
                return p;
            }
        }
        throw new AssertionError("the repository root (with releng/kerbscope.target) is not above "
                + Path.of("").toAbsolutePath());
    }

    /** The lab sample capture {@code name} (e.g. {@code spn-unknown.pcapng}). */
    static Path sample(String name) {
        return root().resolve("bundles/org.kerbscope.lab/samples").resolve(name);
    }

    /** The JSON document the default analysis gives {@code capture}. */
    static com.fasterxml.jackson.databind.node.ObjectNode document(Path capture) throws IOException {
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        return (com.fasterxml.jackson.databind.node.ObjectNode) org.kerbscope.engine.report.JsonReport.toJson(
                analyzer.analyze(capture, "capture", List.of(), Progress.NONE));
    }

    /** Every lab sample capture, by name. */
    static List<Path> labSamples() throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(root().resolve("bundles/org.kerbscope.lab/samples"))) {
            return s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    @Test
    void findingsOfAConcatenationAreTheUnionOfThoseOfItsParts() throws IOException {
        Path samples = root().resolve("bundles/org.kerbscope.lab/samples");
        Path a = dir.resolve("a.pcap"), b = dir.resolve("b.pcap"), ab = dir.resolve("ab.pcap");
        // different seeds and client numbers: the parts share no client address
        long na = BigScenarioCapture.generate(List.of(samples.resolve("stale-keytab.pcapng")), a, 3 << 20, 11, 0);
        long nb = BigScenarioCapture.generate(List.of(samples.resolve("ntlm-fallback.pcapng")), b, 3 << 20, 12, 10_000);
        concatenate(a, b, ab);

        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        Analysis ra = analyzer.analyze(a, "a", List.of(), Progress.NONE);
        Analysis rb = analyzer.analyze(b, "b", List.of(), Progress.NONE);
        Analysis rab = analyzer.analyze(ab, "ab", List.of(), Progress.NONE);
        assertEquals(na + nb, rab.capture().frames(), "frames of the concatenation");

        // each part shows its own scenario, many times over: the comparison below is not between empty sets
        Set<String> idsA = ids(ra), idsB = ids(rb);
        assertTrue(idsA.contains("kerberos.service-key-mismatch"), "stale-keytab replays: " + idsA);
        assertTrue(idsB.contains("http.ntlm-fallback"), "ntlm-fallback replays: " + idsB);
        assertTrue(ra.attempts().size() >= 5 && rb.attempts().size() >= 5,
                ra.attempts().size() + " and " + rb.attempts().size() + " attempts");

        Set<String> attempts = new TreeSet<>(attempts(ra, 0));
        attempts.addAll(attempts(rb, na));
        assertEquals(attempts, new TreeSet<>(attempts(rab, 0)), "attempts of the whole = attempts of the parts");
        assertEquals(ra.attempts().size() + rb.attempts().size(), rab.attempts().size(), "no attempt merged or lost");

        Set<String> findings = new TreeSet<>(findings(ra, 0));
        findings.addAll(findings(rb, na));
        assertSameSet(findings, new TreeSet<>(findings(rab, 0)), "findings");
        // the examples a capture-wide finding shows in the whole are examples it shows in a part
        Set<String> examples = examples(ra, 0);
        examples.addAll(examples(rb, na));
        Set<String> shown = examples(rab, 0);
        assertTrue(!shown.isEmpty() && examples.containsAll(shown), "capture-wide evidence " + shown + " not among " + examples);
    }

    /** Fails with the differences only (a finding's text is long). */
    private static void assertSameSet(Set<String> parts, Set<String> whole, String what) {
        Set<String> missing = new TreeSet<>(parts), extra = new TreeSet<>(whole);
        missing.removeAll(whole);
        extra.removeAll(parts);
        assertTrue(missing.isEmpty() && extra.isEmpty(), what + " of the parts missing from the whole: " + cut(missing)
                + "\n" + what + " of the whole not in the parts: " + cut(extra));
    }

    private static String cut(Set<String> s) {
        return s.stream().map(x -> x.length() > 400 ? x.substring(0, 200) + " … " + x.substring(x.length() - 200) : x)
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    /** A pcap of a's header and records followed by b's records (both nanosecond pcap, Ethernet). */
    private static void concatenate(Path a, Path b, Path out) throws IOException {
        byte[] ha = new byte[24], hb = new byte[24];
        try (var ia = Files.newInputStream(a); var ib = Files.newInputStream(b); OutputStream o = Files.newOutputStream(out)) {
            ia.readNBytes(ha, 0, 24);
            ib.readNBytes(hb, 0, 24);
            assertEquals(java.util.Arrays.toString(ha), java.util.Arrays.toString(hb), "the parts have one pcap header");
            o.write(ha);
            ia.transferTo(o);
            ib.transferTo(o);
        }
    }

    private static Set<String> ids(Analysis a) {
        return a.findings().stream().map(Finding::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /** An attempt as text, its frames moved by {@code shift}; the index is left out (it depends on the order). */
    private static String attempt(AuthAttempt t, long shift) {
        StringBuilder s = new StringBuilder();
        s.append(t.client()).append(' ').append(t.server()).append(' ').append(t.service()).append(' ').append(t.host())
                .append(' ').append(t.spn()).append(' ').append(t.user()).append(' ').append(t.outcome());
        for (StepResult r : t.steps()) {
            s.append(" | ").append(r.step()).append(' ').append(r.status()).append(' ')
                    .append(r.frames().stream().map(f -> f + shift).toList()).append(' ').append(shiftText(r.note(), shift));
        }
        return s.toString();
    }

    private static List<String> attempts(Analysis a, long shift) {
        return a.attempts().stream().map(t -> attempt(t, shift)).toList();
    }

    /**
     * A finding as text: the attempt it concerns by content rather than index, evidence frames moved by
     * {@code shift}. A finding about no attempt (kerberos.preauth-required, kerberos.spn-unknown …) stands for the
     * whole capture and shows examples: it is compared by the identity the analyzer itself deduplicates on (id and
     * title); {@link #examples} checks its evidence separately.
     */
    private static List<String> findings(Analysis a, long shift) {
        List<String> out = new ArrayList<>();
        for (Finding f : a.findings()) {
            StringBuilder s = new StringBuilder();
            s.append(f.id()).append(' ').append(f.severity()).append(' ').append(f.step()).append(' ').append(f.title());
            if (f.attempt() < 0) {
                out.add(s.append(" / about the capture").toString());
                continue;
            }
            s.append(" / ").append(f.explanation()).append(" / ").append(f.remediation()).append(" / attempt ")
                    .append(attempt(a.attempts().get(f.attempt()), shift));
            for (Finding.Evidence e : f.evidence()) {
                s.append(" / ").append(e.frame() > 0 ? e.frame() + shift : 0).append(' ').append(e.file()).append(' ')
                        .append(e.what());
            }
            out.add(shiftText(s.toString(), shift));
        }
        return out;
    }

    /** Evidence of the findings about no attempt, as "id frame what", frames moved by {@code shift}. */
    private static Set<String> examples(Analysis a, long shift) {
        Set<String> out = new TreeSet<>();
        for (Finding f : a.findings()) {
            if (f.attempt() < 0) {
                for (Finding.Evidence e : f.evidence()) {
                    out.add(f.id() + " " + (e.frame() > 0 ? e.frame() + shift : 0) + " " + shiftText(e.what(), shift));
                }
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern FRAME_IN_TEXT = java.util.regex.Pattern.compile("\\b(frames? )(\\d+)");

    /** Explanations name frames in words ("… (KDC_ERR_S_PRINCIPAL_UNKNOWN, frame 17)"): those move too. */
    private static String shiftText(String text, long shift) {
        return FRAME_IN_TEXT.matcher(text).replaceAll(m -> m.group(1) + (Long.parseLong(m.group(2)) + shift));
    }
}
