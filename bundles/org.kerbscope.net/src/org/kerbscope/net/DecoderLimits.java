package org.kerbscope.net;

/**
 * The memory bounds of {@link NetworkDecoder}. Reaching one is reported as a diagnostic, never as an error:
 * the decoder treats the data it had to let go as lost and goes on.
 *
 * @param maxStreamBuffer    out-of-order bytes one TCP direction may hold while waiting for a hole to fill
 * @param maxTotalBuffer     out-of-order bytes all TCP streams together may hold
 * @param maxConnections     TCP connections tracked at once (the least recently active are forgotten)
 * @param maxFragmentBytes   bytes of incomplete IP datagrams held at once
 * @param fragmentTimeoutNanos capture time after which an incomplete IP datagram is dropped
 * @param maxUdpFlows        UDP flow keys cached (the cache is cleared when full)
 */
public record DecoderLimits(int maxStreamBuffer, long maxTotalBuffer, int maxConnections, long maxFragmentBytes,
        long fragmentTimeoutNanos, int maxUdpFlows) {

    /** 4 MiB per stream, 64 MiB in all, 200,000 connections, 8 MiB of fragments kept 60 s. */
    public static DecoderLimits defaults() {
        return new DecoderLimits(4 << 20, 64L << 20, 200_000, 8L << 20, 60_000_000_000L, 65_536);
    }

    public DecoderLimits withMaxStreamBuffer(int bytes) {
        return new DecoderLimits(bytes, maxTotalBuffer, maxConnections, maxFragmentBytes, fragmentTimeoutNanos,
                maxUdpFlows);
    }

    public DecoderLimits withMaxTotalBuffer(long bytes) {
        return new DecoderLimits(maxStreamBuffer, bytes, maxConnections, maxFragmentBytes, fragmentTimeoutNanos,
                maxUdpFlows);
    }

    public DecoderLimits withMaxConnections(int n) {
        return new DecoderLimits(maxStreamBuffer, maxTotalBuffer, n, maxFragmentBytes, fragmentTimeoutNanos,
                maxUdpFlows);
    }

    public DecoderLimits withFragments(long bytes, long timeoutNanos) {
        return new DecoderLimits(maxStreamBuffer, maxTotalBuffer, maxConnections, bytes, timeoutNanos, maxUdpFlows);
    }
}
