package org.kerbscope.capture.tests;

import java.nio.charset.StandardCharsets;

/** Builds pcapng blocks (draft-ietf-opsawg-pcapng) in one byte order. */
final class Pcapng {
    final boolean be;
    final Bytes out;

    Pcapng(boolean bigEndian) {
        be = bigEndian;
        out = new Bytes(bigEndian);
    }

    Bytes body() {
        return new Bytes(be);
    }

    Pcapng block(int type, Bytes body) {
        body.pad4();
        out.u32(type).u32(12 + body.size()).raw(body.bytes()).u32(12 + body.size());
        return this;
    }

    Pcapng shb() {
        return block(0x0A0D0D0A, body().u32(0x1A2B3C4D).u16(1).u16(0).u64(-1));
    }

    /** An IDB; {@code tsresol} -1 leaves the option out (microseconds), {@code tsoffset} 0 likewise. */
    Pcapng idb(int linkType, int snaplen, int tsresol, long tsoffset) {
        Bytes b = body().u16(linkType).u16(0).u32(snaplen);
        if (tsresol >= 0) {
            b.u16(9).u16(1).u8(tsresol).pad4();
        }
        if (tsoffset != 0) {
            b.u16(14).u16(8).u64(tsoffset);
        }
        b.u16(2).u16(4).ascii("eth0");
        b.u16(0).u16(0);
        return block(1, b);
    }

    Pcapng epb(int iface, long units, byte[] data, int origLen, String comment) {
        Bytes b = body().u32(iface).u32(units >>> 32).u32(units).u32(data.length).u32(origLen).raw(data).pad4();
        if (comment != null) {
            byte[] c = comment.getBytes(StandardCharsets.UTF_8);
            b.u16(1).u16(c.length).raw(c).pad4().u16(0).u16(0);
        }
        return block(6, b);
    }

    Pcapng spb(byte[] data, int origLen) {
        return block(3, body().u32(origLen).raw(data));
    }

    Pcapng obsoletePb(int iface, long units, byte[] data) {
        return block(2, body().u16(iface).u16(0).u32(units >>> 32).u32(units).u32(data.length).u32(data.length).raw(data));
    }

    Pcapng nrb() {
        // One IPv4 record (type 1): 10.0.0.1 -> "dc.example.test", then the end record.
        byte[] name = "dc.example.test\0".getBytes(StandardCharsets.US_ASCII);
        Bytes b = body().u16(1).u16(4 + name.length).raw(new byte[] {10, 0, 0, 1}).raw(name).pad4().u16(0).u16(0);
        return block(4, b);
    }

    Pcapng isb(int iface) {
        return block(5, body().u32(iface).u32(0).u32(12345).u16(0).u16(0));
    }

    byte[] bytes() {
        return out.bytes();
    }
}
