package org.kerbscope.ldap.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Agreement with Wireshark's reading of the shared reference corpus (../shared/corpus/expected), compared the way
 * ../shared/tools/conformance.py does: the ldap facts (key frame, op, messageId; fields auth, mechanism,
 * resultCode) and the kerberos/ntlm facts carried by LDAP. Skipped when the corpus is not beside the repository.
 */
class CorpusAgreementTest {
    private static final String[][] SHAPES = { { "ldap", "op", "messageId", "auth", "mechanism", "resultCode" },
            { "kerberos", "msgType", null, "carrier", "errorCode", "realm", "cname", "sname" },
            { "ntlm", "messageType", null, "domain", "user", "workstation" } };

    @Test
    void ldapFactsAgreeWithWireshark() throws Exception {
        Path corpus = Workbench.repo().resolve("../shared/corpus").normalize();
        if (!Files.isDirectory(corpus.resolve("expected"))) {
            System.out.println("[ldap tests] no reference corpus at " + corpus + ": agreement test skipped");
        }
        Assumptions.assumeTrue(Files.isDirectory(corpus.resolve("expected")), "no reference corpus at " + corpus);
        ObjectMapper json = new ObjectMapper();
        int expected = 0, agreed = 0;
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus.resolve("expected"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path exp : files) {
            JsonNode doc = json.readTree(exp.toFile());
            List<JsonNode> wanted = new ArrayList<>();
            doc.path("ldap").forEach(wanted::add);
            for (String c : new String[] { "kerberos", "ntlm" }) {
                doc.path(c).forEach(n -> {
                    if ("ldap".equals(n.path("carrier").asText())) {
                        wanted.add(n);
                    }
                });
            }
            if (wanted.isEmpty()) {
                continue;
            }
            String rel = corpus.resolve("expected").relativize(exp).toString();
            Path capture = corpus.resolve("captures").resolve(rel.substring(0, rel.length() - ".json".length()));
            Analysis a = Workbench.analyze(capture);
            for (String[] shape : SHAPES) {
                List<JsonNode> exps = new ArrayList<>();
                doc.path(shape[0]).forEach(n -> {
                    if ("ldap".equals(shape[0]) || "ldap".equals(n.path("carrier").asText())) {
                        exps.add(n);
                    }
                });
                Map<String, List<Event>> found = new HashMap<>();
                for (Event e : a.events(shape[0])) {
                    found.computeIfAbsent(key(shape, e.frame(), e.fields().get(shape[1]),
                            shape[2] == null ? null : e.fields().get(shape[2])), k -> new ArrayList<>()).add(e);
                }
                for (JsonNode n : exps) {
                    expected++;
                    String k = key(shape, n.path("frame").asLong(), n.path(shape[1]).asText(),
                            shape[2] == null ? null : n.path(shape[2]).asLong());
                    List<Event> got = found.get(k);
                    if (got == null || got.isEmpty()) {
                        problems.add(rel + ": missing " + k);
                        continue;
                    }
                    Event e = got.remove(0);
                    List<String> diffs = new ArrayList<>();
                    for (int i = 3; i < shape.length; i++) {
                        JsonNode v = n.get(shape[i]);
                        if (v == null || v.isNull()) {
                            continue;
                        }
                        Object mine = e.fields().get(shape[i]);
                        String want = v.asText();
                        String have = mine == null ? null : String.valueOf(mine);
                        if ("ntlm".equals(shape[0]) && "NULL".equals(want)) {
                            want = "";
                        }
                        if ("ntlm".equals(shape[0]) && have == null) {
                            have = "";
                        }
                        if (!Objects.equals(want, have)) {
                            diffs.add(shape[i] + " expected " + want + " got " + have);
                        }
                    }
                    if (diffs.isEmpty()) {
                        agreed++;
                    } else {
                        problems.add(rel + ": " + k + " " + diffs);
                    }
                }
            }
        }
        System.out.println("[ldap tests] corpus agreement: " + agreed + "/" + expected + " ldap and LDAP-carried facts"
                + (problems.isEmpty() ? "" : "; disagreements: " + problems));
        assertTrue(expected > 0, "the corpus has LDAP facts");
        assertTrue(agreed * 100 >= expected * 99, agreed + "/" + expected + " agree: " + problems);
    }

    private static String key(String[] shape, long frame, Object kind, Object id) {
        return shape[0] + " " + frame + " " + String.valueOf(kind).toUpperCase(Locale.ROOT)
                + (id == null ? "" : " " + ((Number) (id instanceof Number ? id : Long.valueOf(id.toString()))).longValue());
    }
}
