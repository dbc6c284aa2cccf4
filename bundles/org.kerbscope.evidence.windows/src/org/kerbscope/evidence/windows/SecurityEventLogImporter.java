package org.kerbscope.evidence.windows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.evidence.windows.evtx.EvtxReader;
import org.kerbscope.evidence.windows.evtx.EvtxRecord;
import org.kerbscope.evidence.windows.evtx.Values;
import org.kerbscope.evidence.windows.evtx.XElement;
import org.kerbscope.evidence.windows.internal.Collector;
import org.kerbscope.evidence.windows.internal.EventTextReader;
import org.kerbscope.evidence.windows.internal.EventXmlReader;
import org.kerbscope.evidence.windows.internal.LocalTimes;
import org.kerbscope.evidence.windows.internal.SecurityEvents;
import org.kerbscope.evidence.windows.internal.Text;

/**
 * The Security event log: .evtx files read directly, XML as Event Viewer saves it or {@code wevtutil qe Security
 * /f:xml} prints it, and Event Viewer's "copy details as text". Emits one {@code events} item per logon, logoff,
 * Kerberos and NTLM event ({@link SecurityEvents#IDS}); the file's record count covers every record read.
 */
public final class SecurityEventLogImporter implements EvidenceImporter {
    static final String KIND = "eventlog";

    @Override
    public int recognise(String fileName, byte[] head) {
        try {
            if (EvtxReader.isEvtx(head)) {
                return 100;
            }
            String text = Text.head(head);
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
            if (text.contains("<Event") && text.contains("schemas.microsoft.com/win/2004/08/events/event")) {
                return 95;
            }
            if (text.contains("<Event") && text.contains("<EventID")) {
                return 85;
            }
            if (EventTextReader.looksLike(text)) {
                return 80;
            }
            if (name.endsWith(".evtx")) {
                return 40;
            }
            return 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        Collector c = new Collector(sink, file, KIND);
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (EvtxReader.isEvtx(head) || (name.endsWith(".evtx") && !Text.head(head).contains("<Event"))) {
            readEvtx(file, c);
            return;
        }
        String text = Text.head(head);
        if (text.contains("<Event")) {
            readXml(file, c);
            return;
        }
        Text.Content content = Text.read(file);
        if (EventTextReader.looksLike(content.text())) {
            readText(content, c);
            return;
        }
        c.diagnostic(0, "this is not a Security event log (.evtx, event XML, or Event Viewer's text of an event)");
        c.finish("text", 0);
    }

    private static void readEvtx(Path file, Collector c) throws IOException {
        long[] records = {0};
        EvtxReader.read(file, new EvtxReader.Listener() {
            @Override
            public void record(EvtxRecord r) {
                records[0]++;
                emit(c, r.event(), r.recordId(), Values.filetime(r.writtenFiletime()));
            }

            @Override
            public void problem(String message) {
                c.diagnostic(0, message);
            }
        });
        c.finish("evtx", (int) Math.min(Integer.MAX_VALUE, records[0]));
    }

    private static void readXml(Path file, Collector c) throws IOException {
        int parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = EventXmlReader.read(in, new EventXmlReader.Handler() {
                @Override
                public void event(XElement event, int line) {
                    if (!emit(c, event, -1, null) && event.child("System") == null) {
                        c.diagnostic(line, "this <Event> element has no <System> part and is skipped");
                    }
                }

                @Override
                public void problem(int line, String message) {
                    c.diagnostic(line, message);
                }
            });
        }
        c.finish("xml", parsed);
    }

    private static void readText(Text.Content content, Collector c) {
        var events = EventTextReader.read(Text.lines(content.text()), c);
        for (EventTextReader.TextEvent e : events) {
            Map<String, String> h = e.header();
            int id;
            try {
                id = Integer.parseInt(h.getOrDefault("Event ID", "").trim());
            } catch (NumberFormatException ex) {
                c.diagnostic(e.line(), "the event has no numeric \"Event ID:\" and is skipped");
                continue;
            }
            SecurityEvents.Extracted x = new SecurityEvents.Extracted(-1, id, LocalTimes.parse(h.get("Date")),
                    h.get("Computer"), h.get("Source"), e.data());
            if (SecurityEvents.wanted(x)) {
                Map<String, Object> f = SecurityEvents.fields(c, x);
                f.put("line", e.line());
                if (h.get("Keywords") != null) {
                    f.put("keywords", h.get("Keywords"));
                }
                if (h.get("Task Category") != null) {
                    f.put("taskCategory", h.get("Task Category"));
                }
                c.item("events", f);
            }
        }
        if (content.truncated()) {
            c.diagnostic(0, "only the first " + (Text.MAX_BYTES >> 20) + " MiB of the file were read");
        }
        c.finish("text", events.size());
    }

    /** Emits the event when it is one of the reported ids; false when it has no usable System part. */
    private static boolean emit(Collector c, XElement event, long recordId, String fallbackTime) {
        SecurityEvents.Extracted x = SecurityEvents.extract(event, recordId, fallbackTime);
        if (x == null) {
            return false;
        }
        if (SecurityEvents.wanted(x)) {
            c.item("events", SecurityEvents.fields(c, x));
        }
        return true;
    }
}
