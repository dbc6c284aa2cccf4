package org.kerbscope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Limits;

/** The named limits a user sets with {@code --limit NAME=VALUE}, and how a reached one is worded. */
class LimitsTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        Limits d = Limits.defaults();
        assertEquals(16L << 20, d.get(Limits.PDU_MAX_BYTES));
        assertEquals(4L << 20, d.get(Limits.TCP_STREAM_BUFFER));
        assertEquals(64L << 20, d.get(Limits.TCP_TOTAL_BUFFER));
        assertEquals(200_000, d.get(Limits.TCP_CONNECTIONS));
        assertEquals(8L << 20, d.get(Limits.IP_FRAGMENT_BYTES));
        assertEquals(60, d.get(Limits.IP_FRAGMENT_TIMEOUT));
        assertEquals(100_000, d.get(Limits.ATTEMPTS_MAX));
        assertEquals(Map.of(), d.changed());
        assertEquals(16 << 20, AnalysisOptions.defaults().maxPduBytes());
    }

    @Test
    void valuesAreReadAsTheCliTakesThem() {
        Limits l = Limits.defaults().parse("tcp.stream-buffer=32M").parse("tcp.total-buffer=1GiB")
                .parse("ip.fragment-bytes=512k").parse("attempts.max=250_000").parse("TCP.Connections = 10");
        assertEquals(32L << 20, l.get(Limits.TCP_STREAM_BUFFER));
        assertEquals(1L << 30, l.get(Limits.TCP_TOTAL_BUFFER));
        assertEquals(512L << 10, l.get(Limits.IP_FRAGMENT_BYTES));
        assertEquals(250_000, l.get(Limits.ATTEMPTS_MAX));
        assertEquals(10, l.get(Limits.TCP_CONNECTIONS));
        assertEquals(List.of(Limits.TCP_STREAM_BUFFER, Limits.TCP_TOTAL_BUFFER, Limits.TCP_CONNECTIONS,
                Limits.IP_FRAGMENT_BYTES, Limits.ATTEMPTS_MAX), List.copyOf(l.changed().keySet()));
    }

    @Test
    void theDiskForEventsHasNoBoundUnlessOneIsGiven() {
        assertEquals("none", Limits.format(Limits.EVENTS_DISK, Limits.defaults().get(Limits.EVENTS_DISK)));
        Limits l = Limits.defaults().parse("events.disk=2G");
        assertEquals(2L << 30, l.get(Limits.EVENTS_DISK));
        assertEquals(Limits.UNBOUNDED, l.parse("events.disk=none").get(Limits.EVENTS_DISK), "as the help shows it");
        assertThrows(IllegalArgumentException.class, () -> Limits.defaults().parse("attempts.max=none"));
    }

    @Test
    void badInputIsRefusedInOneLineThatHelps() {
        String unknown = assertThrows(IllegalArgumentException.class, () -> Limits.defaults().parse("tcp.buffer=1M"))
                .getMessage();
        assertTrue(unknown.contains("unknown limit 'tcp.buffer'"), unknown);
        for (Limits.Limit l : Limits.catalog()) {
            assertTrue(unknown.contains(l.name()), unknown);
        }
        // a count takes no size suffix; nothing takes a negative value or one past its type
        assertThrows(IllegalArgumentException.class, () -> Limits.defaults().parse("attempts.max=10k"));
        assertThrows(IllegalArgumentException.class, () -> Limits.defaults().parse("attempts.max=-1"));
        assertThrows(IllegalArgumentException.class, () -> Limits.defaults().parse("tcp.stream-buffer=2G"));
        assertThrows(IllegalArgumentException.class, () -> Limits.defaults().parse("tcp.stream-buffer"));
        assertThrows(IllegalArgumentException.class, () -> AnalysisOptions.defaults().withLimit("no.such", 1));
        assertTrue(!unknown.contains("\n"), unknown);
    }

    @Test
    void maxPduBytesAndItsNamedLimitAreOneValue() {
        AnalysisOptions o = AnalysisOptions.defaults().withLimit(Limits.PDU_MAX_BYTES, 4096);
        assertEquals(4096, o.maxPduBytes());
        assertEquals(4096, o.limit(Limits.PDU_MAX_BYTES));
        // the constructor of before named limits still works, and its maxPduBytes wins
        AnalysisOptions old = new AnalysisOptions(List.of(), Map.of(), 300, true, 1024);
        assertEquals(1024, old.limit(Limits.PDU_MAX_BYTES));
        assertEquals(100_000, old.limit(Limits.ATTEMPTS_MAX));
        // other options keep the limits
        AnalysisOptions k = o.withLimit(Limits.ATTEMPTS_MAX, 5).withKeytabs(List.of()).withDecodeAs(Map.of());
        assertEquals(5, k.limit(Limits.ATTEMPTS_MAX));
        assertEquals(4096, k.maxPduBytes());
    }

    @Test
    void aReachedLimitIsNamedWithTheOptionThatRaisesIt() {
        assertEquals("the limit tcp.stream-buffer (4 MiB) was reached; raise it with --limit tcp.stream-buffer=8M",
                Limits.reached(Limits.TCP_STREAM_BUFFER, 4L << 20));
        assertEquals("the limit attempts.max (100000) was reached; raise it with --limit attempts.max=200000",
                Limits.reached(Limits.ATTEMPTS_MAX, 100_000));
        assertEquals("the limit pdu.max-bytes (1000 bytes) was reached; raise it with --limit pdu.max-bytes=2000",
                Limits.reached(Limits.PDU_MAX_BYTES, 1000));
        // what the suggestion says parses back to twice the value
        assertEquals(8L << 20, Limits.defaults().parse("tcp.stream-buffer=8M").get(Limits.TCP_STREAM_BUFFER));
    }
}
