package org.kerbscope.dissect.dns;

import java.util.List;

/**
 * A DNS message as read from the wire; what could not be read is listed in {@link #problems()} (the parts
 * before the damage are kept).
 *
 * @param id        transaction id
 * @param flags     the 16-bit flags word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode)
 * @param questions the question section, name and type of each
 * @param records   answer, authority and additional records, in wire order
 * @param problems  why parts of the message could not be read, in English sentences
 */
public record DnsMessage(int id, int flags, List<Question> questions, List<DnsRecord> records,
        List<String> problems) {

    /** One question: name as text and type/class numbers. */
    public record Question(String name, int type, int qclass) {
    }

    public boolean response() {
        return (flags & 0x8000) != 0;
    }

    public int opcode() {
        return (flags >> 11) & 0xf;
    }

    public int rcode() {
        return flags & 0xf;
    }

    public boolean truncated() {
        return (flags & 0x0200) != 0;
    }

    public boolean authoritative() {
        return (flags & 0x0400) != 0;
    }

    /** The records of one section, in wire order. */
    public List<DnsRecord> section(DnsRecord.Section s) {
        List<DnsRecord> out = new java.util.ArrayList<>(records.size());
        for (DnsRecord r : records) {
            if (r.section() == s) {
                out.add(r);
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
