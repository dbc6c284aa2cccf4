package org.kerbscope.net.tests;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.model.Frame;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;

/** Writes every handler call down as one line, to compare with what a user expects to see. */
class Recorder implements TransportHandler {
    final List<String> events = new ArrayList<>();
    final List<TcpConnection> connections = new ArrayList<>();
    final StringBuilder client = new StringBuilder();
    final StringBuilder server = new StringBuilder();

    static String text(ByteBuffer b) {
        byte[] x = new byte[b.remaining()];
        b.duplicate().get(x);
        return new String(x, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void datagram(Frame frame, FlowKey key, ByteBuffer payload, int payloadOffset) {
        events.add("udp " + frame.number() + " " + key.src() + ">" + key.dst() + " '" + text(payload) + "' @" + payloadOffset);
    }

    @Override
    public void tcpControl(Frame frame, TcpConnection connection, FlowKey key, int kind) {
        if (!connections.contains(connection)) {
            connections.add(connection);
        }
        String k = switch (kind) {
            case SYN -> "SYN";
            case SYN_ACK -> "SYN-ACK";
            case FIN -> "FIN";
            case RST -> "RST";
            default -> "?" + kind;
        };
        events.add(k + " " + frame.number() + " " + key.src() + ">" + key.dst());
    }

    @Override
    public void tcpData(Frame frame, TcpConnection connection, boolean fromClient, ByteBuffer data, int dataOffset) {
        if (!connections.contains(connection)) {
            connections.add(connection);
        }
        String t = text(data);
        (fromClient ? client : server).append(t);
        events.add("data " + frame.number() + " " + (fromClient ? "c" : "s") + " '" + t + "' @" + dataOffset);
    }

    @Override
    public void unreachable(Frame frame, FlowKey refused, String reason) {
        events.add("unreachable " + frame.number() + " " + (refused.protocol() == 6 ? "tcp " : "udp ") + refused.src() + ">"
                + refused.dst() + " " + reason);
    }

    @Override
    public void tcpGap(Frame frame, TcpConnection connection, boolean fromClient, long missingBytes) {
        (fromClient ? client : server).append("[gap ").append(missingBytes).append(']');
        events.add("gap " + frame.number() + " " + (fromClient ? "c" : "s") + " " + missingBytes);
    }
}
