package org.kerbscope.engine.filter;

import java.util.Arrays;

/**
 * An address of a frame's own headers as the display filter compares it: an IPv4 or IPv6 address or a MAC address,
 * by its bytes (so {@code ip.addr == 10.0.0.0/8} matches a subnet and {@code eth.src == 00-0C-29-61-F5-5F} any
 * spelling), shown as Wireshark writes it.
 */
public final class LayerAddress implements Comparable<LayerAddress> {
    private final byte[] bytes;
    private String text;

    /** @param bytes 4, 16 (IP) or 6 (MAC) bytes, kept: the caller gives them up */
    LayerAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The address' bytes (4, 6 or 16). */
    byte[] bytes() {
        return bytes;
    }

    /** Whether the first {@code prefix} bits of this address are those of {@code network} (of the same length). */
    boolean within(byte[] network, int prefix) {
        if (network.length != bytes.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public int compareTo(LayerAddress o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerAddress a && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Written as Wireshark writes it: a dotted quad, an IPv6 address compressed, a MAC address in lower-case hex with colons. */
    @Override
    public String toString() {
        if (text == null) {
            if (bytes.length == 6) {
                StringBuilder t = new StringBuilder(17);
                for (int i = 0; i < 6; i++) {
                    t.append(i == 0 ? "" : ":").append(Character.forDigit(bytes[i] >> 4 & 0xf, 16))
                            .append(Character.forDigit(bytes[i] & 0xf, 16));
                }
                text = t.toString();
            } else if (bytes.length == 4) {
                // by hand: the JDK's formatter was the filter pass' largest cost
                StringBuilder t = new StringBuilder(15);
                for (int i = 0; i < 4; i++) {
                    t.append(i == 0 ? "" : ".").append(bytes[i] & 0xff);
                }
                text = t.toString();
            } else {
                text = org.kerbscope.net.FlowKey.text(bytes);
            }
        }
        return text;
    }

    // ------------------------------------------------------------------------------------------ literals, by hand
    // (never through InetAddress: a string that is not a literal would be looked up in the DNS)

    /** An IPv4 address's four bytes, or null when {@code s} is not a dotted quad. */
    static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        int part = 0, value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 4) {
                out[part++] = (byte) value;
                value = -1;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** An IPv6 address's sixteen bytes (with {@code ::} and a trailing dotted quad), or null. */
    static byte[] ipv6(String s) {
        if (s.length() < 2 || s.length() > 45 || s.indexOf(':') < 0) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? s.substring(0, gap) : s;
        String tail = gap >= 0 ? s.substring(gap + 2) : "";
        byte[] h = groups(head, gap < 0 || tail.isEmpty());
        byte[] t = gap >= 0 ? groups(tail, true) : new byte[0];
        if (h == null || t == null || h.length + t.length > 16 || gap < 0 && h.length != 16
                || gap >= 0 && h.length + t.length == 16) {
            return null;
        }
        byte[] out = new byte[16];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(t, 0, out, 16 - t.length, t.length);
        return out;
    }

    /** Colon-separated hex groups (the last may be a dotted quad when {@code last} allows it), or null. */
    private static byte[] groups(String s, boolean last) {
        if (s.isEmpty()) {
            return new byte[0];
        }
        String[] parts = s.split(":", -1);
        byte[] out = new byte[parts.length * 2 + 2];
        int k = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && last && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, k, 4);
                k += 4;
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 16);
                if (d < 0) {
                    return null;
                }
                v = v << 4 | d;
            }
            out[k++] = (byte) (v >> 8);
            out[k++] = (byte) v;
        }
        return Arrays.copyOf(out, k);
    }

    /** A MAC address's six bytes, written {@code 00:0c:29:61:f5:5f}, {@code 00-0C-29-61-F5-5F} or {@code 000c.2961.f55f}; or null. */
    static byte[] mac(String s) {
        String hex;
        if (s.length() == 14 && s.charAt(4) == '.' && s.charAt(9) == '.') {
            hex = s.substring(0, 4) + s.substring(5, 9) + s.substring(10);
        } else if (s.length() == 17) {
            char sep = s.charAt(2);
            if (sep != ':' && sep != '-') {
                return null;
            }
            StringBuilder b = new StringBuilder(12);
            for (int i = 0; i < 17; i++) {
                if (i % 3 == 2) {
                    if (s.charAt(i) != sep) {
                        return null;
                    }
                } else {
                    b.append(s.charAt(i));
                }
            }
            hex = b.toString();
        } else {
            return null;
        }
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16), lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
