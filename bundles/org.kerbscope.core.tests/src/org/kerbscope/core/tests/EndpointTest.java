package org.kerbscope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Endpoint;

/**
 * {@link Endpoint}'s text is {@code address:port} ({@code [address]:port} for IPv6), as a string or into a buffer. Its
 * equals and hashCode are written out (a record's run through method handles, slow until C2 compiles
 * them): they must be the record's own, value for value, so that every map keyed by endpoints keeps its order.
 */
class EndpointTest {
    /** What a record with the same components computes. */
    private record Generated(String address, int port) {
    }

    @Test
    void textHashesAndEqualityAreTheGeneratedRecordsOnes() {
        SplittableRandom r = new SplittableRandom(3);
        List<Endpoint> all = new ArrayList<>();
        String[] addresses = {null, "", "10.0.0.1", "192.168.2.10", "2001:db8::1", "fe80::1%eth0", "::", "?"};
        for (int i = 0; i < 20_000; i++) {
            String a = i < addresses.length * 3 ? addresses[i % addresses.length]
                    : r.nextInt(3) == 0 ? "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256)
                    : addresses[r.nextInt(addresses.length)];
            int port = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> r.nextInt(65536);
                case 2 -> r.nextInt();
                default -> 88;
            };
            Endpoint e = new Endpoint(a, port);
            assertEquals(new Generated(a, port).hashCode(), e.hashCode(), a + " port " + port);
            all.add(e);
        }
        for (int i = 0; i < 20_000; i++) {
            Endpoint x = all.get(r.nextInt(all.size())), y = all.get(r.nextInt(all.size()));
            boolean generated = new Generated(x.address(), x.port()).equals(new Generated(y.address(), y.port()));
            String xy = x.address() + "|" + x.port() + " and " + y.address() + "|" + y.port();
            assertEquals(generated, x.equals(y), xy);
            assertEquals(generated, y.equals(x), xy + ", the other way");
            assertEquals(x, new Endpoint(x.address(), x.port()));
        }
        assertNotEquals(new Endpoint("10.0.0.1", 88), new Endpoint("10.0.0.1", 89));
        assertNotEquals(new Endpoint("10.0.0.1", 88), new Endpoint("10.0.0.2", 88));
        assertNotEquals(new Endpoint(null, 88), new Endpoint("10.0.0.1", 88));
        assertNotEquals(new Endpoint("10.0.0.1", 88), (Object) new Generated("10.0.0.1", 88));
        assertEquals(new Endpoint(null, 88), new Endpoint(null, 88));

        // the text: an IPv6 address in brackets, as URLs and Wireshark write it; written into a buffer as toString
        for (Endpoint e : all) {
            if (e.address() == null) {
                continue;
            }
            String expected = e.address().indexOf(':') >= 0 ? "[" + e.address() + "]:" + e.port()
                    : e.address() + ":" + e.port();
            assertEquals(expected, e.toString());
            char[] exact = new char[e.address().length() + 14];
            assertEquals(expected, new String(exact, 0, e.text(exact)));
            assertEquals(-1, e.text(new char[e.address().length() + 13]), "a buffer too short is refused: " + expected);
        }
        assertEquals("[2001:db8::1]:88", new Endpoint("2001:db8::1", 88).toString());
        assertEquals("10.0.0.1:-2147483648", new Endpoint("10.0.0.1", Integer.MIN_VALUE).toString());
        assertEquals(":2147483647", new Endpoint("", Integer.MAX_VALUE).toString());

        // a hash map's iteration order follows the hashes: the same keys, the same order as with generated ones
        Map<Endpoint, Integer> mine = new HashMap<>();
        Map<Generated, Integer> theirs = new HashMap<>();
        for (Endpoint e : new LinkedHashSet<>(all)) {
            mine.put(e, 1);
            theirs.put(new Generated(e.address(), e.port()), 1);
        }
        List<String> a = mine.keySet().stream().map(e -> e.address() + "|" + e.port()).toList();
        List<String> b = theirs.keySet().stream().map(e -> e.address() + "|" + e.port()).toList();
        assertEquals(b, a);
    }
}
