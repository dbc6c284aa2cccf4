package org.kerbscope.dissect.http.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The HPACK decoder of one direction of an HTTP/2 connection (RFC 7541): the static table, the dynamic table the
 * peer's encoder fills, integers with a prefix, string literals plain or Huffman-coded. Bytes are hostile: every
 * length is checked against the block, the dynamic table and a header list are bounded, and what breaks the rules
 * throws {@link HpackException} (the connection's decoding cannot go on after that: RFC 7541 section 2.3.3 makes the
 * tables' state depend on every block before).
 */
public final class Hpack {
    /** A header block that cannot be decoded; the decoder's state is then unknown. */
    public static final class HpackException extends Exception {
        private static final long serialVersionUID = 1L;

        HpackException(String message) {
            super(message);
        }
    }

    /** One decoded field: name and value as ISO-8859-1 (one character per byte, as the HTTP/1.x reader reads). */
    public record Header(String name, String value) {
    }

    /** Largest dynamic table accepted (the size the peer may set with its own SETTINGS is larger in theory). */
    public static final int MAX_TABLE = 64 * 1024;
    /** Largest decoded header list (names and values): the HTTP/1.x reader's bound on a header block. */
    public static final int MAX_LIST = HttpFramer.MAX_HEAD;

    /** RFC 7541 Appendix A. */
    private static final String[][] STATIC = {
        {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"}, {":path", "/index.html"},
        {":scheme", "http"}, {":scheme", "https"}, {":status", "200"}, {":status", "204"}, {":status", "206"},
        {":status", "304"}, {":status", "400"}, {":status", "404"}, {":status", "500"}, {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"}, {"accept-language", ""}, {"accept-ranges", ""}, {"accept", ""},
        {"access-control-allow-origin", ""}, {"age", ""}, {"allow", ""}, {"authorization", ""},
        {"cache-control", ""}, {"content-disposition", ""}, {"content-encoding", ""}, {"content-language", ""},
        {"content-length", ""}, {"content-location", ""}, {"content-range", ""}, {"content-type", ""},
        {"cookie", ""}, {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""}, {"from", ""}, {"host", ""},
        {"if-match", ""}, {"if-modified-since", ""}, {"if-none-match", ""}, {"if-range", ""},
        {"if-unmodified-since", ""}, {"last-modified", ""}, {"link", ""}, {"location", ""}, {"max-forwards", ""},
        {"proxy-authenticate", ""}, {"proxy-authorization", ""}, {"range", ""}, {"referer", ""}, {"refresh", ""},
        {"retry-after", ""}, {"server", ""}, {"set-cookie", ""}, {"strict-transport-security", ""},
        {"transfer-encoding", ""}, {"user-agent", ""}, {"vary", ""}, {"via", ""}, {"www-authenticate", ""},
    };

    /**
     * RFC 7541 Appendix B, the "len in bits" column: the code's length of each symbol, 0 to 255 and EOS (256). The
     * code is canonical (codes of one length are consecutive, in symbol order, each length's first code following
     * the previous length's last), so the lengths alone give every code; {@link #HUFFMAN} derives them.
     */
    private static final byte[] CODE_LENGTH = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };

    /** The canonical code's decoding tables, built from {@link #CODE_LENGTH}. */
    static final Huffman HUFFMAN = new Huffman(CODE_LENGTH);

    /**
     * Canonical Huffman decoding: for each length, the first code and where its symbols start in the symbols sorted
     * by (length, symbol). A code is read bit by bit (at most 30): headers are short, and the tables stay small
     * enough to check against the RFC by eye.
     */
    static final class Huffman {
        static final int MAX_BITS = 30;
        static final int EOS = 256;
        final int[] firstCode = new int[MAX_BITS + 2];
        final int[] count = new int[MAX_BITS + 2];
        final int[] offset = new int[MAX_BITS + 2];
        final int[] symbols;

        Huffman(byte[] lengths) {
            symbols = new int[lengths.length];
            for (byte l : lengths) {
                count[l]++;
            }
            long c = 0;
            int k = 0;
            for (int len = 1; len <= MAX_BITS; len++) {
                firstCode[len] = (int) c;
                offset[len] = k;
                for (int s = 0; s < lengths.length; s++) {
                    if (lengths[s] == len) {
                        c++;
                        symbols[k++] = s;
                    }
                }
                c <<= 1;
            }
            // a complete prefix code (Kraft's sum is 1): the code after the last 30-bit one would be 2^30, shifted once
            if (k != lengths.length || c != 1L << (MAX_BITS + 1)) {
                throw new IllegalStateException("the Huffman code lengths do not make a complete code");
            }
        }

        /** Decodes {@code n} bytes at {@code off}; the padding must be fewer than 8 one bits (RFC 7541 5.2). */
        String decode(byte[] b, int off, int n, int limit) throws HpackException {
            StringBuilder out = new StringBuilder(n + n / 2);
            int acc = 0;
            int bits = 0;
            boolean allOnes = true;
            for (int i = off; i < off + n; i++) {
                int v = b[i] & 0xff;
                for (int j = 7; j >= 0; j--) {
                    int bit = (v >>> j) & 1;
                    acc = (acc << 1) | bit;
                    bits++;
                    allOnes &= bit == 1;
                    int idx = acc - firstCode[bits];
                    if (idx >= 0 && idx < count[bits]) {
                        int s = symbols[offset[bits] + idx];
                        if (s == EOS) {
                            throw new HpackException("a Huffman-coded string holds the end-of-string symbol");
                        }
                        if (out.length() >= limit) {
                            throw new HpackException("a header list longer than " + (limit >> 10) + " KiB");
                        }
                        out.append((char) s);
                        acc = 0;
                        bits = 0;
                        allOnes = true;
                    } else if (bits >= MAX_BITS) {
                        throw new HpackException("a Huffman-coded string with a code that is not in the table");
                    }
                }
            }
            if (bits > 7 || !allOnes) {
                throw new HpackException("a Huffman-coded string ends with padding that is not the end-of-string"
                        + " code's first bits");
            }
            return out.toString();
        }
    }

    /**
     * The dynamic table, newest first, as a ring: {@code ring[(head + i) % ring.length]} is entry {@code i} (index
     * 62 + i), found in constant time (a block may name an entry thousands of times). At most {@code MAX_TABLE / 32}
     * entries fit, since each counts 32 bytes besides its name and value.
     */
    private Header[] ring = new Header[16];
    private int head;
    private int count;
    private int size;
    private int maxSize = 4096;

    /** The dynamic table's size now (RFC 7541 4.1: 32 bytes per entry beside its name and value). */
    public int tableSize() {
        return size;
    }

    /** Entries of the dynamic table, the newest first. */
    public int tableEntries() {
        return count;
    }

    /** Decodes one complete header block (HEADERS or PUSH_PROMISE and their CONTINUATION frames, put together). */
    public List<Header> decode(byte[] b) throws HpackException {
        List<Header> out = new ArrayList<>();
        int[] pos = {0};
        int total = 0;
        boolean fieldsBegan = false;
        while (pos[0] < b.length) {
            int c = b[pos[0]] & 0xff;
            Header h;
            if ((c & 0x80) != 0) {
                // 6.1 indexed
                h = entry(integer(b, pos, 7));
            } else if ((c & 0xc0) == 0x40) {
                // 6.2.1 literal with incremental indexing
                h = literal(b, pos, 6, MAX_LIST - total);
                add(h);
            } else if ((c & 0xe0) == 0x20) {
                // 6.3 dynamic table size update: only before the block's first field (RFC 7541 4.2)
                if (fieldsBegan) {
                    throw new HpackException("a dynamic table size update after a header field");
                }
                int s = integer(b, pos, 5);
                if (s > MAX_TABLE) {
                    throw new HpackException("a dynamic table size of " + s + " bytes (more than "
                            + (MAX_TABLE >> 10) + " KiB is not followed)");
                }
                maxSize = s;
                evict(0);
                continue;
            } else {
                // 6.2.2 without indexing (0000), 6.2.3 never indexed (0001)
                h = literal(b, pos, 4, MAX_LIST - total);
            }
            fieldsBegan = true;
            total += h.name().length() + h.value().length() + 32;
            if (total > MAX_LIST) {
                throw new HpackException("a header list longer than " + (MAX_LIST >> 10) + " KiB");
            }
            out.add(h);
        }
        return out;
    }

    private Header literal(byte[] b, int[] pos, int prefix, int limit) throws HpackException {
        int index = integer(b, pos, prefix);
        String name = index == 0 ? string(b, pos, limit) : entry(index).name();
        String value = string(b, pos, limit);
        return new Header(name, value);
    }

    private Header entry(int index) throws HpackException {
        if (index <= 0) {
            throw new HpackException("a header field index of 0");
        }
        if (index <= STATIC.length) {
            return new Header(STATIC[index - 1][0], STATIC[index - 1][1]);
        }
        int d = index - STATIC.length - 1;
        if (d >= count) {
            throw new HpackException("a header field index " + index + " past the dynamic table's " + count + " entries");
        }
        return ring[(head + d) % ring.length];
    }

    private void add(Header h) {
        int s = entrySize(h);
        if (s > maxSize) {
            // 4.4: an entry larger than the table empties it and is not added
            evict(maxSize + 1);
            return;
        }
        evict(s);
        if (count == ring.length) {
            Header[] grown = new Header[ring.length * 2];
            for (int i = 0; i < count; i++) {
                grown[i] = ring[(head + i) % ring.length];
            }
            ring = grown;
            head = 0;
        }
        head = (head - 1 + ring.length) % ring.length;
        ring[head] = h;
        count++;
        size += s;
    }

    /** Drops the oldest entries until {@code room} more bytes fit (all of them when it never will). */
    private void evict(int room) {
        while (count > 0 && size + room > maxSize) {
            int last = (head + count - 1) % ring.length;
            size -= entrySize(ring[last]);
            ring[last] = null;
            count--;
        }
    }

    private static int entrySize(Header h) {
        return h.name().length() + h.value().length() + 32;
    }

    /** 5.1: an integer with an N-bit prefix; values past 2^28 are refused (no real field needs them). */
    static int integer(byte[] b, int[] pos, int prefix) throws HpackException {
        if (pos[0] >= b.length) {
            throw new HpackException("a header block cut short");
        }
        int max = (1 << prefix) - 1;
        int v = b[pos[0]++] & max;
        if (v < max) {
            return v;
        }
        int shift = 0;
        while (true) {
            if (pos[0] >= b.length) {
                throw new HpackException("a header block cut short inside an integer");
            }
            int c = b[pos[0]++] & 0xff;
            v += (c & 0x7f) << shift;
            shift += 7;
            if ((c & 0x80) == 0) {
                return v;
            }
            if (shift > 21) {
                throw new HpackException("an integer longer than 28 bits");
            }
        }
    }

    /** 5.2: a string literal, Huffman-coded when its first bit is set. */
    private static String string(byte[] b, int[] pos, int limit) throws HpackException {
        if (pos[0] >= b.length) {
            throw new HpackException("a header block cut short before a string");
        }
        boolean huffman = (b[pos[0]] & 0x80) != 0;
        int n = integer(b, pos, 7);
        if (n > b.length - pos[0]) {
            throw new HpackException("a string of " + n + " bytes where the header block has "
                    + (b.length - pos[0]) + " left");
        }
        int at = pos[0];
        pos[0] += n;
        if (huffman) {
            return HUFFMAN.decode(b, at, n, Math.max(0, limit));
        }
        if (n > limit) {
            throw new HpackException("a header list longer than " + (MAX_LIST >> 10) + " KiB");
        }
        return new String(b, at, n, StandardCharsets.ISO_8859_1);
    }
}
