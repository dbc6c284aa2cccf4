package org.kerbscope.dissect.dns;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.dns.internal.DnsReader;
import org.kerbscope.dissect.dns.internal.DnsTcpFramer;

/**
 * DNS over UDP and TCP. Emits one {@code dns} event per message and hands the GSS-API token of a GSS-TSIG
 * TKEY record (RFC 3645 section 3.1) to the {@code gss.oid} table, so that the Kerberos AP-REQ of a secure
 * dynamic update is read with carrier {@code dns}.
 * <p>
 * Event fields: {@code kind} query|response, {@code id}, {@code name} and {@code type} of the first question,
 * {@code rcode} and {@code answers} (responses), {@code cnames} (the CNAME chain of the answer section as
 * [alias, canonical] pairs), {@code ttl} (smallest answer TTL), {@code flags}, {@code opcode},
 * {@code truncated}, {@code authoritative}, {@code tkey} (mode, error, algorithm, what the token carried).
 * {@code answers} lists A/AAAA/CNAME/SRV target/PTR values from every section, as Wireshark's {@code dns.a}
 * and related fields do (an MX answer's glue addresses are in the additional section).
 */
public final class DnsDissector implements Dissector {
    static final String ID = "dns";

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return new DnsTcpFramer();
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        int start = 0;
        int end = pdu.length();
        FieldNode tree = ctx.tree();
        if ("tcp".equals(ctx.transport())) {
            if (end < 2) {
                ctx.diagnostic(ID, "a DNS-over-TCP message needs its 2-byte length prefix");
                return;
            }
            int len = (pdu.u8(0) << 8) | pdu.u8(1);
            if (tree != null) {
                tree.add("dns.length", "Length: " + len, len, pdu.abs(0), 2);
            }
            start = 2;
            if (2 + len < end) {
                end = 2 + len;
            } else if (2 + len > end) {
                ctx.diagnostic(ID, "the length prefix says " + len + " bytes but the message has " + (end - 2));
            }
        }
        DnsReader reader = new DnsReader(pdu, start, end);
        DnsMessage m = reader.read(tree);
        for (String p : reader.problems()) {
            ctx.diagnostic(ID, "malformed DNS message: " + p);
        }
        if (m == null) {
            return;
        }
        Map<String, Object> tkey = null;
        for (DnsRecord r : m.records()) {
            if (r.type() == DnsTypes.TKEY && r.details().containsKey("keyOffset")) {
                tkey = handOnTkey(pdu, r, tree, ctx);
            }
        }
        ctx.emit(ID, event(m, tkey));
    }

    static Map<String, Object> event(DnsMessage m, Map<String, Object> tkey) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", m.response() ? "response" : "query");
        f.put("id", m.id());
        if (!m.questions().isEmpty()) {
            f.put("name", m.questions().get(0).name());
            f.put("type", m.questions().get(0).type());
        }
        if (m.response()) {
            f.put("rcode", m.rcode());
            // distinct values in record order; a hash set only for the rare message with many of them
            List<String> answers = new ArrayList<>();
            Set<String> seen = null;
            for (DnsRecord r : m.records()) {
                if (r.data() != null && (r.type() == DnsTypes.A || r.type() == DnsTypes.AAAA
                        || r.type() == DnsTypes.CNAME || r.type() == DnsTypes.SRV || r.type() == DnsTypes.PTR)) {
                    if (seen == null && answers.size() >= 16) {
                        seen = new HashSet<>(answers);
                    }
                    if (seen != null ? seen.add(r.data()) : !answers.contains(r.data())) {
                        answers.add(r.data());
                    }
                }
            }
            f.put("answers", answers);
            List<List<String>> cnames = new ArrayList<>();
            long ttl = -1;
            for (DnsRecord r : m.records()) {
                if (r.section() != DnsRecord.Section.ANSWER) {
                    continue;
                }
                if (r.type() == DnsTypes.CNAME && r.data() != null) {
                    cnames.add(List.of(r.name(), r.data()));
                }
                if (r.type() != DnsTypes.OPT && (ttl < 0 || r.ttl() < ttl)) {
                    ttl = r.ttl();
                }
            }
            if (!cnames.isEmpty()) {
                f.put("cnames", cnames);
            }
            if (ttl >= 0) {
                f.put("ttl", ttl);
            }
            f.put("authoritative", m.authoritative());
        }
        f.put("flags", m.flags());
        f.put("opcode", m.opcode());
        if (m.truncated()) {
            f.put("truncated", true);
        }
        if (tkey != null) {
            f.put("tkey", tkey);
        }
        if (!m.problems().isEmpty()) {
            f.put("malformed", true);
        }
        return f;
    }

    /**
     * GSS-TSIG key data is a GSS-API token: an InitialContextToken (0x60, RFC 2743 section 3.1) names its
     * mechanism, later tokens (a SPNEGO NegTokenResp) do not and go to the GSS heuristics.
     */
    private static Map<String, Object> handOnTkey(Pdu pdu, DnsRecord r, FieldNode tree, DissectionContext ctx) {
        int off = (Integer) r.details().get("keyOffset");
        int len = (Integer) r.details().get("keyLength");
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("algorithm", r.details().get("algorithm"));
        t.put("mode", r.details().get("mode"));
        t.put("error", r.details().get("error"));
        t.put("keyLength", len);
        if (len == 0) {
            return t;
        }
        FieldNode keyNode = null;
        if (tree != null) {
            keyNode = tree.add("dns.tkey.key_data", "Key Data (" + len + " bytes)", len, pdu.abs(off), len);
        }
        Pdu token = pdu.slice(off, len);
        String oid = initialContextTokenOid(token);
        String inner = null;
        if (oid != null) {
            inner = ctx.call("gss.oid", oid, token, keyNode);
        }
        if (inner == null && Integer.valueOf(3).equals(r.details().get("mode"))) {
            inner = ctx.callHeuristic("gss", token, keyNode);
        }
        if (oid != null) {
            t.put("mechanism", oid);
        }
        if (inner != null) {
            t.put("token", inner);
        }
        return t;
    }

    /** The mechanism OID of an RFC 2743 InitialContextToken ({@code 60 len 06 len oid …}), or null. */
    static String initialContextTokenOid(Pdu t) {
        int n = t.length();
        if (n < 4 || t.u8(0) != 0x60) {
            return null;
        }
        int p = 1;
        int l = t.u8(p++);
        if ((l & 0x80) != 0) {
            int k = l & 0x7f;
            if (k == 0 || k > 4 || p + k > n) {
                return null;
            }
            p += k;
        }
        if (p + 2 > n || t.u8(p) != 0x06) {
            return null;
        }
        int olen = t.u8(p + 1);
        p += 2;
        if (olen == 0 || olen > 0x7f || p + olen > n) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int first = t.u8(p);
        sb.append(Math.min(first / 40, 2)).append('.').append(first < 80 ? first % 40 : first - 80);
        long v = 0;
        for (int i = p + 1; i < p + olen; i++) {
            int b = t.u8(i);
            if (v > (Long.MAX_VALUE >> 7)) {
                return null;
            }
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                sb.append('.').append(v);
                v = 0;
            }
        }
        return sb.toString();
    }

    /** Convenience for callers that hold raw bytes (tests, importers of saved DNS answers). */
    public static DnsMessage parse(ByteBuffer message) {
        return new DnsReader(Pdu.detached(message, "DNS message"), 0, message.limit()).read(null);
    }
}
