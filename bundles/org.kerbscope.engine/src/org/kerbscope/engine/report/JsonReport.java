package org.kerbscope.engine.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonReport() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String time(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    public static ObjectNode toJson(Analysis a) {
        ObjectNode doc = F.objectNode();
        CaptureInfo c = a.capture();
        if (c == null) {
            doc.putNull("capture");
        } else {
            ObjectNode cap = doc.putObject("capture");
            cap.put("file", c.file());
            cap.put("format", c.format());
            cap.put("frames", c.frames());
            if (c.frames() > 0) {
                cap.put("start", time(c.startNanos()));
                cap.put("end", time(c.endNanos()));
            }
        }
        for (String p : BASE) {
            doc.set(p, events(a.events(p)));
        }
        for (Map.Entry<String, List<Event>> e : a.events().entrySet()) {
            if (!BASE.contains(e.getKey())) {
                doc.set(e.getKey(), events(e.getValue()));
            }
        }
        ArrayNode attempts = doc.putArray("attempts");
        for (AuthAttempt at : a.attempts()) {
            ObjectNode o = attempts.addObject();
            o.put("client", at.client());
            o.put("server", at.server().toString());
            o.put("service", at.service());
            put(o, "host", at.host());
            put(o, "spn", at.spn());
            put(o, "user", at.user());
            o.put("outcome", at.outcome().id());
            ArrayNode steps = o.putArray("steps");
            for (StepResult s : at.steps()) {
                ObjectNode so = steps.addObject();
                so.put("step", s.step().id());
                so.put("status", s.status().id());
                ArrayNode fr = so.putArray("frames");
                s.frames().forEach(fr::add);
                put(so, "note", s.note());
            }
        }
        ArrayNode findings = doc.putArray("findings");
        for (Finding f : a.findings()) {
            ObjectNode o = findings.addObject();
            o.put("id", f.id());
            o.put("severity", f.severity().id());
            put(o, "step", f.step() != null ? f.step().id() : null);
            o.put("attempt", f.attempt());
            o.put("title", f.title());
            o.put("explanation", f.explanation());
            ArrayNode ev = o.putArray("evidence");
            for (Finding.Evidence e : f.evidence()) {
                ObjectNode eo = ev.addObject();
                if (e.frame() > 0) {
                    eo.put("frame", e.frame());
                }
                put(eo, "file", e.file());
                eo.put("what", e.what());
            }
            ArrayNode fix = o.putArray("remediation");
            f.remediation().forEach(fix::add);
        }
        ObjectNode evidence = doc.putObject("evidence");
        ArrayNode files = evidence.putArray("files");
        for (EvidenceFile ef : a.evidenceFiles()) {
            ObjectNode o = files.addObject();
            o.put("file", ef.file());
            o.put("kind", ef.kind());
            put(o, "format", ef.format());
            o.put("records", ef.records());
            ArrayNode d = o.putArray("diagnostics");
            for (Diagnostic x : ef.diagnostics()) {
                ObjectNode dn = d.addObject();
                if (x.frame() > 0) {
                    dn.put("line", x.frame());
                }
                dn.put("message", x.message());
            }
        }
        for (String section : List.of("events", "tickets", "dns", "portTests", "spns")) {
            evidence.putArray(section);
        }
        for (EvidenceItem item : a.evidence()) {
            ArrayNode arr = evidence.has(item.section()) ? (ArrayNode) evidence.get(item.section())
                    : evidence.putArray(item.section());
            ObjectNode o = arr.addObject();
            o.put("file", item.file());
            item.fields().forEach((k, v) -> {
                if (!"file".equals(k)) {
                    o.set(k, value(v));
                }
            });
        }
        ArrayNode diags = doc.putArray("diagnostics");
        for (Diagnostic d : a.diagnostics()) {
            ObjectNode o = diags.addObject();
            if (d.frame() > 0) {
                o.put("frame", d.frame());
            }
            o.put("protocol", d.protocol());
            o.put("message", d.message());
        }
        return doc;
    }

    private static ArrayNode events(List<Event> events) {
        ArrayNode arr = F.arrayNode();
        for (Event e : events) {
            ObjectNode o = arr.addObject();
            o.put("frame", e.frame());
            o.put("time", time(e.timeNanos()));
            if (e.src() != null) {
                o.put("src", e.src().toString());
                o.put("dst", e.dst().toString());
            }
            e.fields().forEach((k, v) -> o.set(k, value(v)));
        }
        return arr;
    }

    private static void put(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    /** Any event or evidence value (String, Number, Boolean, List, Map, or null) as JSON. */
    public static JsonNode value(Object v) {
        return MAPPER.valueToTree(v);
    }
}
