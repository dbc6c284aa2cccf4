package org.kerbscope.net;

/**
 * One UDP conversation (both directions of an address and port pair) as the decoder tracks it: the consumer
 * hangs its state on {@link #attachment} instead of looking the pair up in a map of its own for every datagram.
 * The decoder forgets conversations idle for long when it tracks too many (see
 * {@link DecoderLimits#maxUdpFlows()}); one seen again then starts afresh.
 */
public final class UdpFlow {
    private final FlowKey first;
    private final FlowKey second;
    /** Whether {@link #first} goes from the canonically smaller endpoint (the decoder's lookup order). */
    final boolean firstIsCanonical;
    /** The last frame with a datagram of this conversation: the decoder forgets the least recently active. */
    long lastFrame;
    /** Free for the consumer of the decoder (the dissection engine). */
    public Object attachment;

    UdpFlow(FlowKey first, boolean firstIsCanonical) {
        this.first = first;
        this.second = first.reversed();
        this.firstIsCanonical = firstIsCanonical;
    }

    /** The direction of the first datagram seen (for a request/response protocol, the client's). */
    public FlowKey first() {
        return first;
    }

    /** The direction of the first datagram ({@code fromFirst}) or the other one. */
    public FlowKey key(boolean fromFirst) {
        return fromFirst ? first : second;
    }
}
