package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * A finding's {@code attempt} in the JSON document: the index of the attempt it concerns, or null (ANALYSIS-JSON:
 * fields that do not apply are omitted or null), never a number that indexes nothing.
 */
class FindingAttemptJsonTest {

    @Test
    void anUnknownSpnNamesItsAttemptAndTheNormalPreauthRoundNone() throws IOException {
        JsonNode doc = UnionTest.document(UnionTest.sample("spn-unknown.pcapng"));
        JsonNode spn = finding(doc, "kerberos.spn-unknown");
        assertEquals(0, spn.get("attempt").asInt(), spn.toString());
        assertEquals("ticket", doc.get("attempts").get(spn.get("attempt").asInt()).get("steps").get(5).get("step").asText());
        JsonNode preauth = finding(doc, "kerberos.preauth-required");
        assertTrue(preauth.has("attempt") && preauth.get("attempt").isNull(), preauth.toString());
        for (JsonNode f : doc.get("findings")) {
            JsonNode at = f.get("attempt");
            assertTrue(at.isNull() || at.asInt() >= 0 && at.asInt() < doc.get("attempts").size(), f.toString());
        }
    }

    private static JsonNode finding(JsonNode doc, String id) {
        for (JsonNode f : doc.get("findings")) {
            if (f.get("id").asText().equals(id)) {
                return f;
            }
        }
        throw new AssertionError(id + " not among " + doc.get("findings"));
    }
}
