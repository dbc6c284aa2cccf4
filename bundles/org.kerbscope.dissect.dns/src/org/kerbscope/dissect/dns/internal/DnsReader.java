package org.kerbscope.dissect.dns.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.dns.DnsMessage;
import org.kerbscope.dissect.dns.DnsRecord;
import org.kerbscope.dissect.dns.DnsRecord.Section;
import org.kerbscope.dissect.dns.DnsTypes;

/**
 * Reads one DNS message (RFC 1035 section 4) from a PDU. Every length is checked against what the message
 * holds; a name's compression pointers are followed at most {@link #MAX_JUMPS} times and a name stops at
 * 255 bytes (RFC 1035 section 3.1), so a pointer loop cannot make it spin. What cannot be read becomes a
 * problem sentence and, when a tree is wanted, a malformed node; reading stops at the first damaged record
 * because the offsets after it are unknown.
 */
public final class DnsReader {
    /** More jumps than a 255-byte name can have labels means the pointers go round in a circle. */
    static final int MAX_JUMPS = 127;
    private static final int MAX_NAME = 255;
    /** Bounds the work a hostile count field can ask for; a 64 KiB message holds fewer records than this. */
    private static final int MAX_RECORDS = 6000;

    private static final Section[] SECTIONS = Section.values();
    private static final String[][] SECTION_LABELS = {{"dns.answers", "Answers"},
        {"dns.authorities", "Authoritative nameservers"}, {"dns.additionals", "Additional records"}};

    private final Pdu pdu;
    private final int start;
    private final int end;
    private final List<String> problems = new ArrayList<>();
    private FieldNode malformedAt;

    /** A name as text and where the bytes after its in-place part begin; {@code ok} is false when damaged. */
    record Name(String text, int next, boolean ok) {
    }

    /** Reads the message that occupies {@code [start, end)} of the PDU. */
    public DnsReader(Pdu pdu, int start, int end) {
        this.pdu = pdu;
        this.start = start;
        this.end = Math.min(end, pdu.length());
    }

    /**
     * Reads the message, hanging field nodes under {@code tree} when it is not null.
     *
     * @return the message, or null when not even the 12-byte header is there
     */
    public DnsMessage read(FieldNode tree) {
        if (end - start < 12) {
            problem(tree, "a DNS message needs a 12-byte header but only " + Math.max(0, end - start)
                    + " bytes are there", start, Math.max(0, end - start));
            return null;
        }
        int id = u16(start);
        int flags = u16(start + 2);
        int qd = u16(start + 4);
        int an = u16(start + 6);
        int ns = u16(start + 8);
        int ar = u16(start + 10);
        if (tree != null) {
            tree.add("dns.id", String.format("Transaction ID: 0x%04x", id), id, abs(start), 2);
            FieldNode f = tree.add("dns.flags", String.format("Flags: 0x%04x %s", flags, flagsSummary(flags)),
                    flags, abs(start + 2), 2);
            boolean resp = (flags & 0x8000) != 0;
            f.add("dns.flags.response", "Response: " + (resp ? "Message is a response" : "Message is a query"),
                    resp, abs(start + 2), 2);
            f.add("dns.flags.opcode", "Opcode: " + ((flags >> 11) & 0xf), (flags >> 11) & 0xf, abs(start + 2), 2);
            if (resp) {
                f.add("dns.flags.authoritative", "Authoritative: " + ((flags & 0x0400) != 0), (flags & 0x0400) != 0,
                        abs(start + 2), 2);
            }
            f.add("dns.flags.truncated", "Truncated: " + ((flags & 0x0200) != 0), (flags & 0x0200) != 0,
                    abs(start + 2), 2);
            f.add("dns.flags.recdesired", "Recursion desired: " + ((flags & 0x0100) != 0), (flags & 0x0100) != 0,
                    abs(start + 2), 2);
            if (resp) {
                f.add("dns.flags.recavail", "Recursion available: " + ((flags & 0x0080) != 0),
                        (flags & 0x0080) != 0, abs(start + 2), 2);
                f.add("dns.flags.rcode", "Reply code: " + DnsTypes.rcodeName(flags & 0xf) + " (" + (flags & 0xf) + ")",
                        flags & 0xf, abs(start + 2), 2);
            }
            tree.add("dns.count.queries", "Questions: " + qd, qd, abs(start + 4), 2);
            tree.add("dns.count.answers", "Answer RRs: " + an, an, abs(start + 6), 2);
            tree.add("dns.count.auth_rr", "Authority RRs: " + ns, ns, abs(start + 8), 2);
            tree.add("dns.count.add_rr", "Additional RRs: " + ar, ar, abs(start + 10), 2);
        }
        List<DnsMessage.Question> questions = new ArrayList<>(Math.min(qd, 4));
        List<DnsRecord> records = new ArrayList<>(Math.min(an + ns + ar, 16));
        int p = start + 12;
        boolean ok = true;
        if (qd + an + ns + ar > MAX_RECORDS) {
            problem(tree, "the header announces " + (qd + an + ns + ar) + " entries, more than a DNS message can hold",
                    start + 4, 8);
        }
        FieldNode qTree = tree != null && qd > 0 ? tree.add("dns.queries", "Queries", null, abs(p), 0) : null;
        for (int i = 0; i < qd && ok && i < MAX_RECORDS; i++) {
            int q0 = p;
            Name n = readName(p, end, qTree);
            if (!n.ok) {
                ok = false;
                break;
            }
            if (n.next + 4 > end) {
                problem(qTree, "question " + (i + 1) + " ends after its name: type and class are missing", n.next,
                        end - n.next);
                ok = false;
                break;
            }
            int type = u16(n.next);
            int cls = u16(n.next + 2);
            questions.add(new DnsMessage.Question(n.text, type, cls));
            if (qTree != null) {
                FieldNode q = qTree.add("dns.qry", n.text + ": type " + DnsTypes.typeName(type) + ", class "
                        + className(cls), null, abs(q0), n.next + 4 - q0);
                q.add("dns.qry.name", "Name: " + n.text, n.text, abs(q0), n.next - q0);
                q.add("dns.qry.type", "Type: " + DnsTypes.typeName(type) + " (" + type + ")", type, abs(n.next), 2);
                q.add("dns.qry.class", "Class: " + className(cls & 0x7fff) + String.format(" (0x%04x)", cls), cls,
                        abs(n.next + 2), 2);
            }
            p = n.next + 4;
        }
        int[] counts = {an, ns, ar};
        Section[] sections = SECTIONS;
        String[][] labels = SECTION_LABELS;
        for (int s = 0; s < 3 && ok; s++) {
            FieldNode sTree = tree != null && counts[s] > 0 ? tree.add(labels[s][0], labels[s][1], null, abs(p), 0) : null;
            for (int i = 0; i < counts[s] && ok; i++) {
                if (records.size() >= MAX_RECORDS) {
                    ok = false;
                    break;
                }
                if (p >= end) {
                    problem(sTree, "the header announces " + counts[s] + " " + labels[s][1].toLowerCase()
                            + " records but the message ends after " + i, end, 0);
                    ok = false;
                    break;
                }
                int next = readRecord(p, sections[s], records, sTree);
                if (next < 0) {
                    ok = false;
                } else {
                    p = next;
                }
            }
        }
        if (ok && p < end && tree != null) {
            tree.add("dns.extraneous", "Extraneous data: " + (end - p) + " bytes after the last record", end - p,
                    abs(p), end - p);
        }
        return new DnsMessage(id, flags, List.copyOf(questions), List.copyOf(records), List.copyOf(problems));
    }

    /** Why parts of the message could not be read (also when {@link #read} returned null). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** The node under which the first problem was marked, for callers that want to point at it. */
    public FieldNode malformedNode() {
        return malformedAt;
    }

    /** Reads one resource record at {@code p}; returns the offset after it, or -1 when it is damaged. */
    private int readRecord(int p, Section section, List<DnsRecord> out, FieldNode sTree) {
        Name n = readName(p, end, sTree);
        if (!n.ok) {
            return -1;
        }
        int h = n.next;
        if (h + 10 > end) {
            problem(sTree, "record " + n.text + " is cut short: its 10-byte type/class/TTL/length header needs "
                    + (h + 10 - end) + " more bytes", h, end - h);
            return -1;
        }
        int type = u16(h);
        int cls = u16(h + 2);
        long ttl = u32(h + 4);
        int rdlen = u16(h + 8);
        int rd = h + 10;
        FieldNode r = null;
        if (sTree != null) {
            r = sTree.add("dns.resp", n.text + ": type " + DnsTypes.typeName(type) + ", class " + className(cls),
                    null, abs(p), Math.min(rd + rdlen, end) - p);
            r.add("dns.resp.name", "Name: " + n.text, n.text, abs(p), h - p);
            r.add("dns.resp.type", "Type: " + DnsTypes.typeName(type) + " (" + type + ")", type, abs(h), 2);
            if (type == DnsTypes.OPT) {
                r.add("dns.rr.udp_payload_size", "UDP payload size: " + cls, cls, abs(h + 2), 2);
                r.add("dns.resp.ext_rcode", "Higher bits in extended RCODE: " + (ttl >>> 24), ttl >>> 24, abs(h + 4), 1);
                r.add("dns.resp.edns0_version", "EDNS0 version: " + ((ttl >> 16) & 0xff), (ttl >> 16) & 0xff,
                        abs(h + 5), 1);
                r.add("dns.resp.z.do", "DO bit: " + ((ttl & 0x8000) != 0), (ttl & 0x8000) != 0, abs(h + 6), 2);
            } else {
                r.add("dns.resp.class", "Class: " + className(cls & 0x7fff) + String.format(" (0x%04x)", cls), cls,
                        abs(h + 2), 2);
                r.add("dns.resp.ttl", "Time to live: " + ttl, ttl, abs(h + 4), 4);
            }
            r.add("dns.resp.len", "Data length: " + rdlen, rdlen, abs(h + 8), 2);
        }
        if (rd + rdlen > end) {
            problem(r != null ? r : sTree, "record " + n.text + " says its data is " + rdlen + " bytes but only "
                    + (end - rd) + " are left", rd, end - rd);
            return -1;
        }
        // most records (A, AAAA, CNAME, PTR) have no other fields: they share one empty map
        Map<String, Object> details = hasDetails(type) ? new LinkedHashMap<>() : Map.of();
        String data = readRdata(type, rd, rd + rdlen, details, r, n.text);
        out.add(new DnsRecord(section, n.text, type, cls, ttl, data, details, rd, rdlen));
        return rd + rdlen;
    }

    /** The types whose RDATA fields {@link #readRdata} puts into the record's details. */
    private static boolean hasDetails(int type) {
        return switch (type) {
            case DnsTypes.MX, DnsTypes.SRV, DnsTypes.SOA, DnsTypes.OPT, DnsTypes.TKEY, DnsTypes.TSIG -> true;
            default -> false;
        };
    }

    /** Reads the RDATA of the types Kerberos troubleshooting looks at; other types are kept as their length. */
    private String readRdata(int type, int p, int e, Map<String, Object> d, FieldNode r, String owner) {
        switch (type) {
            case DnsTypes.A, DnsTypes.AAAA -> {
                int want = type == DnsTypes.A ? 4 : 16;
                if (e - p != want) {
                    problem(r, "an " + DnsTypes.typeName(type) + " record holds " + want + " bytes, this one "
                            + (e - p), p, e - p);
                    return null;
                }
                String ip = type == DnsTypes.A ? ipv4(p) : ipv6(p);
                if (r != null) {
                    node(r, type == DnsTypes.A ? "dns.a" : "dns.aaaa", "Address: " + ip, ip, p, want);
                }
                return ip;
            }
            case DnsTypes.CNAME, DnsTypes.PTR, DnsTypes.NS -> {
                Name n = readName(p, e, r);
                String field = type == DnsTypes.CNAME ? "dns.cname" : type == DnsTypes.PTR ? "dns.ptr.domain_name" : "dns.ns";
                String label = type == DnsTypes.CNAME ? "CNAME: " : type == DnsTypes.PTR ? "Domain Name: " : "Name Server: ";
                if (r != null) {
                    node(r, field, label + n.text, n.text, p, n.next - p);
                }
                return n.ok ? n.text : null;
            }
            case DnsTypes.MX -> {
                if (e - p < 3) {
                    problem(r, "an MX record needs a preference and a name", p, e - p);
                    return null;
                }
                d.put("preference", u16(p));
                if (r != null) {
                    node(r, "dns.mx.preference", "Preference: " + u16(p), u16(p), p, 2);
                }
                Name n = readName(p + 2, e, r);
                if (r != null) {
                    node(r, "dns.mx.mail_exchange", "Mail Exchange: " + n.text, n.text, p + 2, n.next - p - 2);
                }
                return n.ok ? n.text : null;
            }
            case DnsTypes.SRV -> {
                if (e - p < 7) {
                    problem(r, "an SRV record needs priority, weight, port and target", p, e - p);
                    return null;
                }
                d.put("priority", u16(p));
                d.put("weight", u16(p + 2));
                d.put("port", u16(p + 4));
                if (r != null) {
                    node(r, "dns.srv.priority", "Priority: " + u16(p), u16(p), p, 2);
                }
                if (r != null) {
                    node(r, "dns.srv.weight", "Weight: " + u16(p + 2), u16(p + 2), p + 2, 2);
                }
                if (r != null) {
                    node(r, "dns.srv.port", "Port: " + u16(p + 4), u16(p + 4), p + 4, 2);
                }
                Name n = readName(p + 6, e, r);
                if (r != null) {
                    node(r, "dns.srv.target", "Target: " + n.text, n.text, p + 6, n.next - p - 6);
                }
                return n.ok ? n.text : null;
            }
            case DnsTypes.SOA -> {
                Name m = readName(p, e, r);
                if (!m.ok) {
                    return null;
                }
                if (r != null) {
                    node(r, "dns.soa.mname", "Primary name server: " + m.text, m.text, p, m.next - p);
                }
                Name rn = readName(m.next, e, r);
                if (!rn.ok) {
                    return m.text;
                }
                if (r != null) {
                    node(r, "dns.soa.rname", "Responsible authority's mailbox: " + rn.text, rn.text, m.next, rn.next - m.next);
                }
                if (rn.next + 20 > e) {
                    problem(r, "an SOA record ends before its five 32-bit counters", rn.next, e - rn.next);
                    return m.text;
                }
                String[] names = {"serial", "refresh", "retry", "expire", "minimum"};
                for (int i = 0; i < 5; i++) {
                    long v = u32(rn.next + 4 * i);
                    d.put(names[i], v);
                    if (r != null) {
                        node(r, "dns.soa." + names[i], names[i] + ": " + v, v, rn.next + 4 * i, 4);
                    }
                }
                d.put("rname", rn.text);
                return m.text;
            }
            case DnsTypes.TXT -> {
                StringBuilder sb = new StringBuilder();
                int q = p;
                while (q < e) {
                    int len = pdu.u8(q);
                    if (q + 1 + len > e) {
                        problem(r, "a TXT string says " + len + " bytes but only " + (e - q - 1) + " are left", q, e - q);
                        break;
                    }
                    String s = latin1(q + 1, len);
                    if (r != null) {
                        node(r, "dns.txt", "TXT: " + s, s, q, 1 + len);
                    }
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(s);
                    q += 1 + len;
                }
                return sb.toString();
            }
            case DnsTypes.OPT -> {
                int q = p;
                List<Integer> codes = new ArrayList<>();
                while (q + 4 <= e) {
                    int code = u16(q);
                    int len = u16(q + 2);
                    if (q + 4 + len > e) {
                        problem(r, "an EDNS option says " + len + " bytes but only " + (e - q - 4) + " are left", q, e - q);
                        break;
                    }
                    codes.add(code);
                    if (r != null) {
                        node(r, "dns.opt.code", "Option: " + code + " (" + len + " bytes)", code, q, 4 + len);
                    }
                    q += 4 + len;
                }
                d.put("options", codes);
                return null;
            }
            case DnsTypes.TKEY -> {
                return readTkey(p, e, d, r);
            }
            case DnsTypes.TSIG -> {
                Name alg = readName(p, e, r);
                if (!alg.ok) {
                    return null;
                }
                d.put("algorithm", alg.text);
                if (r != null) {
                    node(r, "dns.tsig.algorithm_name", "Algorithm Name: " + alg.text, alg.text, p, alg.next - p);
                }
                int q = alg.next;
                if (q + 10 > e) {
                    problem(r, "a TSIG record ends before its time, fudge and MAC size", q, e - q);
                    return null;
                }
                long signed = ((long) u16(q) << 32) | u32(q + 2);
                int mac = u16(q + 8);
                d.put("timeSigned", signed);
                d.put("fudge", u16(q + 6));
                if (r != null) {
                    node(r, "dns.tsig.time_signed", "Time Signed: " + signed, signed, q, 6);
                }
                if (r != null) {
                    node(r, "dns.tsig.mac_size", "MAC Size: " + mac, mac, q + 8, 2);
                }
                q += 10;
                if (q + mac + 6 > e) {
                    problem(r, "a TSIG MAC of " + mac + " bytes does not fit the record", q, e - q);
                    return null;
                }
                if (r != null) {
                    node(r, "dns.tsig.mac", "MAC", mac, q, mac);
                }
                q += mac;
                d.put("originalId", u16(q));
                d.put("error", u16(q + 2));
                if (r != null) {
                    node(r, "dns.tsig.original_id", "Original Id: " + u16(q), u16(q), q, 2);
                }
                if (r != null) {
                    node(r, "dns.tsig.error", "Error: " + u16(q + 2), u16(q + 2), q + 2, 2);
                }
                return null;
            }
            default -> {
                if (r != null && e > p) {
                    r.add("dns.data", "Data (" + (e - p) + " bytes)", e - p, abs(p), e - p);
                }
                return null;
            }
        }
    }

    /** TKEY (RFC 2930 section 2): algorithm, inception, expiration, mode, error, key data, other data. */
    private String readTkey(int p, int e, Map<String, Object> d, FieldNode r) {
        Name alg = readName(p, e, r);
        if (!alg.ok) {
            return null;
        }
        d.put("algorithm", alg.text);
        if (r != null) {
            node(r, "dns.tkey.algo_name", "Algorithm name: " + alg.text, alg.text, p, alg.next - p);
        }
        int q = alg.next;
        if (q + 14 > e) {
            problem(r, "a TKEY record ends before its times, mode, error and key size", q, e - q);
            return null;
        }
        d.put("inception", u32(q));
        d.put("expiration", u32(q + 4));
        int mode = u16(q + 8);
        int error = u16(q + 10);
        int keySize = u16(q + 12);
        d.put("mode", mode);
        d.put("error", error);
        if (r != null) {
            node(r, "dns.tkey.signature_inception", "Signature Inception: " + u32(q), u32(q), q, 4);
        }
        if (r != null) {
            node(r, "dns.tkey.signature_expiration", "Signature Expiration: " + u32(q + 4), u32(q + 4), q + 4, 4);
        }
        if (r != null) {
            node(r, "dns.tkey.mode", "Mode: " + DnsTypes.tkeyModeName(mode) + " (" + mode + ")", mode, q + 8, 2);
        }
        if (r != null) {
            node(r, "dns.tkey.error", "Error: " + DnsTypes.rcodeName(error) + " (" + error + ")", error, q + 10, 2);
        }
        if (r != null) {
            node(r, "dns.tkey.key_size", "Key Size: " + keySize, keySize, q + 12, 2);
        }
        q += 14;
        if (q + keySize > e) {
            problem(r, "the TKEY key data says " + keySize + " bytes but only " + (e - q) + " are left", q, e - q);
            return null;
        }
        d.put("keyOffset", q);
        d.put("keyLength", keySize);
        q += keySize;
        if (q + 2 <= e) {
            d.put("otherSize", u16(q));
        }
        return null;
    }

    /**
     * Reads a possibly compressed name whose in-place part must end by {@code limit}.
     * The text is in presentation form: labels joined by dots, bytes outside printable ASCII and the
     * characters {@code .} and {@code \} escaped as {@code \ddd} (RFC 4343 section 2.1).
     */
    Name readName(int off, int limit, FieldNode where) {
        StringBuilder sb = new StringBuilder();
        int pos = off;
        int next = -1;
        int jumps = 0;
        int wire = 1;
        while (true) {
            int bound = next < 0 ? limit : end;
            if (pos >= bound) {
                problem(where, "a name runs past the end of its " + (next < 0 && limit < end ? "record" : "message"),
                        off, Math.max(0, bound - off));
                return new Name(text(sb), bound, false);
            }
            int b = pdu.u8(pos);
            if (b == 0) {
                if (next < 0) {
                    next = pos + 1;
                }
                return new Name(text(sb), next, true);
            }
            if ((b & 0xc0) == 0xc0) {
                if (pos + 1 >= bound) {
                    problem(where, "a compression pointer is cut short", pos, bound - pos);
                    return new Name(text(sb), bound, false);
                }
                int target = ((b & 0x3f) << 8) | pdu.u8(pos + 1);
                if (next < 0) {
                    next = pos + 2;
                }
                if (start + target >= end) {
                    problem(where, "a compression pointer goes to offset " + target + ", outside the "
                            + (end - start) + "-byte message", pos, 2);
                    return new Name(text(sb), next, false);
                }
                if (++jumps > MAX_JUMPS) {
                    problem(where, "compression pointers form a loop (more than " + MAX_JUMPS
                            + " pointers in one name, a fixed bound: a valid name needs fewer)", pos, 2);
                    return new Name(text(sb), next, false);
                }
                pos = start + target;
                continue;
            }
            if ((b & 0xc0) != 0) {
                problem(where, String.format("label type 0x%02x is not defined for names (RFC 6891 section 5)", b & 0xc0),
                        pos, 1);
                return new Name(text(sb), next < 0 ? pos + 1 : next, false);
            }
            if (pos + 1 + b > bound) {
                problem(where, "a label of " + b + " bytes runs past the end of the "
                        + (next < 0 && limit < end ? "record" : "message"), pos, bound - pos);
                return new Name(text(sb), bound, false);
            }
            wire += b + 1;
            if (wire > MAX_NAME) {
                problem(where, "a name is longer than 255 bytes (RFC 1035 section 3.1)", off, Math.max(0, pos - off));
                return new Name(text(sb), next < 0 ? pos + 1 + b : next, false);
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            for (int i = 0; i < b; i++) {
                int c = pdu.u8(pos + 1 + i);
                if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\') {
                    sb.append('\\').append(String.format("%03d", c));
                } else {
                    sb.append((char) c);
                }
            }
            pos += 1 + b;
        }
    }

    private static String text(StringBuilder sb) {
        return sb.length() == 0 ? "<Root>" : sb.toString();
    }

    /** Callers test {@code parent} first, so that no label is built on the fast path (no tree). */
    private void node(FieldNode parent, String name, String label, Object value, int off, int len) {
        if (parent != null) {
            parent.add(name, label, value, abs(off), Math.max(0, len));
        }
    }

    private void problem(FieldNode where, String message, int off, int len) {
        problems.add(message);
        if (where != null) {
            where.malformed(message, abs(Math.max(0, off)), Math.max(0, len));
            if (malformedAt == null) {
                malformedAt = where;
            }
        }
    }

    private int abs(int i) {
        return pdu.abs(i);
    }

    private int u16(int i) {
        return (pdu.u8(i) << 8) | pdu.u8(i + 1);
    }

    private long u32(int i) {
        return ((long) u16(i) << 16) | u16(i + 2);
    }

    private String ipv4(int p) {
        return pdu.u8(p) + "." + pdu.u8(p + 1) + "." + pdu.u8(p + 2) + "." + pdu.u8(p + 3);
    }

    /** RFC 5952 text: lower-case hex, the longest run of two or more zero groups shown as "::". */
    private String ipv6(int p) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = u16(p + 2 * i);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private String latin1(int p, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            int c = pdu.u8(p + i);
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }

    private static String className(int cls) {
        return switch (cls) {
            case 1 -> "IN";
            case 3 -> "CH";
            case 4 -> "HS";
            case 254 -> "NONE";
            case 255 -> "ANY";
            default -> "CLASS" + cls;
        };
    }

    private static String flagsSummary(int flags) {
        boolean resp = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xf;
        String op = switch (opcode) {
            case 0 -> "Standard";
            case 4 -> "Notify";
            case 5 -> "Dynamic update";
            default -> "Opcode " + opcode;
        };
        if (!resp) {
            return op + " query";
        }
        return op + " query response, " + DnsTypes.rcodeName(flags & 0xf);
    }
}
