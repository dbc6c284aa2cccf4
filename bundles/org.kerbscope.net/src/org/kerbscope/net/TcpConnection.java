package org.kerbscope.net;

/**
 * One TCP connection as the reassembler tracks it. {@link #client()} is the direction from the initiator
 * (the SYN's sender; for a connection picked up mid-stream, the side with the higher port is guessed).
 * The engine hangs its own per-connection state on {@link #attachment}.
 * <p>
 * The consumer may tell the reassembler which bytes it does not want: a direction {@link #ignore ignored} (no
 * dissector reads it) or the next {@link #skip skipped} bytes (a body the framer passes over). The reassembler
 * then keeps only the sequence bookkeeping for them: no view, no call, nothing buffered. Most bytes of a busy
 * capture (file copies, downloads, TLS) take that path.
 */
public final class TcpConnection {
    private final FlowKey client;
    private final long firstFrame;
    /** Free for the consumer of the decoder (the dissection engine). */
    public Object attachment;
    private long skipFromClient, skipFromServer;
    private boolean ignoreFromClient, ignoreFromServer;

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

    /**
     * The consumer does not want the next {@code n} in-order bytes of one direction (added to what is still to be
     * skipped). Bytes that never arrive count against it too: a gap no longer than what is left to skip is not
     * reported.
     */
    public void skip(boolean fromClient, long n) {
        if (n <= 0) {
            return;
        }
        if (fromClient) {
            skipFromClient += n;
        } else {
            skipFromServer += n;
        }
    }

    /** Bytes of one direction still to be skipped. */
    public long skipping(boolean fromClient) {
        return fromClient ? skipFromClient : skipFromServer;
    }

    /** For the reassembler: {@code n} skipped bytes went by (at most {@link #skipping}). */
    public void skipped(boolean fromClient, long n) {
        if (fromClient) {
            skipFromClient -= n;
        } else {
            skipFromServer -= n;
        }
    }

    /** The consumer wants no more bytes, and no gaps, of this direction. */
    public void ignore(boolean fromClient) {
        if (fromClient) {
            ignoreFromClient = true;
        } else {
            ignoreFromServer = true;
        }
    }

    public boolean ignored(boolean fromClient) {
        return fromClient ? ignoreFromClient : ignoreFromServer;
    }
}
