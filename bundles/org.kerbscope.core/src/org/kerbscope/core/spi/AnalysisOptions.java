package org.kerbscope.core.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the user chose for one analysis.
 *
 * @param keytabs        keytab files, read where the user keeps them, never copied
 * @param decodeAs       forced mappings, {@code "udp.port=60088" -> "kerberos"}
 * @param skewSeconds    clock-skew tolerance (Kerberos default 300)
 * @param redact         reports replace ticket cipher text and NTLM responses with their length
 * @param maxPduBytes    largest PDU the engine buffers from a stream before it reports and skips it; the same value
 *                       as {@code limits().get(Limits.PDU_MAX_BYTES)}
 * @param limits         the named caps a user may raise ({@link Limits}); null means every default
 * @param tlsKeylogs     TLS key logs (the NSS format browsers write with SSLKEYLOGFILE), read where the user keeps
 *                       them, never copied: the HTTP inside the connections they hold the secrets of is read
 */
public record AnalysisOptions(List<Path> keytabs, Map<String, String> decodeAs, int skewSeconds, boolean redact,
        int maxPduBytes, Limits limits, List<Path> tlsKeylogs) {

    /** Keeps {@code maxPduBytes} and the limit {@code pdu.max-bytes} one value: the explicit argument wins. */
    public AnalysisOptions {
        limits = (limits != null ? limits : Limits.defaults()).with(Limits.PDU_MAX_BYTES, maxPduBytes);
        tlsKeylogs = tlsKeylogs == null ? List.of() : List.copyOf(tlsKeylogs);
    }

    /** The options without TLS key logs. */
    public AnalysisOptions(List<Path> keytabs, Map<String, String> decodeAs, int skewSeconds, boolean redact,
            int maxPduBytes, Limits limits) {
        this(keytabs, decodeAs, skewSeconds, redact, maxPduBytes, limits, List.of());
    }

    /** The options as they were before named limits: every limit but {@code maxPduBytes} at its default. */
    public AnalysisOptions(List<Path> keytabs, Map<String, String> decodeAs, int skewSeconds, boolean redact,
            int maxPduBytes) {
        this(keytabs, decodeAs, skewSeconds, redact, maxPduBytes, Limits.defaults());
    }

    public static AnalysisOptions defaults() {
        return new AnalysisOptions(List.of(), Map.of(), 300, true,
                (int) Limits.describe(Limits.PDU_MAX_BYTES).defaultValue(), Limits.defaults());
    }

    public AnalysisOptions withKeytabs(List<Path> k) {
        return new AnalysisOptions(List.copyOf(k), decodeAs, skewSeconds, redact, maxPduBytes, limits, tlsKeylogs);
    }

    public AnalysisOptions withDecodeAs(Map<String, String> d) {
        return new AnalysisOptions(keytabs, Map.copyOf(d), skewSeconds, redact, maxPduBytes, limits, tlsKeylogs);
    }

    /** These options with TLS key logs to open the connections whose secrets they hold. */
    public AnalysisOptions withTlsKeylogs(List<Path> k) {
        return new AnalysisOptions(keytabs, decodeAs, skewSeconds, redact, maxPduBytes, limits, k);
    }

    /** These options with other limits ({@code pdu.max-bytes} among them sets {@code maxPduBytes}). */
    public AnalysisOptions withLimits(Limits l) {
        return new AnalysisOptions(keytabs, decodeAs, skewSeconds, redact, l.getInt(Limits.PDU_MAX_BYTES), l, tlsKeylogs);
    }

    /** These options with one named limit changed; throws IllegalArgumentException for an unknown name or value. */
    public AnalysisOptions withLimit(String name, long value) {
        return withLimits(limits.with(name, value));
    }

    /** The value of a named limit ({@link Limits} lists the names and defaults). */
    public long limit(String name) {
        return limits.get(name);
    }
}
