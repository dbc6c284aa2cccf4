package org.kerbscope.evidence.windows.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.spi.EvidenceImporter.Sink;

/**
 * One import into a sink: adds the file to every item, numbers diagnostics by line ({@code line 17: …}) under the
 * importer's kind, and ends with the file's summary.
 */
public final class Collector {
    /** Diagnostics beyond this many are counted, not listed: a wrong file must not flood the report. */
    public static final int MAX_DIAGNOSTICS = 200;

    private final Sink sink;
    private final String file;
    private final String kind;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private int suppressed;
    private int items;

    public Collector(Sink sink, Path file, String kind) {
        this.sink = sink;
        this.file = file.toString();
        this.kind = kind;
    }

    public String file() {
        return file;
    }

    /** A new field map that already holds the file. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        return m;
    }

    public void item(String section, Map<String, Object> fields) {
        fields.putIfAbsent("file", file);
        items++;
        sink.item(new EvidenceItem(section, file, fields));
    }

    public int items() {
        return items;
    }

    /** A line (1-based; 0 for the whole file) that could not be read, and why. */
    public void diagnostic(long line, String message) {
        if (diagnostics.size() >= MAX_DIAGNOSTICS) {
            suppressed++;
            return;
        }
        Diagnostic d = new Diagnostic(line, kind, line > 0 ? "line " + line + ": " + message : message);
        diagnostics.add(d);
        sink.diagnostic(d);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public void finish(String format, int records) {
        if (suppressed > 0) {
            Diagnostic d = new Diagnostic(0, kind, suppressed + " more lines could not be read (not listed)");
            diagnostics.add(d);
            sink.diagnostic(d);
        }
        sink.file(new EvidenceFile(file, kind, format, records, diagnostics));
    }
}
