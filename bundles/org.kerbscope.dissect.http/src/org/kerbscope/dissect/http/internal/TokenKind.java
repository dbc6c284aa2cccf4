package org.kerbscope.dissect.http.internal;

/**
 * What a Negotiate/NTLM/Kerberos header token really carries: {@code kerberos}, {@code ntlm},
 * {@code spnego-response} or {@code unknown}. The dissector that read the token decides when one did
 * ({@code kerberos}, {@code ntlmssp}); otherwise the bytes decide, by the markers a reader of the capture
 * would look for: the NTLMSSP signature (MS-NLMP section 2.2), the Kerberos mechanism OIDs 1.2.840.113554.1.2.2
 * and 1.2.840.48018.1.2.2 in DER, or a SPNEGO NegTokenResp ([1], RFC 4178 section 4.2).
 */
public final class TokenKind {
    public static final String KERBEROS = "kerberos";
    public static final String NTLM = "ntlm";
    public static final String SPNEGO_RESPONSE = "spnego-response";
    public static final String UNKNOWN = "unknown";

    private static final byte[] NTLMSSP = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
    private static final byte[] KRB5_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02};
    private static final byte[] MS_KRB5_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x82, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02};
    /** NTLMSSP inside SPNEGO follows the mechTypes list, within the first 200 bytes of a NegTokenInit. */
    private static final int NTLM_WINDOW = 200;

    private TokenKind() {
    }

    /**
     * @param innermost what {@code DissectionContext.call} returned for the token (null when no dissector read it)
     * @param raw       the decoded token
     */
    public static String of(String innermost, byte[] raw) {
        if (KERBEROS.equals(innermost)) {
            return KERBEROS;
        }
        if ("ntlmssp".equals(innermost)) {
            return NTLM;
        }
        return fromBytes(raw);
    }

    public static String fromBytes(byte[] raw) {
        if (indexOf(raw, NTLMSSP, Math.min(raw.length, NTLM_WINDOW)) >= 0) {
            return NTLM;
        }
        if (indexOf(raw, KRB5_OID, raw.length) >= 0 || indexOf(raw, MS_KRB5_OID, raw.length) >= 0) {
            return KERBEROS;
        }
        if (raw.length > 0 && (raw[0] & 0xff) == 0xa1) {
            return SPNEGO_RESPONSE;
        }
        return UNKNOWN;
    }

    private static int indexOf(byte[] hay, byte[] needle, int limit) {
        outer:
        for (int i = 0; i + needle.length <= limit; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
