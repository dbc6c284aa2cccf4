package org.kerbscope.engine.report;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.StepResult;

/**
 * One self-contained HTML file (inline CSS and SVG, no script, no external request) that can be mailed to a
 * customer: the flow of each attempt, the findings with their fixes, and the evidence. Events never hold key or
 * cipher bytes, so nothing secret can reach the report; {@code redact} also drops the raw evidence values that
 * may carry response hashes.
 */
public final class HtmlReport {
    /** Diagnostics listed at most (a hostile capture can have one per frame). */
    private static final int MAX_DIAGNOSTICS = 200;

    private HtmlReport() {
    }

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    public static String render(Analysis a, boolean redact) {
        StringBuilder b = new StringBuilder();
        String title = a.capture() != null ? a.capture().file() : "outside evidence";
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
                .append("<title>Kerbscope report — ").append(esc(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.4em}h2{font-size:1.2em;margin-top:1.6em}")
                .append(".error{color:#c62828}.warning{color:#ef6c00}.info{color:#1565c0}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:.9em}code,pre{background:#f5f5f5;padding:2px 4px}")
                .append("svg.flow text{font-size:12px;font-family:sans-serif}svg.flow text.lane{font-weight:bold;font-size:14px}")
                .append(".finding{border-left:4px solid #ccc;padding:.3em 1em;margin:1em 0}.finding.sev-error{border-color:#c62828}")
                .append(".finding.sev-warning{border-color:#ef6c00}.finding.sev-info{border-color:#1565c0}")
                .append("</style></head><body>\n<h1>Kerbscope report — ").append(esc(title)).append("</h1>\n");
        if (a.capture() != null) {
            b.append("<p>").append(esc(a.capture().format())).append(", ").append(a.capture().frames()).append(" frames");
            if (a.capture().frames() > 0) {
                b.append(", ").append(JsonReport.time(a.capture().startNanos())).append(" – ").append(JsonReport.time(a.capture().endNanos()));
            }
            b.append("</p>\n");
        }
        long errors = a.findings().stream().filter(f -> f.severity().id().equals("error")).count();
        b.append("<p class=\"summary\">").append(a.attempts().size()).append(" authentication attempt(s), ")
                .append(a.findings().size()).append(" finding(s), ").append(errors).append(" error(s).</p>\n");
        for (AuthAttempt at : a.attempts()) {
            b.append("<h2 id=\"attempt-").append(at.index()).append("\">Attempt ").append(at.index()).append(": ")
                    .append(esc(at.client())).append(" → ").append(esc(at.server().toString())).append(" (").append(esc(at.service()))
                    .append(") — ").append(esc(at.outcome().id())).append("</h2>\n");
            if (at.spn() != null) {
                b.append("<p>SPN <code>").append(esc(at.spn())).append("</code>");
                if (at.user() != null) {
                    b.append(", user <code>").append(esc(at.user())).append("</code>");
                }
                b.append("</p>\n");
            }
            b.append(FlowDiagram.svg(at)).append("\n<table><tr><th>#</th><th>step</th><th>status</th><th>frames</th><th>note</th></tr>\n");
            for (StepResult s : at.steps()) {
                b.append("<tr class=\"").append(s.status().id()).append("\"><td>").append(s.step().number()).append("</td><td>")
                        .append(esc(s.step().title())).append("</td><td>").append(esc(s.status().id())).append("</td><td>")
                        .append(esc(s.frames().toString())).append("</td><td>").append(esc(s.note())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("<h2>Findings</h2>\n");
        if (a.findings().isEmpty()) {
            b.append("<p>No finding.</p>\n");
        }
        for (Finding f : a.findings()) {
            b.append("<div class=\"finding sev-").append(f.severity().id()).append("\" data-id=\"").append(esc(f.id())).append("\">")
                    .append("<h3 class=\"").append(f.severity().id()).append("\">").append(esc(f.severity().id().toUpperCase()))
                    .append(" — ").append(esc(f.title())).append(" <small><code>").append(esc(f.id())).append("</code></small></h3>")
                    .append("<p>").append(esc(f.explanation())).append("</p><ul>");
            for (Finding.Evidence e : f.evidence()) {
                b.append("<li>").append(e.frame() > 0 ? "frame " + e.frame() : esc(e.file())).append(": ").append(esc(e.what())).append("</li>");
            }
            b.append("</ul>");
            if (!f.remediation().isEmpty()) {
                b.append("<p>Fix:</p><pre>");
                f.remediation().forEach(r -> b.append(esc(r)).append('\n'));
                b.append("</pre>");
            }
            b.append("</div>\n");
        }
        if (!a.evidenceFiles().isEmpty()) {
            b.append("<h2>Evidence</h2>\n<ul>");
            for (EvidenceFile f : a.evidenceFiles()) {
                b.append("<li>").append(esc(f.file())).append(" (").append(esc(f.kind())).append("): ").append(f.records())
                        .append(" records").append(f.diagnostics().isEmpty() ? "" : ", " + f.diagnostics().size() + " unreadable lines")
                        .append("</li>");
            }
            b.append("</ul>\n");
            int shown = 0;
            for (EvidenceItem item : a.evidence()) {
                if (shown++ >= 200) {
                    b.append("<p>… ").append(a.evidence().size() - 200).append(" more records</p>");
                    break;
                }
                Object summary = item.fields().get("summary");
                String text = summary != null ? summary.toString() : redact ? item.section() + " record" : item.fields().toString();
                b.append("<p><small>").append(esc(item.section())).append("</small> ").append(esc(text)).append("</p>\n");
            }
        }
        if (!a.diagnostics().isEmpty()) {
            // what could not be read (malformed PDUs, a damaged capture, services no installed plug-in reads)
            b.append("<h2>Diagnostics</h2>\n<ul>");
            int shown = 0;
            for (Diagnostic d : a.diagnostics()) {
                if (shown++ >= MAX_DIAGNOSTICS) {
                    b.append("<li>… ").append(a.diagnostics().size() - MAX_DIAGNOSTICS).append(" more (the JSON report lists them all)</li>");
                    break;
                }
                b.append("<li>").append(d.frame() > 0 ? "frame " + d.frame() + " " : "").append("<code>").append(esc(d.protocol()))
                        .append("</code>: ").append(esc(d.message())).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        b.append("<p><small>Made by Kerbscope. Ticket cipher text, keys and NTLM responses are never included.</small></p>\n");
        b.append("</body></html>");
        return b.toString();
    }
}
