package org.kerbscope.net;

/**
 * One TCP connection as the reassembler tracks it. {@link #client()} is the direction from the initiator
 * (the SYN's sender; for a connection picked up mid-stream, the side with the higher port is guessed).
 * The engine hangs its own per-connection state on {@link #attachment}.
 */
public final class TcpConnection {
    private final FlowKey client;
    private final long firstFrame;
    /** Free for the consumer of the decoder (the dissection engine). */
    public Object attachment;

    public TcpConnection(FlowKey client, long firstFrame) {
        this.client = client;
        this.firstFrame = firstFrame;
    }

    /** The flow from the initiator to the responder. */
    public FlowKey client() {
        return client;
    }

    public FlowKey server() {
        return client.reversed();
    }

    public long firstFrame() {
        return firstFrame;
    }
}
