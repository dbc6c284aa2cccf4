package org.kerbscope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.flow.Flows;

/**
 * A Host header or URL that holds an address instead of a name: Windows asks no ticket for it, so the attempt's
 * name-resolution step and the ticket step read differently.
 */
class IpLiteralTest {
    @Test
    void addressesAreLiteralsAndNamesAreNot() {
        for (String address : new String[] {"192.168.2.104", "10.0.0.1", "999.1.1.1", "[fe80::1]", "fe80::1",
                "::ffff:192.168.2.10", "[2001:db8::1]:8080"}) {
            assertTrue(Flows.isIpLiteral(address), address);
        }
        for (String name : new String[] {"iisserver.contoso.com", "intranet", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3",
                "1234.1.1.1", "1..2.3", "", "a:b:g", "[]", "192.168.2.104x", "١.٢.٣.٤"}) {
            assertFalse(Flows.isIpLiteral(name), name);
        }
        assertFalse(Flows.isIpLiteral(null));
    }

    /** The reading the patterns of the first version gave (\d being ASCII digits), on random short texts. */
    @Test
    void agreesWithTheRegularExpressionsItReplaces() {
        Pattern ipv4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
        Pattern ipv6 = Pattern.compile("[0-9a-fA-F:.]+");
        String alphabet = "0123456789.:abfgAF[]x";
        Random r = new Random(8);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = r.nextInt(18); i > 0; i--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String host = b.toString();
            String h = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']'))) : host;
            boolean expected = ipv4.matcher(h).matches() || (h.contains(":") && ipv6.matcher(h).matches());
            assertEquals(expected, Flows.isIpLiteral(host), host);
        }
    }
}
