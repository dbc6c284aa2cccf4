package org.kerbscope.core.model;

/**
 * An address and port as text, in canonical form ({@code 192.168.2.101}, {@code 2001:db8::1}); port 0 when
 * the transport has none.
 */
public record Endpoint(String address, int port) {

    /*
     * equals and hashCode written out, with the values a record's generated ones give: those run through method
     * handles (java.lang.runtime.ObjectMethods), which only C2 compiles well, and a large capture's reading and first
     * diagnosis compare and hash millions of endpoints (and keys made of them) before C2 gets to them.
     */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Endpoint e && port == e.port && java.util.Objects.equals(address, e.address);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(address) * 31 + port;
    }

    /** {@code 192.168.2.101:88}, {@code [2001:db8::1]:88} (as {@link #text(char[])} writes it). */
    @Override
    public String toString() {
        char[] out = new char[address.length() + MORE_CHARS];
        return new String(out, 0, text(out));
    }

    /** Brackets, colon and an int's sign and digits: what the text needs beyond the address. */
    private static final int MORE_CHARS = 14;

    /**
     * The text of {@link #toString()} into {@code out}, for writers of many endpoints (the JSON document's events),
     * which need no string of their own.
     *
     * @return the number of characters written, or -1 when {@code out} is shorter than the address and 14
     */
    public int text(char[] out) {
        int a = address.length();
        if (a + MORE_CHARS > out.length) {
            return -1;
        }
        boolean v6 = address.indexOf(':') >= 0;
        int i = 0;
        if (v6) {
            out[i++] = '[';
        }
        address.getChars(0, a, out, i);
        i += a;
        if (v6) {
            out[i++] = ']';
        }
        out[i++] = ':';
        long p = port; // a long, so that Integer.MIN_VALUE has a positive value too
        if (p < 0) {
            out[i++] = '-';
            p = -p;
        }
        int digits = 1;
        for (long x = p; x >= 10; x /= 10) {
            digits++;
        }
        for (int j = i + digits - 1; j >= i; j--) {
            out[j] = (char) ('0' + p % 10);
            p /= 10;
        }
        return i + digits;
    }
}
