package org.kerbscope.engine;

import java.nio.ByteBuffer;

import org.kerbscope.capture.LinkTypes;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.DecoderLimits;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.FrameLayers;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;

/**
 * What the packet list shows for a frame that no dissector read (the bulk of a busy capture): its addresses, the
 * transport, and Wireshark-like information from the network layers alone ({@code 49812 → 443 [PSH, ACK] Len=517}),
 * read from the frame by itself.
 *
 * @param source      the innermost IP source, or empty when the frame carries no IP
 * @param destination the innermost IP destination, or empty
 * @param protocol    {@code TCP}, {@code UDP}, {@code ICMP}, {@code ICMPv6}, {@code IP}, or empty
 * @param info        ports, TCP flags and payload length; empty when there is nothing to say
 */
public record FrameHeaders(String source, String destination, String protocol, String info) {
    static final FrameHeaders NONE = new FrameHeaders("", "", "", "");

    /** The innermost IP flow of the frame, or null (see {@link NetworkDecoder#lastFlow()}). */
    static FlowKey flow(Frame f) {
        return read(f, new Listener());
    }

    private static FlowKey read(Frame f, Listener l) {
        NetworkDecoder d = new NetworkDecoder(l, DecoderLimits.defaults());
        d.headersOf(f.number(), l);
        try {
            d.decode(f);
        } catch (RuntimeException e) {
            return null; // the decoder reports damage as diagnostics; this is a belt for a row of the list
        }
        l.undecoded = d.undecodedFrames() > 0;
        return d.lastFlow();
    }

    /**
     * The link, network and transport layers of frame {@code f} for its details ({@link FrameLayers}), read from the
     * frame alone: for a frame whose conversation no dissector reads.
     */
    static org.kerbscope.core.model.FieldNode layers(Frame f, DecoderLimits limits) {
        FrameLayers layers = new FrameLayers();
        NetworkDecoder d = new NetworkDecoder(TransportHandler.NONE, limits);
        d.headersOf(f.number(), layers);
        d.decode(f);
        return layers.root();
    }

    /** The columns of frame {@code f}. */
    public static FrameHeaders of(Frame f) {
        Listener l = new Listener();
        FlowKey k = read(f, l);
        if (k == null) {
            // a frame the network layers do not read (a Network Monitor ETW event, an encrypted 802.11 frame, an
            // unknown link type): what it is, as Wireshark's Protocol column names it
            return l.undecoded ? new FrameHeaders("", "", LinkTypes.name(f.linkType()), "") : NONE;
        }
        String src = FlowKey.text(k.srcAddr()), dst = FlowKey.text(k.dstAddr());
        return switch (k.protocol()) {
            case 6 -> new FrameHeaders(src, dst, "TCP", k.srcPort() == 0 ? "IP fragment"
                    : k.srcPort() + " → " + k.dstPort() + " [" + FrameLayers.tcpFlags(l.tcpFlags) + "] Len=" + l.length);
            case 17 -> new FrameHeaders(src, dst, "UDP", k.srcPort() == 0 ? "IP fragment"
                    : k.srcPort() + " → " + k.dstPort() + " Len=" + l.length);
            case 1 -> new FrameHeaders(src, dst, "ICMP", "");
            case 58 -> new FrameHeaders(src, dst, "ICMPv6", "");
            default -> new FrameHeaders(src, dst, "IP", "protocol " + k.protocol());
        };
    }

    /** Takes the flags and the payload length of the one segment or datagram decoded. */
    private static final class Listener implements TransportHandler, org.kerbscope.net.HeaderListener {
        int tcpFlags;
        int length;
        boolean undecoded;

        @Override
        public void header(String layer, ByteBuffer data, int offset, int headerLength, int end, int inFrame) {
            if ("tcp".equals(layer)) {
                tcpFlags = data.getShort(offset + 12) & 0x0FFF; // the innermost segment's (a tunnel's is the last)
            }
        }

        @Override
        public void problem(String protocol, String message) {
        }

        @Override
        public void datagram(Frame frame, FlowKey key, ByteBuffer payload, int payloadOffset) {
            length = payload.remaining();
        }

        @Override
        public void tcpControl(Frame frame, TcpConnection c, FlowKey key, int kind) {
        }

        @Override
        public void tcpData(Frame frame, TcpConnection c, boolean fromClient, ByteBuffer data, int dataOffset) {
            length += data.remaining();
        }

        @Override
        public void tcpGap(Frame frame, TcpConnection c, boolean fromClient, long missingBytes) {
        }
    }
}
