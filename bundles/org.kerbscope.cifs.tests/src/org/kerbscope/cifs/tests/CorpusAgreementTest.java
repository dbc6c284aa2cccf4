package org.kerbscope.cifs.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * The smb2 facts, and the Kerberos/NTLM facts carried by SMB2 and SMB1, of the reference corpus compared with
 * tshark's reading (expected/*.json) the way ../shared/tools/conformance.py compares them: keyed by frame and
 * kind, every field tshark has must be equal. Skipped, with the reason printed, without the corpus.
 */
class CorpusAgreementTest {
    private static final Set<String> CARRIERS = Set.of("smb", "smb2");
    private static final ObjectMapper OM = new ObjectMapper();

    static Path corpus() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(c.resolve("expected"))) {
                return c;
            }
        }
        Path fixed = Path.of("/work/shared/corpus");
        return Files.isDirectory(fixed.resolve("expected")) ? fixed : null;
    }

    @Test
    void smbFactsAgreeWithTshark() throws Exception {
        Path corpus = corpus();
        if (corpus == null) {
            System.out.println("CorpusAgreementTest skipped: the reference corpus (../shared/corpus) is not here");
            Assumptions.assumeTrue(false, "no reference corpus");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus.resolve("expected"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        int[] smb = new int[2];
        int[] carried = new int[2];
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            JsonNode exp = OM.readTree(f.toFile());
            List<JsonNode> smb2 = list(exp.path("smb2"));
            List<JsonNode> krb = carriedBySmb(exp.path("kerberos"));
            List<JsonNode> ntlm = carriedBySmb(exp.path("ntlm"));
            if (smb2.isEmpty() && krb.isEmpty() && ntlm.isEmpty()) {
                continue;
            }
            String rel = corpus.resolve("expected").relativize(f).toString();
            Path capture = corpus.resolve("captures").resolve(rel.substring(0, rel.length() - 5));
            Analysis a = analyze(analyzer, capture);
            compare(rel, smb2, a.events("smb2"), List.of("command", "kind"), List.of("status"), smb, problems);
            compare(rel, krb, a.events("kerberos"), List.of("msgType"),
                    List.of("carrier", "errorCode", "realm", "cname", "sname", "etypes"), carried, problems);
            compare(rel, ntlm, a.events("ntlm"), List.of("messageType"), List.of("domain", "user", "workstation"), carried,
                    problems);
        }
        System.out.printf("smb2 facts: %d of %d agree; kerberos/ntlm carried by smb2/smb: %d of %d agree%n", smb[1], smb[0],
                carried[1], carried[0]);
        problems.forEach(p -> System.out.println("  " + p));
        assertTrue(smb[0] > 0 && carried[0] > 0, "the corpus holds SMB facts");
        assertTrue(smb[1] * 100 >= smb[0] * 99, smb[1] + " of " + smb[0] + " smb2 facts agree: " + problems);
        assertTrue(carried[1] * 100 >= carried[0] * 99, carried[1] + " of " + carried[0] + " carried facts agree: " + problems);
    }

    private static Analysis analyze(Analyzer analyzer, Path capture) throws IOException {
        return analyzer.analyze(capture, capture.toString(), List.of(), Progress.NONE);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<JsonNode> carriedBySmb(JsonNode array) {
        return list(array).stream().filter(n -> CARRIERS.contains(n.path("carrier").asText())).toList();
    }

    private static void compare(String rel, List<JsonNode> expected, List<Event> actual, List<String> keys,
            List<String> fields, int[] tally, List<String> problems) {
        Map<String, List<JsonNode>> found = new HashMap<>();
        for (Event e : actual) {
            JsonNode n = OM.valueToTree(e.fields());
            found.computeIfAbsent(key(e.frame(), n, keys), k -> new ArrayList<>()).add(n);
        }
        for (JsonNode e : expected) {
            tally[0]++;
            String k = key(e.path("frame").asLong(), e, keys);
            List<JsonNode> got = found.get(k);
            if (got == null || got.isEmpty()) {
                problems.add(rel + ": missing " + k);
                continue;
            }
            JsonNode a = got.remove(0);
            List<String> diffs = new ArrayList<>();
            for (String f : fields) {
                if (!same(e.get(f), a.get(f))) {
                    diffs.add(f + " expected " + e.get(f) + " got " + a.get(f));
                }
            }
            if (diffs.isEmpty()) {
                tally[1]++;
            } else {
                problems.add(rel + ": " + k + " differs: " + diffs);
            }
        }
    }

    private static String key(long frame, JsonNode n, List<String> keys) {
        StringBuilder s = new StringBuilder().append(frame);
        for (String k : keys) {
            s.append('/').append(n.path(k).asText().toUpperCase(java.util.Locale.ROOT));
        }
        return s.toString();
    }

    /** As conformance.py: nothing expected agrees with anything; an empty NTLM string is Wireshark's NULL. */
    private static boolean same(JsonNode e, JsonNode a) {
        if (e == null || e.isNull() || (e.isTextual() && (e.asText().isEmpty() || "NULL".equals(e.asText())))) {
            return true;
        }
        if (a == null || a.isNull()) {
            return false;
        }
        if (e.isArray()) {
            if (!a.isArray() || a.size() != e.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (!same(e.get(i), a.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (e.isNumber()) {
            return a.isNumber() && e.asLong() == a.asLong();
        }
        return e.asText().equals(a.asText());
    }
}
