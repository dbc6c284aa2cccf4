package org.kerbscope.core.model;

import java.util.List;

/**
 * One outside file that was imported: its kind ({@code eventlog}, {@code klist}, {@code dns}, {@code port-test},
 * {@code setspn}, {@code web-request}, {@code auditpol}), its format, how many records it gave, and the lines
 * that could not be read.
 */
public record EvidenceFile(String file, String kind, String format, int records, List<Diagnostic> diagnostics) {
    public EvidenceFile {
        diagnostics = List.copyOf(diagnostics);
    }
}
