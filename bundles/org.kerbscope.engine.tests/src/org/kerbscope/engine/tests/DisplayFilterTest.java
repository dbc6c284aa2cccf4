package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.engine.filter.DisplayFilter;
import org.kerbscope.engine.filter.DisplayFilter.FilterException;

/** The packet list's display filter: what a Wireshark user types, and what a wrong filter says. */
class DisplayFilterTest {
    static Event krbError = event("kerberos", Map.of("msgType", "KRB-ERROR", "errorCode", 7, "sname", "HTTP/iisserver.contoso.com"));
    static Event http401 = event("http", Map.of("kind", "response", "status", 401, "wwwAuthenticate", List.of("Negotiate", "NTLM")));
    static Event httpReq = event("http", Map.of("kind", "request", "method", "GET",
            "authorization", Map.of("scheme", "Negotiate", "token", "ntlm")));

    static Event event(String proto, Map<String, Object> f) {
        return new Event(proto, 1, 0, new Endpoint("192.168.2.101", 50000), new Endpoint("192.168.2.10", 88), new LinkedHashMap<>(f));
    }

    static boolean m(String filter, Event... events) throws FilterException {
        return DisplayFilter.parse(filter).matches(List.of(events));
    }

    @Test
    void protocolsFieldsAndLogic() throws Exception {
        assertTrue(m("kerberos", krbError));
        assertFalse(m("kerberos", http401));
        assertTrue(m("kerberos.errorCode == 7", krbError));
        assertFalse(m("kerberos.errorCode == 6", krbError));
        assertTrue(m("kerberos.errorCode eq 0x7", krbError));
        assertTrue(m("kerberos.error_code == 7", krbError), "Wireshark-style names reach the same field");
        assertTrue(m("kerberos.sname contains \"iisserver\"", krbError));
        assertTrue(m("kerberos.sname contains \"IISServer\"", krbError), "text compared without regard to case");
        assertFalse(m("kerberos.sname contains \"iisserverx\"", krbError));
        assertTrue(m("kerberos.sname contains \"\"", krbError), "the empty text is in every value");
        assertTrue(m("http.status >= 400 and http.wwwAuthenticate == negotiate", http401));
        assertTrue(m("http.authorization.token == ntlm", httpReq));
        assertTrue(m("not kerberos || http", http401));
        assertTrue(m("!(dns) && (http.status == 401 or kerberos)", http401));
        assertFalse(m("http.status != 401", http401));
    }

    @Test
    void aWrongFilterSaysWhereAndWhy() {
        FilterException e = assertThrows(FilterException.class, () -> DisplayFilter.parse("kerberos.errorCode =="));
        assertEquals(21, e.position());
        assertTrue(e.getMessage().contains("value is missing"), e.getMessage());
        assertTrue(assertThrows(FilterException.class, () -> DisplayFilter.parse("(http")).getMessage().contains("')'"));
        assertTrue(assertThrows(FilterException.class, () -> DisplayFilter.parse("http and")).getMessage().contains("missing"));
        assertTrue(assertThrows(FilterException.class, () -> DisplayFilter.parse("kerberos == 7")).getMessage().contains("protocol"));
        assertTrue(assertThrows(FilterException.class, () -> DisplayFilter.parse("dns.name == \"x")).getMessage().contains("quote"));
    }

    @Test
    void hostileFiltersFailCleanly() {
        assertThrows(FilterException.class, () -> DisplayFilter.parse("(".repeat(10_000)));
        assertThrows(FilterException.class, () -> DisplayFilter.parse("x".repeat(5000)));
        Random r = new Random(42);
        String alphabet = "()!&|=<>\" .kerbos0x7andornotcontains";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(40); k > 0; k--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            try {
                DisplayFilter.parse(b.toString()).matches(List.of(krbError, http401));
            } catch (FilterException expected) {
                // a wrong filter is an answer, not a failure
            }
        }
    }

    @Test
    void completionOffersTheFieldsTheEventsHave() {
        List<String> names = DisplayFilter.fieldNames(List.of(krbError, httpReq));
        assertTrue(names.containsAll(List.of("kerberos", "kerberos.errorCode", "http.authorization.token")), names.toString());
    }

    @Test
    void aFilterNamesTheNetworkLayerFieldsItReadsAndThoseItDoesNot() throws Exception {
        DisplayFilter f = DisplayFilter.parse("(ip.addr == 192.168.2.10 || kerberos.errorCode == 7) and !tcp.analysis.retransmission");
        assertEquals(List.of("ip.addr", "kerberos.errorCode", "tcp.analysis.retransmission"), f.names());
        assertTrue(f.readsLayers());
        assertEquals(List.of("tcp.analysis.retransmission"), f.layerNames(), "the layers' fields it does not read");
        assertFalse(DisplayFilter.parse("kerberos && http.status == 401").readsLayers());
        assertEquals(List.of("ip.geoip.country"), DisplayFilter.parse("dns or udp or ip.ttl > 3 or tcp.options.mss_val < 1400"
                + " or ip.geoip.country == \"FR\"").layerNames());
        assertTrue(DisplayFilter.parse("ipv6.addr == fe80::1").readsLayers(), "an IPv6 address is a value");
    }

    /** Every frame of a lab sample asked with its headers: the addresses and ports as the frames' own rows give them. */
    @Test
    void layerFieldsMatchEveryFrameByItsHeaders() throws Exception {
        java.nio.file.Path sample = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples/spn-unknown.pcapng");
        try (org.kerbscope.capture.CaptureFile file = org.kerbscope.capture.CaptureFile.open(sample)) {
            long frames = file.index().size();
            List<Long> web = new java.util.ArrayList<>(), client = new java.util.ArrayList<>(), udp = new java.util.ArrayList<>();
            List<Long> syn = new java.util.ArrayList<>(), data = new java.util.ArrayList<>();
            for (long n = 1; n <= frames; n++) {
                org.kerbscope.engine.FrameHeaders h = org.kerbscope.engine.FrameHeaders.of(file.frame(n));
                if (h.protocol().equals("TCP") && (h.info().startsWith("80 ") || h.info().contains("→ 80 "))) {
                    web.add(n);
                }
                if (h.source().equals("192.168.2.101")) {
                    client.add(n);
                }
                if (h.protocol().equals("UDP")) {
                    udp.add(n);
                }
                if (h.info().contains("[SYN")) {
                    syn.add(n);
                }
                if (h.protocol().equals("TCP") && !h.info().endsWith(" Len=0")) {
                    data.add(n);
                }
            }
            assertTrue(web.size() > 5 && client.size() > 5 && udp.size() > 5, web + " " + client + " " + udp);
            assertEquals(web, matching(file, "tcp.port == 80"));
            assertEquals(web, matching(file, "tcp.dstport == 80 || tcp.srcport eq 80"));
            assertEquals(client, matching(file, "ip.src == 192.168.2.101"));
            assertEquals(udp, matching(file, "udp"));
            assertEquals(List.of(3L, 4L), matching(file, "frame.number >= 3 and frame.number <= 4"));
            assertTrue(syn.size() >= 2, syn.toString());
            assertEquals(syn, matching(file, "tcp.flags.syn == 1"), "the SYN and the SYN/ACK");
            assertEquals(data, matching(file, "tcp.len > 0"), "the segments that carry bytes");
            assertEquals(List.of(), matching(file, "tcp.flags.reset == 1"), "no RST in the sample");
            assertEquals(List.of(), matching(file, "ipv6"), "no IPv6 in the sample");
        }
    }

    private static List<Long> matching(org.kerbscope.capture.CaptureFile file, String filter) throws Exception {
        long[] kept = DisplayFilter.parse(filter).framesMatching(file, file.index().size(), n -> List.of(), () -> false);
        return java.util.Arrays.stream(kept).boxed().toList();
    }
}
