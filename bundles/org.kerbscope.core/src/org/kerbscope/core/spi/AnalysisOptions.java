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
 * @param maxPduBytes    largest PDU the engine buffers from a stream before it reports and skips it
 */
public record AnalysisOptions(List<Path> keytabs, Map<String, String> decodeAs, int skewSeconds, boolean redact,
        int maxPduBytes) {

    public static AnalysisOptions defaults() {
        return new AnalysisOptions(List.of(), Map.of(), 300, true, 16 << 20);
    }

    public AnalysisOptions withKeytabs(List<Path> k) {
        return new AnalysisOptions(List.copyOf(k), decodeAs, skewSeconds, redact, maxPduBytes);
    }

    public AnalysisOptions withDecodeAs(Map<String, String> d) {
        return new AnalysisOptions(keytabs, Map.copyOf(d), skewSeconds, redact, maxPduBytes);
    }
}
