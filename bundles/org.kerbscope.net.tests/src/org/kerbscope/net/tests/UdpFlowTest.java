package org.kerbscope.net.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.net.tests.Pkt.A;
import static org.kerbscope.net.tests.Pkt.B;
import static org.kerbscope.net.tests.Pkt.ether;
import static org.kerbscope.net.tests.Pkt.ipv4;
import static org.kerbscope.net.tests.Pkt.udp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.DecoderLimits;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;
import org.kerbscope.net.UdpFlow;

/** UDP conversations: one object for both directions, the first datagram's sender first, the idle forgotten. */
class UdpFlowTest {
    private record Seen(long frame, UdpFlow flow, boolean fromFirst, String payload) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final TransportHandler handler = new TransportHandler() {
        @Override
        public void datagram(Frame frame, UdpFlow flow, boolean fromFirst, ByteBuffer payload, int payloadOffset) {
            seen.add(new Seen(frame.number(), flow, fromFirst, Recorder.text(payload)));
        }

        @Override
        public void tcpControl(Frame frame, TcpConnection connection, org.kerbscope.net.FlowKey key, int kind) {
        }

        @Override
        public void tcpData(Frame frame, TcpConnection connection, boolean fromClient, ByteBuffer data, int dataOffset) {
        }

        @Override
        public void tcpGap(Frame frame, TcpConnection connection, boolean fromClient, long missingBytes) {
        }
    };
    private long n;

    private void send(NetworkDecoder dec, boolean fromB, int sp, int dp, String text) {
        byte[] u = udp(sp, dp, Pkt.ascii(text));
        dec.decode(Pkt.frame(++n, 1, ether(0x0800, fromB ? ipv4(B, A, 17, u) : ipv4(A, B, 17, u))));
    }

    @Test
    void bothDirectionsShareOneConversationWhoseFirstSenderIsFirst() {
        NetworkDecoder dec = new NetworkDecoder(handler);
        // the reply's sender (B) is the canonically larger address: direction must not depend on that order
        send(dec, true, 53, 40000, "unsolicited first");
        send(dec, false, 40000, 53, "then the other way");
        send(dec, false, 40001, 53, "another port pair");
        assertEquals(3, seen.size());
        assertSame(seen.get(0).flow(), seen.get(1).flow());
        assertNotSame(seen.get(0).flow(), seen.get(2).flow());
        assertTrue(seen.get(0).fromFirst());
        assertFalse(seen.get(1).fromFirst());
        assertEquals("10.0.0.2:53 -> 10.0.0.1:40000/17", seen.get(0).flow().first().toString());
        assertEquals("10.0.0.1:40000 -> 10.0.0.2:53/17", seen.get(1).flow().key(false).toString());
        seen.get(0).flow().attachment = "state of the consumer";
        send(dec, true, 53, 40000, "again");
        assertEquals("state of the consumer", seen.get(3).flow().attachment);
    }

    @Test
    void beyondTheLimitTheLeastRecentlyActiveAreForgottenAndStartAfresh() {
        NetworkDecoder dec = new NetworkDecoder(handler, DecoderLimits.defaults().withMaxUdpFlows(8));
        send(dec, false, 50000, 53, "busy");
        UdpFlow busy = seen.get(0).flow();
        busy.attachment = "kept";
        for (int p = 40000; p < 40020; p++) {
            send(dec, false, p, 53, "one query each");
            send(dec, false, 50000, 53, "busy again"); // keeps the busy conversation recently active
        }
        send(dec, false, 40000, 53, "the first one-off again");
        Seen last = seen.get(seen.size() - 1);
        assertNotSame(seen.get(1).flow(), last.flow(), "an idle conversation was forgotten and starts afresh");
        assertEquals(null, last.flow().attachment);
        assertTrue(last.fromFirst());
        assertSame(busy, seen.get(seen.size() - 2).flow(), "the active conversation keeps its state");
        assertEquals("kept", busy.attachment);
        assertTrue(dec.diagnostics().isEmpty(), "forgetting is not a problem of the capture");
    }
}
