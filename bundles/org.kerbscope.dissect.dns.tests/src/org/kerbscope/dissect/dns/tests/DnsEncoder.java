package org.kerbscope.dissect.dns.tests;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes DNS messages as RFC 1035 section 4 lays them out, with name compression (section 4.1.4): the
 * project's way of making DNS fixtures without copying anyone's capture.
 */
final class DnsEncoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> written = new HashMap<>();
    private int rdlengthAt = -1;
    private byte[] buf;

    DnsEncoder header(int id, int flags, int qd, int an, int ns, int ar) {
        u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
        return this;
    }

    DnsEncoder question(String name, int type) {
        return name(name).u16(type).u16(1);
    }

    /** Starts a record; its RDATA follows, then {@link #end()} writes RDLENGTH. */
    DnsEncoder rr(String name, int type, int cls, long ttl) {
        name(name).u16(type).u16(cls).u32(ttl);
        rdlengthAt = out.size();
        return u16(0);
    }

    DnsEncoder end() {
        int len = out.size() - rdlengthAt - 2;
        byte[] b = out.toByteArray();
        b[rdlengthAt] = (byte) (len >> 8);
        b[rdlengthAt + 1] = (byte) len;
        out.reset();
        out.writeBytes(b);
        rdlengthAt = -1;
        return this;
    }

    DnsEncoder a(String owner, String ip, long ttl) {
        return rr(owner, ip.contains(":") ? 28 : 1, 1, ttl).addr(ip).end();
    }

    DnsEncoder addr(String ip) {
        try {
            out.writeBytes(InetAddress.getByName(ip).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
        return this;
    }

    /** A name, compressed against every name (and name suffix) written before. */
    DnsEncoder name(String name) {
        if (name.isEmpty() || name.equals(".")) {
            out.write(0);
            return this;
        }
        String rest = name;
        while (!rest.isEmpty()) {
            Integer at = written.get(rest.toLowerCase());
            if (at != null) {
                return u16(0xc000 | at);
            }
            if (out.size() < 0x3fff) {
                written.put(rest.toLowerCase(), out.size());
            }
            int dot = rest.indexOf('.');
            String label = dot < 0 ? rest : rest.substring(0, dot);
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            out.write(l.length);
            out.writeBytes(l);
            rest = dot < 0 ? "" : rest.substring(dot + 1);
        }
        out.write(0);
        return this;
    }

    /** A name written in full, as RFC 2930 asks for the TKEY algorithm name. */
    DnsEncoder plainName(String name) {
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            out.write(l.length);
            out.writeBytes(l);
        }
        out.write(0);
        return this;
    }

    DnsEncoder u8(int v) {
        out.write(v);
        return this;
    }

    DnsEncoder u16(int v) {
        out.write(v >> 8);
        out.write(v);
        return this;
    }

    DnsEncoder u32(long v) {
        return u16((int) (v >>> 16) & 0xffff).u16((int) v & 0xffff);
    }

    DnsEncoder bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        buf = out.toByteArray();
        return buf;
    }

    /** The message with the 2-byte length prefix of DNS over TCP. */
    byte[] toTcp() {
        byte[] m = out.toByteArray();
        byte[] t = new byte[m.length + 2];
        t[0] = (byte) (m.length >> 8);
        t[1] = (byte) m.length;
        System.arraycopy(m, 0, t, 2, m.length);
        return t;
    }
}
