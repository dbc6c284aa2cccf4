package org.kerbscope.lab.child;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DNS message (RFC 1035) as the lab's DNS server and the client's resolver exchange it: header, one question,
 * and resource records of the types the lab zone holds (A, CNAME, SRV, PTR, SOA). It lives in the child package
 * because the client process, which only has the JDK, encodes queries with it.
 */
public final class DnsMessage {

    public static final int TYPE_A = 1;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_SOA = 6;
    public static final int TYPE_PTR = 12;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_SRV = 33;
    public static final int CLASS_IN = 1;

    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_NXDOMAIN = 3;
    public static final int RCODE_REFUSED = 5;

    /** A resource record; {@code data} is the decoded RDATA: dotted address, target name, or SRV/SOA text. */
    public record Record(String name, int type, long ttl, String data) {
        public static Record a(String name, String address) {
            return new Record(name, TYPE_A, 1200, address);
        }

        public static Record cname(String name, String target) {
            return new Record(name, TYPE_CNAME, 1200, target);
        }

        public static Record ptr(String name, String target) {
            return new Record(name, TYPE_PTR, 1200, target);
        }

        /** data = "priority weight port target". */
        public static Record srv(String name, int priority, int weight, int port, String target) {
            return new Record(name, TYPE_SRV, 600, priority + " " + weight + " " + port + " " + target);
        }

        /** data = "mname rname serial refresh retry expire minimum". */
        public static Record soa(String zone, String mname, String rname, long serial) {
            return new Record(zone, TYPE_SOA, 3600, mname + " " + rname + " " + serial + " 900 600 86400 3600");
        }
    }

    public int id;
    public boolean response;
    public boolean authoritative;
    public boolean recursionDesired = true;
    public boolean recursionAvailable;
    public int rcode;
    public String qname = "";
    public int qtype = TYPE_A;
    public final List<Record> answers = new ArrayList<>();
    public final List<Record> authority = new ArrayList<>();
    public final List<Record> additional = new ArrayList<>();

    public static DnsMessage query(int id, String name, int type) {
        DnsMessage m = new DnsMessage();
        m.id = id;
        m.qname = name;
        m.qtype = type;
        return m;
    }

    /** The answer to this query: same id and question, the given code; records are added by the caller. */
    public DnsMessage reply(int code) {
        DnsMessage m = new DnsMessage();
        m.id = id;
        m.response = true;
        m.authoritative = true;
        m.recursionDesired = recursionDesired;
        m.recursionAvailable = true;
        m.rcode = code;
        m.qname = qname;
        m.qtype = qtype;
        return m;
    }

    public byte[] encode() {
        Encoder e = new Encoder();
        e.u16(id);
        int flags = (response ? 0x8000 : 0) | (authoritative ? 0x0400 : 0) | (recursionDesired ? 0x0100 : 0)
                | (recursionAvailable ? 0x0080 : 0) | (rcode & 0xF);
        e.u16(flags);
        e.u16(1);
        e.u16(answers.size());
        e.u16(authority.size());
        e.u16(additional.size());
        e.name(qname);
        e.u16(qtype);
        e.u16(CLASS_IN);
        for (List<Record> section : List.of(answers, authority, additional)) {
            for (Record r : section) {
                e.record(r);
            }
        }
        return e.out.toByteArray();
    }

    /** Decodes a message; throws {@link IllegalArgumentException} on anything truncated or malformed. */
    public static DnsMessage decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            DnsMessage m = new DnsMessage();
            m.id = b.getShort() & 0xFFFF;
            int flags = b.getShort() & 0xFFFF;
            m.response = (flags & 0x8000) != 0;
            m.authoritative = (flags & 0x0400) != 0;
            m.recursionDesired = (flags & 0x0100) != 0;
            m.recursionAvailable = (flags & 0x0080) != 0;
            m.rcode = flags & 0xF;
            int qd = b.getShort() & 0xFFFF;
            int an = b.getShort() & 0xFFFF;
            int ns = b.getShort() & 0xFFFF;
            int ar = b.getShort() & 0xFFFF;
            if (qd != 1) {
                throw new IllegalArgumentException("expected one question, found " + qd);
            }
            m.qname = readName(bytes, b);
            m.qtype = b.getShort() & 0xFFFF;
            b.getShort();
            readRecords(bytes, b, an, m.answers);
            readRecords(bytes, b, ns, m.authority);
            readRecords(bytes, b, ar, m.additional);
            return m;
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated DNS message", e);
        }
    }

    private static void readRecords(byte[] bytes, ByteBuffer b, int count, List<Record> into) {
        for (int i = 0; i < count; i++) {
            String name = readName(bytes, b);
            int type = b.getShort() & 0xFFFF;
            b.getShort();
            long ttl = b.getInt() & 0xFFFFFFFFL;
            int len = b.getShort() & 0xFFFF;
            int end = b.position() + len;
            String data;
            switch (type) {
                case TYPE_A -> data = (b.get() & 0xFF) + "." + (b.get() & 0xFF) + "." + (b.get() & 0xFF) + "." + (b.get() & 0xFF);
                case TYPE_CNAME, TYPE_PTR -> data = readName(bytes, b);
                case TYPE_SRV -> {
                    int prio = b.getShort() & 0xFFFF;
                    int weight = b.getShort() & 0xFFFF;
                    int port = b.getShort() & 0xFFFF;
                    data = prio + " " + weight + " " + port + " " + readName(bytes, b);
                }
                default -> data = "";
            }
            b.position(end);
            into.add(new Record(name, type, ttl, data));
        }
    }

    private static String readName(byte[] bytes, ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        int pos = b.position();
        int jumps = 0;
        int resume = -1;
        while (true) {
            int len = bytes[pos] & 0xFF;
            if ((len & 0xC0) == 0xC0) {
                if (++jumps > 16) {
                    throw new IllegalArgumentException("compression loop");
                }
                int target = ((len & 0x3F) << 8) | (bytes[pos + 1] & 0xFF);
                if (resume < 0) {
                    resume = pos + 2;
                }
                pos = target;
                continue;
            }
            pos++;
            if (len == 0) {
                break;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(new String(bytes, pos, len, StandardCharsets.US_ASCII));
            pos += len;
        }
        b.position(resume >= 0 ? resume : pos);
        return sb.toString();
    }

    /** Writes names with RFC 1035 compression against names already written, as Windows DNS does. */
    private static final class Encoder {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Map<String, Integer> offsets = new HashMap<>();

        void u16(int v) {
            out.write(v >>> 8);
            out.write(v);
        }

        void u32(long v) {
            u16((int) (v >>> 16));
            u16((int) v);
        }

        void name(String name) {
            String rest = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            while (!rest.isEmpty()) {
                Integer at = offsets.get(rest.toLowerCase(Locale.ROOT));
                if (at != null) {
                    u16(0xC000 | at);
                    return;
                }
                if (out.size() < 0x3FFF) {
                    offsets.put(rest.toLowerCase(Locale.ROOT), out.size());
                }
                int dot = rest.indexOf('.');
                String label = dot < 0 ? rest : rest.substring(0, dot);
                byte[] l = label.getBytes(StandardCharsets.US_ASCII);
                out.write(l.length);
                out.writeBytes(l);
                rest = dot < 0 ? "" : rest.substring(dot + 1);
            }
            out.write(0);
        }

        void record(Record r) {
            name(r.name());
            u16(r.type());
            u16(CLASS_IN);
            u32(r.ttl());
            // RDATA is written to a scratch position first because its length precedes it.
            int lenAt = out.size();
            u16(0);
            int start = out.size();
            switch (r.type()) {
                case TYPE_A -> {
                    for (String part : r.data().split("\\.")) {
                        out.write(Integer.parseInt(part));
                    }
                }
                case TYPE_CNAME, TYPE_PTR -> name(r.data());
                case TYPE_SRV -> {
                    String[] f = r.data().split(" ");
                    u16(Integer.parseInt(f[0]));
                    u16(Integer.parseInt(f[1]));
                    u16(Integer.parseInt(f[2]));
                    name(f[3]);
                }
                case TYPE_SOA -> {
                    String[] f = r.data().split(" ");
                    name(f[0]);
                    name(f[1]);
                    for (int i = 2; i < 7; i++) {
                        u32(Long.parseLong(f[i]));
                    }
                }
                default -> throw new IllegalArgumentException("record type " + r.type() + " is not served by the lab");
            }
            byte[] all = out.toByteArray();
            int len = out.size() - start;
            all[lenAt] = (byte) (len >>> 8);
            all[lenAt + 1] = (byte) len;
            out.reset();
            out.writeBytes(all);
        }
    }
}
