package org.kerbscope.engine.report;

import java.io.PrintStream;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.StepResult;

/** What a support engineer reads in a terminal: each attempt's steps with marks, then the findings and fixes. */
public final class TextReport {
    /** Diagnostics listed at most (a hostile capture can have one per frame). */
    private static final int MAX_DIAGNOSTICS = 5;

    private TextReport() {
    }

    public static void print(Analysis a, PrintStream out) {
        if (a.capture() != null) {
            var c = a.capture();
            out.printf("%s (%s): %d frames%s%n", c.file(), c.format(), c.frames(), c.frames() > 0
                    ? ", " + JsonReport.time(c.startNanos()) + " – " + JsonReport.time(c.endNanos()) : "");
            // the plug-ins' and the TLS dissector's messages too, where the capture has some
            StringBuilder more = new StringBuilder();
            new java.util.TreeMap<>(a.events()).forEach((protocol, list) -> {
                if (!list.isEmpty() && !java.util.Set.of("kerberos", "http", "ntlm", "dns").contains(protocol)) {
                    more.append(", ").append(list.size()).append(' ').append(protocol.toUpperCase(java.util.Locale.ROOT));
                }
            });
            out.printf("  %d Kerberos, %d HTTP, %d NTLM, %d DNS%s messages%n", a.events("kerberos").size(),
                    a.events("http").size(), a.events("ntlm").size(), a.events("dns").size(), more);
        }
        for (EvidenceFile f : a.evidenceFiles()) {
            out.printf("%s (%s%s): %d records%n", f.file(), f.kind(), f.format() != null ? ", " + f.format() : "", f.records());
        }
        if (a.attempts().isEmpty()) {
            out.println(a.capture() == null ? "" : a.diagnostics().isEmpty() ? "\nNo authentication attempt found."
                    : "\nNo authentication attempt found (see the diagnostics below).");
        }
        for (AuthAttempt at : a.attempts()) {
            out.printf("%nAttempt %d: %s → %s (%s)%s%s — %s%n", at.index(), at.client(), at.server(), at.service(),
                    at.spn() != null ? " SPN " + at.spn() : "", at.user() != null ? " user " + at.user() : "",
                    at.outcome().id());
            for (StepResult s : at.steps()) {
                String mark = switch (s.status()) {
                    case OK -> "[ ok ]";
                    case FAILED -> "[FAIL]";
                    case NOT_SEEN -> "[ -- ]";
                    case NOT_APPLICABLE -> "[ n/a]";
                };
                out.printf("  %s %d %-18s %s%s%n", mark, s.step().number(), s.step().id(), s.note(),
                        s.frames().isEmpty() ? "" : " (frames " + s.frames() + ")");
            }
        }
        if (!a.findings().isEmpty()) {
            out.println("\nFindings:");
        }
        for (Finding f : a.findings()) {
            out.printf("%n%s %s: %s%n", f.severity().id().toUpperCase(), f.id(), f.title());
            out.println("  " + f.explanation());
            for (Finding.Evidence e : f.evidence()) {
                out.println("  - " + (e.frame() > 0 ? "frame " + e.frame() : e.file()) + ": " + e.what());
            }
            if (!f.remediation().isEmpty()) {
                out.println("  Fix:");
                for (String r : f.remediation()) {
                    out.println("    " + r);
                }
            }
        }
        int n = a.diagnostics().size();
        if (n > 0) {
            // what could not be read: a malformed PDU, a damaged capture, a service no installed plug-in reads
            out.printf("%n%s:%n", n == 1 ? "Diagnostic" : n + " diagnostics");
            for (int i = 0; i < Math.min(n, MAX_DIAGNOSTICS); i++) {
                out.println("  " + describe(a.diagnostics().get(i)));
            }
            if (n > MAX_DIAGNOSTICS) {
                out.printf("  … %d more (--format json lists them all)%n", n - MAX_DIAGNOSTICS);
            }
        }
    }

    private static String describe(Diagnostic d) {
        return (d.frame() > 0 ? "frame " + d.frame() + " " : "") + d.protocol() + ": " + d.message();
    }
}
