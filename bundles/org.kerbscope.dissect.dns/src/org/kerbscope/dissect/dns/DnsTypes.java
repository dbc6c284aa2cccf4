package org.kerbscope.dissect.dns;

import java.util.Map;

/**
 * Record type and reply code names. An open set, as in Netty's {@code DnsRecordType}: a number without a name
 * is shown as {@code TYPE<n>} (RFC 3597 presentation) rather than refused.
 */
public final class DnsTypes {
    public static final int A = 1;
    public static final int NS = 2;
    public static final int CNAME = 5;
    public static final int SOA = 6;
    public static final int PTR = 12;
    public static final int MX = 15;
    public static final int TXT = 16;
    public static final int AAAA = 28;
    public static final int SRV = 33;
    public static final int OPT = 41;
    public static final int TKEY = 249;
    public static final int TSIG = 250;
    public static final int ANY = 255;

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(A, "A"), Map.entry(NS, "NS"),
            Map.entry(CNAME, "CNAME"), Map.entry(SOA, "SOA"), Map.entry(PTR, "PTR"), Map.entry(MX, "MX"),
            Map.entry(TXT, "TXT"), Map.entry(AAAA, "AAAA"), Map.entry(SRV, "SRV"), Map.entry(OPT, "OPT"),
            Map.entry(TKEY, "TKEY"), Map.entry(TSIG, "TSIG"), Map.entry(ANY, "ANY"), Map.entry(29, "LOC"),
            Map.entry(43, "DS"), Map.entry(46, "RRSIG"), Map.entry(47, "NSEC"), Map.entry(48, "DNSKEY"),
            Map.entry(64, "SVCB"), Map.entry(65, "HTTPS"), Map.entry(251, "IXFR"), Map.entry(252, "AXFR"));

    private static final String[] RCODES = {"No error", "Format error", "Server failure", "No such name",
        "Not implemented", "Refused", "Name exists for update", "RR set exists for update",
        "RR set does not exist for update", "Not authoritative", "Name not in zone"};

    private DnsTypes() {
    }

    public static String typeName(int type) {
        String n = NAMES.get(type);
        return n != null ? n : "TYPE" + type;
    }

    public static String rcodeName(int rcode) {
        return rcode >= 0 && rcode < RCODES.length ? RCODES[rcode] : "Unknown reply code " + rcode;
    }

    /** TKEY modes of RFC 2930 section 2.5 (3 is the GSS-API negotiation of RFC 3645). */
    public static String tkeyModeName(int mode) {
        return switch (mode) {
            case 1 -> "Server assignment";
            case 2 -> "Diffie-Hellman exchange";
            case 3 -> "GSS-API negotiation";
            case 4 -> "Resolver assignment";
            case 5 -> "Key deletion";
            default -> "Unknown mode " + mode;
        };
    }
}
