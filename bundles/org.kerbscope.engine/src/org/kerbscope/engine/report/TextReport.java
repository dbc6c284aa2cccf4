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
    private TextReport() {
    }

    public static void print(Analysis a, PrintStream out) {
        if (a.capture() != null) {
            var c = a.capture();
            out.printf("%s (%s): %d frames%s%n", c.file(), c.format(), c.frames(), c.frames() > 0
                    ? ", " + JsonReport.time(c.startNanos()) + " – " + JsonReport.time(c.endNanos()) : "");
            out.printf("  %d Kerberos, %d HTTP, %d NTLM, %d DNS messages%n", a.events("kerberos").size(),
                    a.events("http").size(), a.events("ntlm").size(), a.events("dns").size());
        }
        for (EvidenceFile f : a.evidenceFiles()) {
            out.printf("%s (%s%s): %d records%n", f.file(), f.kind(), f.format() != null ? ", " + f.format() : "", f.records());
        }
        if (a.attempts().isEmpty()) {
            out.println(a.capture() != null ? "\nNo authentication attempt found." : "");
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
        if (!a.diagnostics().isEmpty()) {
            out.printf("%n%d diagnostics; first: %s%n", a.diagnostics().size(), describe(a.diagnostics().get(0)));
        }
    }

    private static String describe(Diagnostic d) {
        return (d.frame() > 0 ? "frame " + d.frame() + " " : "") + d.protocol() + ": " + d.message();
    }
}
