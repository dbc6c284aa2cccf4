package org.kerbscope.evidence.windows.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.evidence.windows.SecurityEventLogImporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every Security event of the reference corpus (real .evtx files from public repositories and their wevtutil-form
 * XML) read as python-evtx reads it, compared the way ../shared/tools/evidence_conformance.py compares: matched by
 * (recordId, eventId); eventId, time (normalised like norm_time), computer and every data value equal.
 */
class EventLogConformanceTest {

    static String normTime(String t) {
        String s = (t == null ? "" : t).replace(' ', 'T');
        s = stripRight(s, 'Z');
        s = stripRight(s, '0');
        return stripRight(s, '.');
    }

    private static String stripRight(String s, char c) {
        int e = s.length();
        while (e > 0 && s.charAt(e - 1) == c) {
            e--;
        }
        return s.substring(0, e);
    }

    @Test
    void everyCorpusEventAgreesWithPythonEvtx() throws IOException {
        Optional<Path> shared = Fixtures.shared();
        if (shared.isEmpty()) {
            System.out.println("EventLogConformanceTest skipped: ../shared (the reference corpus) is not beside the repository");
        }
        Assumptions.assumeTrue(shared.isPresent(), "the reference corpus (../shared) is absent");
        Path root = shared.get().resolve("corpus/evidence");
        Path expectedRoot = root.resolve("expected");
        ObjectMapper json = new ObjectMapper();
        List<Path> expectations;
        try (Stream<Path> s = Files.walk(expectedRoot)) {
            expectations = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(expectations.size() > 0, "no expectations under " + expectedRoot);
        int total = 0;
        int agreed = 0;
        int recordCountsRight = 0;
        List<String> problems = new ArrayList<>();
        SecurityEventLogImporter importer = new SecurityEventLogImporter();
        for (Path exp : expectations) {
            String rel = expectedRoot.relativize(exp).toString();
            rel = rel.substring(0, rel.length() - ".json".length());
            Path file = root.resolve("files").resolve(rel);
            JsonNode want = json.readTree(exp.toFile());
            Fixtures.Result got = Fixtures.run(importer, file);
            Map<String, EvidenceItem> byKey = new HashMap<>();
            for (EvidenceItem i : got.section("events")) {
                byKey.put(i.fields().get("recordId") + "/" + i.fields().get("eventId"), i);
            }
            if (got.file().records() == want.get("records").asInt()) {
                recordCountsRight++;
            } else {
                problems.add(rel + ": " + got.file().records() + " records read, python-evtx read "
                        + want.get("records").asInt());
            }
            for (JsonNode w : want.get("events")) {
                total++;
                EvidenceItem have = byKey.get(w.get("recordId").asLong() + "/" + w.get("eventId").asInt());
                if (have == null) {
                    problems.add(rel + ": missing record " + w.get("recordId") + " (" + w.get("eventId") + ")");
                    continue;
                }
                List<String> diffs = new ArrayList<>();
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) have.fields().get("data");
                for (Iterator<Map.Entry<String, JsonNode>> it = w.get("data").fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String h = String.valueOf(data.get(e.getKey()));
                    if (!h.equals(e.getValue().asText())) {
                        diffs.add(e.getKey() + " (" + h + " vs " + e.getValue().asText() + ")");
                    }
                }
                if (!normTime(w.get("time").asText()).equals(normTime((String) have.fields().get("time")))) {
                    diffs.add("time (" + have.fields().get("time") + " vs " + w.get("time").asText() + ")");
                }
                if (!w.get("computer").asText().equals(have.fields().get("computer"))) {
                    diffs.add("computer");
                }
                if (diffs.isEmpty()) {
                    agreed++;
                } else {
                    problems.add(rel + ": record " + w.get("recordId") + " differs in " + diffs);
                }
            }
        }
        System.out.printf("evidence conformance: %d/%d events agree, %d/%d files with python-evtx's record count%n",
                agreed, total, recordCountsRight, expectations.size());
        problems.stream().limit(40).forEach(p -> System.out.println("   " + p));
        assertEquals(total, agreed, "events agreeing with python-evtx; first problems: "
                + problems.stream().limit(5).toList());
        assertEquals(expectations.size(), recordCountsRight, "files whose record count agrees");
    }
}
