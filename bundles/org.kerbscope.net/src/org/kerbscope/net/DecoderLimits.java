package org.kerbscope.net;

import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Limits;

/**
 * The memory bounds of {@link NetworkDecoder}. Reaching one is reported as a diagnostic, never as an error:
 * the decoder treats the data it had to let go as lost and goes on.
 *
 * @param maxStreamBuffer    out-of-order bytes one TCP direction may hold while waiting for a hole to fill
 * @param maxTotalBuffer     out-of-order bytes all TCP streams together may hold
 * @param maxConnections     TCP connections tracked at once (the least recently active are forgotten)
 * @param maxFragmentBytes   bytes of incomplete IP datagrams held at once
 * @param fragmentTimeoutNanos capture time after which an incomplete IP datagram is dropped
 * @param maxUdpFlows        UDP conversations tracked (beyond it the least recently active half is forgotten)
 */
public record DecoderLimits(int maxStreamBuffer, long maxTotalBuffer, int maxConnections, long maxFragmentBytes,
        long fragmentTimeoutNanos, int maxUdpFlows) {

    /** UDP flow keys cached: a cache cleared when full, so no data is lost and no user needs to change it. */
    private static final int UDP_FLOWS = 65_536;

    /**
     * The defaults of {@link Limits}: 4 MiB per stream, 64 MiB in all, 200,000 connections, 8 MiB of fragments
     * kept 60 s.
     */
    public static DecoderLimits defaults() {
        return of(Limits.defaults());
    }

    /** The limits the user chose for one analysis (tcp.*, ip.* of {@link Limits}). */
    public static DecoderLimits of(AnalysisOptions options) {
        return of(options.limits());
    }

    /** The decoder's share of named limits. */
    public static DecoderLimits of(Limits l) {
        return new DecoderLimits(l.getInt(Limits.TCP_STREAM_BUFFER), l.get(Limits.TCP_TOTAL_BUFFER),
                l.getInt(Limits.TCP_CONNECTIONS), l.get(Limits.IP_FRAGMENT_BYTES),
                l.get(Limits.IP_FRAGMENT_TIMEOUT) * 1_000_000_000L, UDP_FLOWS);
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

    public DecoderLimits withMaxUdpFlows(int n) {
        return new DecoderLimits(maxStreamBuffer, maxTotalBuffer, maxConnections, maxFragmentBytes, fragmentTimeoutNanos,
                n);
    }

    public DecoderLimits withFragments(long bytes, long timeoutNanos) {
        return new DecoderLimits(maxStreamBuffer, maxTotalBuffer, maxConnections, bytes, timeoutNanos, maxUdpFlows);
    }
}
