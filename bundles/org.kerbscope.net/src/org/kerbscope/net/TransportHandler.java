package org.kerbscope.net;

import java.nio.ByteBuffer;

import org.kerbscope.core.model.Frame;

/**
 * What {@link NetworkDecoder} hands on, frame by frame, in file order. The buffers are views valid only
 * during the call: a handler that keeps bytes copies them.
 */
public interface TransportHandler {
    int SYN = 1, SYN_ACK = 2, FIN = 4, RST = 8;

    /** Takes nothing: for a pass that wants only the frames' headers ({@link NetworkDecoder#headersOf}). */
    TransportHandler NONE = new TransportHandler() {
        @Override
        public void tcpControl(Frame frame, TcpConnection connection, FlowKey key, int kind) {
        }

        @Override
        public void tcpData(Frame frame, TcpConnection connection, boolean fromClient, ByteBuffer data, int dataOffset) {
        }

        @Override
        public void tcpGap(Frame frame, TcpConnection connection, boolean fromClient, long missingBytes) {
        }
    };

    /**
     * A UDP datagram (after IP reassembly), with the conversation it belongs to. By default it goes on to
     * {@link #datagram(Frame, FlowKey, ByteBuffer, int)}.
     *
     * @param fromFirst     whether it travels in the direction of the conversation's first datagram
     * @param payloadOffset where the payload starts in the frame, or -1 when it was reassembled from fragments
     */
    default void datagram(Frame frame, UdpFlow flow, boolean fromFirst, ByteBuffer payload, int payloadOffset) {
        datagram(frame, flow.key(fromFirst), payload, payloadOffset);
    }

    /**
     * A UDP datagram, for handlers that need no conversation state (nothing by default).
     *
     * @param key the datagram's direction
     */
    default void datagram(Frame frame, FlowKey key, ByteBuffer payload, int payloadOffset) {
    }

    /** A SYN, SYN/ACK, FIN or RST ({@link #SYN} …) seen on a connection, in the direction of {@code key}. */
    void tcpControl(Frame frame, TcpConnection connection, FlowKey key, int kind);

    /**
     * In-order stream bytes for one direction (retransmissions removed, out-of-order segments released once
     * the hole before them is filled or known lost). Bytes released from a held segment come with the frame that
     * carried them (and dataOffset -1), so a PDU inside one segment keeps that segment's frame, as in Wireshark.
     *
     * @param dataOffset where the bytes start in {@code frame}, or -1 when they are not that frame's bytes
     *                   (released from an earlier out-of-order segment)
     */
    void tcpData(Frame frame, TcpConnection connection, boolean fromClient, ByteBuffer data, int dataOffset);

    /**
     * An ICMP or ICMPv6 "destination unreachable" (RFC 792, RFC 4443 3.1) that quotes a UDP datagram or TCP segment:
     * what was refused and why. Nothing by default.
     *
     * @param refused the quoted datagram's direction as it was sent (its source is the one told)
     * @param reason  in words: "port unreachable", "host unreachable", "administratively prohibited" …
     */
    default void unreachable(Frame frame, FlowKey refused, String reason) {
    }

    /**
     * The UDP payload an ICMP "destination unreachable" quotes (as much as the ICMP message holds): the refused
     * datagram again, which Wireshark dissects inside the ICMP message. Nothing by default.
     *
     * @param refused       the quoted datagram's direction as it was sent
     * @param payloadOffset where the quoted payload starts in {@code frame}
     */
    default void quotedDatagram(Frame frame, FlowKey refused, ByteBuffer payload, int payloadOffset) {
    }

    /** Bytes that never arrived (a capture gap): the stream goes on after them. */
    void tcpGap(Frame frame, TcpConnection connection, boolean fromClient, long missingBytes);
}
