package org.kerbscope.engine.filter;

import java.util.Locale;

/**
 * A value written in a display filter, read once when the filter is parsed: as text, as a number when it is one
 * ({@code 7}, {@code 0x12}, {@code 1.5}), and as an address when it is one ({@code 10.0.0.1}, {@code 10.0.0.0/8},
 * {@code fe80::/10}, {@code 00:0c:29:61:f5:5f}).
 */
final class Literal {
    final String text;
    final Double number;
    /** The address' bytes (4, 6 or 16), or null. */
    final byte[] address;
    /** How many leading bits of {@link #address} a value must share ({@code /24}); all of them when none was written. */
    final int prefix;

    private Literal(String text, Double number, byte[] address, int prefix) {
        this.text = text;
        this.number = number;
        this.address = address;
        this.prefix = prefix;
    }

    static Literal of(String text) {
        byte[] address = null;
        int prefix = -1;
        int slash = text.indexOf('/');
        String bare = slash < 0 ? text : text.substring(0, slash);
        if (bare.indexOf('.') >= 0 || bare.indexOf(':') >= 0 || bare.indexOf('-') >= 0) {
            address = LayerAddress.ipv4(bare);
            if (address == null && slash < 0) {
                address = LayerAddress.mac(bare);
            }
            if (address == null) {
                address = LayerAddress.ipv6(bare);
            }
        }
        if (address != null) {
            prefix = address.length * 8;
            if (slash >= 0) {
                Double bits = number(text.substring(slash + 1));
                if (bits == null || bits < 0 || bits > address.length * 8 || bits != Math.rint(bits)
                        || address.length == 6) {
                    address = null;
                } else {
                    prefix = bits.intValue();
                }
            }
        }
        return new Literal(text, slash < 0 ? number(text) : null, address, prefix);
    }

    /** Whether {@code v}, an address of the frame's layers or an event's field written as one, lies in this address' range. */
    boolean containsAddress(Object v) {
        if (address == null) {
            return false;
        }
        if (v instanceof LayerAddress a) {
            return a.within(address, prefix);
        }
        if (v instanceof CharSequence cs && cs.length() <= 45) {
            String s = cs.toString();
            byte[] b = address.length == 4 ? LayerAddress.ipv4(s) : address.length == 6 ? LayerAddress.mac(s) : LayerAddress.ipv6(s);
            return b != null && new LayerAddress(b).within(address, prefix);
        }
        return false;
    }

    /** What kind of address it is, for a message: null when it is none. */
    String addressKind() {
        return address == null ? null : address.length == 4 ? "IPv4" : address.length == 6 ? "MAC" : "IPv6";
    }

    static Double number(String s) {
        if (s.isEmpty() || s.length() > 40) {
            return null;
        }
        char c = s.charAt(0);
        // (only what can be a number is parsed: an exception per value and frame costs seconds on a large capture)
        if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.')) {
            return null;
        }
        try {
            String lower = s.toLowerCase(Locale.ROOT);
            return lower.startsWith("0x") ? Double.valueOf(Long.parseLong(s.substring(2), 16)) : Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
