package org.kerbscope.engine.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.CaptureInfo;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.StepResult;

/** The analysis as the JSON document of ANALYSIS-JSON.md (the CLI's machine-readable contract). */
public final class JsonReport {
    /** Arrays every document has, even empty; plug-ins' protocols are added when they produced events. */
    private static final List<String> BASE = List.of("kerberos", "http", "ntlm", "dns");
    /**
     * The document's generators come from a factory of Jackson's streaming core: the object mapper (data binding) loads
     * and sets up some 400 classes, which cost the command line a fifth of a second or more between the reading and
     * the first event written, and is only needed for trees and values of uncommon types.
     */
    private static final JsonFactory FACTORY = new JsonFactory();

    /** Made on first use (see {@link #FACTORY}). */
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private JsonReport() {
    }

    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    /**
     * A generator of documents into {@code out}: pretty-printed as Jackson's default printer lays them out
     * ({@code --format json}), or each on one line ({@code --format jsonl}). It closes {@code out} when closed.
     */
    public static JsonGenerator generator(java.io.OutputStream out, boolean pretty) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        if (pretty) {
            g.setPrettyPrinter(new JsonPrettyPrinter());
        }
        return g;
    }

    /** The text of the last second formatted, shared by the events of that second (most of a capture's). */
    private record Second(long epochSecond, String prefix) {
    }

    private static volatile Second lastSecond = new Second(0, "1970-01-01T00:00:00");

    /**
     * A capture time as {@link Instant#toString()} writes it (ISO-8601, UTC, the fraction in groups of three digits
     * as needed). The date and time of day are formatted once per second: a large capture's hundreds of thousands
     * of events would otherwise spend a good part of the document's writing time in the JDK's formatter.
     */
    public static String time(long nanos) {
        char[] text = new char[TIME_CHARS];
        return new String(text, 0, time(nanos, text));
    }

    /** The longest time {@link #time(long, char[])} writes: {@code 2262-04-11T23:47:16.854775807Z}. */
    static final int TIME_CHARS = 30;

    /**
     * {@link #time(long)} into {@code out} (at least {@link #TIME_CHARS} long), for the document's hundreds of
     * thousands of event times, which need no string of their own.
     *
     * @return the number of characters written
     */
    static int time(long nanos, char[] out) {
        long sec = Math.floorDiv(nanos, 1_000_000_000L);
        int n = (int) Math.floorMod(nanos, 1_000_000_000L);
        Second s = lastSecond;
        if (s.epochSecond() != sec) {
            // nanoseconds in a long reach the years 1677-2262 only: always four digits, never null
            s = new Second(sec, org.kerbscope.core.spi.IsoTime.dateAndTime(sec));
            lastSecond = s;
        }
        String prefix = s.prefix();
        int len = prefix.length();
        prefix.getChars(0, len, out, 0);
        if (n != 0) {
            int digits, value;
            if (n % 1_000_000 == 0) {
                digits = 3;
                value = n / 1_000_000;
            } else if (n % 1000 == 0) {
                digits = 6;
                value = n / 1000;
            } else {
                digits = 9;
                value = n;
            }
            out[len] = '.';
            for (int i = len + digits; i > len; i--) { // the digits from the last, zero-padded on the left
                out[i] = (char) ('0' + value % 10);
                value /= 10;
            }
            len += digits + 1;
        }
        out[len++] = 'Z';
        return len;
    }

    /** The document as a tree (for tests and callers that edit it); {@link #write} streams the same document. */
    public static ObjectNode toJson(Analysis a) {
        try (TokenBuffer buffer = new TokenBuffer(mapper(), false)) {
            write(a, buffer);
            return (ObjectNode) mapper().readTree(buffer.asParser(mapper()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a token buffer does no I/O
        }
    }

    /**
     * Writes the document, streaming: a capture of gigabytes has hundreds of thousands of events, and a tree of
     * them would hold several times the memory of the analysis itself.
     */
    public static void write(Analysis a, JsonGenerator g) throws IOException {
        write(a, g, () -> {
        });
    }

    /**
     * Writes the document, calling {@code diagnosed} after the events and before the attempts: the events can go
     * out while the diagnosis, which only reads them, still runs on another thread.
     *
     * @param diagnosed returns once the attempts, findings and diagnostics of {@code a} are complete
     */
    public static void write(Analysis a, JsonGenerator g, Runnable diagnosed) throws IOException {
        g.writeStartObject();
        CaptureInfo c = a.capture();
        if (c == null) {
            g.writeNullField("capture");
        } else {
            g.writeObjectFieldStart("capture");
            g.writeStringField("file", c.file());
            g.writeStringField("format", c.format());
            g.writeNumberField("frames", c.frames());
            if (c.frames() > 0) {
                g.writeStringField("start", time(c.startNanos()));
                g.writeStringField("end", time(c.endNanos()));
            }
            g.writeEndObject();
        }
        // messages quoted in ICMP errors join their protocols' arrays at their frames, as Wireshark lists them
        Map<String, List<Event>> quoted = new java.util.LinkedHashMap<>();
        for (Event q : a.quoted()) {
            quoted.computeIfAbsent(q.protocol(), k -> new java.util.ArrayList<>()).add(q);
        }
        for (String p : BASE) {
            events(g, p, a.events(p), quoted.remove(p));
        }
        for (Map.Entry<String, List<Event>> e : a.events().entrySet()) {
            if (!BASE.contains(e.getKey())) {
                events(g, e.getKey(), e.getValue(), quoted.remove(e.getKey()));
            }
        }
        for (Map.Entry<String, List<Event>> e : quoted.entrySet()) {
            events(g, e.getKey(), List.of(), e.getValue());
        }
        diagnosed.run();
        g.writeArrayFieldStart("attempts");
        for (AuthAttempt at : a.attempts()) {
            attempt(g, at);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("findings");
        for (Finding f : a.findings()) {
            finding(g, f);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("evidence");
        g.writeArrayFieldStart("files");
        for (EvidenceFile ef : a.evidenceFiles()) {
            g.writeStartObject();
            g.writeStringField("file", ef.file());
            g.writeStringField("kind", ef.kind());
            put(g, "format", ef.format());
            g.writeNumberField("records", ef.records());
            g.writeArrayFieldStart("diagnostics");
            for (Diagnostic x : ef.diagnostics()) {
                g.writeStartObject();
                if (x.frame() > 0) {
                    g.writeNumberField("line", x.frame());
                }
                g.writeStringField("message", x.message());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        // the sections every document has, then the others in the order their first item came
        Map<String, List<EvidenceItem>> sections = new LinkedHashMap<>();
        for (String section : List.of("events", "tickets", "dns", "portTests", "spns")) {
            sections.put(section, new ArrayList<>());
        }
        for (EvidenceItem item : a.evidence()) {
            sections.computeIfAbsent(item.section(), k -> new ArrayList<>()).add(item);
        }
        for (Map.Entry<String, List<EvidenceItem>> section : sections.entrySet()) {
            g.writeArrayFieldStart(section.getKey());
            for (EvidenceItem item : section.getValue()) {
                g.writeStartObject();
                g.writeStringField("file", item.file());
                for (Map.Entry<String, Object> f : item.fields().entrySet()) {
                    if (!"file".equals(f.getKey())) {
                        g.writeFieldName(f.getKey());
                        value(g, f.getValue());
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeArrayFieldStart("diagnostics");
        for (Diagnostic d : a.diagnostics()) {
            g.writeStartObject();
            if (d.frame() > 0) {
                g.writeNumberField("frame", d.frame());
            }
            g.writeStringField("protocol", d.protocol());
            g.writeStringField("message", d.message());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** One attempt (a method of its own, compiled after a few hundred attempts instead of interpreted). */
    private static void attempt(JsonGenerator g, AuthAttempt at) throws IOException {
        g.writeStartObject();
        g.writeStringField("client", at.client());
        g.writeStringField("server", at.server().toString());
        g.writeStringField("service", at.service());
        put(g, "host", at.host());
        put(g, "spn", at.spn());
        put(g, "user", at.user());
        g.writeStringField("outcome", at.outcome().id());
        g.writeArrayFieldStart("steps");
        for (StepResult s : at.steps()) {
            g.writeStartObject();
            g.writeStringField("step", s.step().id());
            g.writeStringField("status", s.status().id());
            g.writeArrayFieldStart("frames");
            for (long f : s.frames()) {
                g.writeNumber(f);
            }
            g.writeEndArray();
            put(g, "note", s.note());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** One finding (a method of its own, as {@link #attempt}). */
    private static void finding(JsonGenerator g, Finding f) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", f.id());
        g.writeStringField("severity", f.severity().id());
        put(g, "step", f.step() != null ? f.step().id() : null);
        if (f.attempt() >= 0) {
            g.writeNumberField("attempt", f.attempt());
        } else {
            g.writeNullField("attempt"); // the contract's null for a field that does not apply (the model's -1)
        }
        g.writeStringField("title", f.title());
        g.writeStringField("explanation", f.explanation());
        g.writeArrayFieldStart("evidence");
        for (Finding.Evidence e : f.evidence()) {
            g.writeStartObject();
            if (e.frame() > 0) {
                g.writeNumberField("frame", e.frame());
            }
            put(g, "file", e.file());
            g.writeStringField("what", e.what());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("remediation");
        for (String r : f.remediation()) {
            g.writeString(r);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static final SerializedString FRAME = new SerializedString("frame"), TIME = new SerializedString("time"),
            SRC = new SerializedString("src"), DST = new SerializedString("dst");

    /**
     * Hundreds of thousands of events on a large capture: their field names (the dissectors' constants, a few dozen)
     * are quoted and encoded once each, and the fields are walked without a map view.
     */
    private static void events(JsonGenerator g, String name, List<Event> events, List<Event> quoted) throws IOException {
        g.writeArrayFieldStart(name);
        Map<String, SerializedString> names = new IdentityHashMap<>();
        char[] text = new char[64];
        if (quoted == null) {
            for (Event e : events) {
                event(g, e, names, text);
            }
        } else {
            // both in frame order: merged (a quote's frame is an ICMP message's, which carries no other message)
            int q = 0;
            for (Event e : events) {
                for (; q < quoted.size() && quoted.get(q).frame() < e.frame(); q++) {
                    event(g, quoted.get(q), names, text);
                }
                event(g, e, names, text);
            }
            for (; q < quoted.size(); q++) {
                event(g, quoted.get(q), names, text);
            }
        }
        g.writeEndArray();
    }

    /**
     * One event. A method of its own, so that the JIT compiles it once: inside the loop over hundreds of thousands
     * of events, it was compiled twice (on-stack replacement of the loop, then the whole method), the largest
     * compilations of a run. Times and endpoints are written from {@code text}, without a string each.
     */
    private static void event(JsonGenerator g, Event e, Map<String, SerializedString> names, char[] text)
            throws IOException {
        g.writeStartObject();
        g.writeFieldName(FRAME);
        g.writeNumber(e.frame());
        g.writeFieldName(TIME);
        g.writeString(text, 0, time(e.timeNanos(), text));
        if (e.src() != null) {
            g.writeFieldName(SRC);
            endpoint(g, e.src(), text);
            g.writeFieldName(DST);
            endpoint(g, e.dst(), text);
        }
        for (int i = 0, n = e.fieldCount(); i < n; i++) {
            String k = e.fieldName(i);
            SerializedString s = names.get(k);
            if (s == null) {
                s = new SerializedString(k);
                if (names.size() < 1024) {
                    names.put(k, s);
                }
            }
            g.writeFieldName(s);
            value(g, e.fieldValue(i));
        }
        g.writeEndObject();
    }

    private static void endpoint(JsonGenerator g, org.kerbscope.core.model.Endpoint e, char[] text)
            throws IOException {
        int len = e.text(text);
        if (len < 0) {
            g.writeString(e.toString());
        } else {
            g.writeString(text, 0, len);
        }
    }

    private static void put(JsonGenerator g, String k, String v) throws IOException {
        if (v != null) {
            g.writeStringField(k, v);
        }
    }

    /** The common value types written directly (the mapper's general path costs a buffer per value). */
    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object x : list) {
                value(g, x);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> x : map.entrySet()) {
                g.writeFieldName(String.valueOf(x.getKey()));
                value(g, x.getValue());
            }
            g.writeEndObject();
        } else {
            mapper().writeValue(g, v);
        }
    }

    /** Any event or evidence value (String, Number, Boolean, List, Map, or null) as JSON. */
    public static JsonNode value(Object v) {
        return mapper().valueToTree(v);
    }
}
