package org.kerbscope.dissect.http.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.dissect.http.internal.Hpack;
import org.kerbscope.dissect.http.internal.Hpack.Header;
import org.kerbscope.dissect.http.internal.Hpack.HpackException;

/**
 * HPACK (RFC 7541): the examples of its Appendix C decoded by one decoder per connection direction, as the RFC runs
 * them (the dynamic table carried from one request to the next), and header blocks that break its rules.
 */
class HpackTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static List<Header> h(String... nv) {
        List<Header> out = new java.util.ArrayList<>();
        for (int i = 0; i < nv.length; i += 2) {
            out.add(new Header(nv[i], nv[i + 1]));
        }
        return out;
    }

    /** C.3: requests without Huffman coding; C.4: the same requests with it. */
    @Test
    void theRfcsRequestsDecodeWithTheirDynamicTable() throws Exception {
        for (String[] blocks : new String[][] {
            {"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865",
                "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"},
            {"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf",
                "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"}}) {
            Hpack d = new Hpack();
            assertEquals(h(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"),
                    d.decode(hex(blocks[0])));
            assertEquals(57, d.tableSize());
            assertEquals(h(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com",
                    "cache-control", "no-cache"), d.decode(hex(blocks[1])));
            assertEquals(110, d.tableSize());
            assertEquals(h(":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority",
                    "www.example.com", "custom-key", "custom-value"), d.decode(hex(blocks[2])));
            assertEquals(164, d.tableSize());
            assertEquals(3, d.tableEntries());
        }
    }

    /** C.2.1 to C.2.4: one field of each literal kind, and an indexed one. */
    @Test
    void eachRepresentationOfTheRfc() throws Exception {
        Hpack d = new Hpack();
        assertEquals(h("custom-key", "custom-header"),
                d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        assertEquals(55, d.tableSize());
        assertEquals(h(":path", "/sample/path"), d.decode(hex("040c 2f73 616d 706c 652f 7061 7468")));
        assertEquals(h("password", "secret"), d.decode(hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        assertEquals(h(":method", "GET"), d.decode(hex("82")));
        assertEquals(1, d.tableEntries(), "only the incremental literal is added");
    }

    /** A table size update evicts; an entry larger than the table empties it (RFC 7541 4.3, 4.4). */
    @Test
    void sizeUpdatesAndEvictions() throws Exception {
        Hpack d = new Hpack();
        d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertEquals(h("custom-key", "custom-header"), d.decode(hex("be")));
        // size 0: the entry is evicted, and index 62 no longer exists
        d.decode(hex("20"));
        assertEquals(0, d.tableEntries());
        assertThrows(HpackException.class, () -> d.decode(hex("be")));
        // size 40 back, then an entry of 10 + 13 + 32 = 55 bytes: larger than the table, so not added
        d.decode(hex("3f09 400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertEquals(0, d.tableEntries());
    }

    /** Many entries: indexes count from the newest, and the oldest fall out first when the table is full. */
    @Test
    void aLargeTableKeepsItsOrder() throws Exception {
        Hpack d = new Hpack();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(hex("3fe1ff03")); // 31 + 97 + 127 * 128 + 3 * 16384 = 65536 bytes
        for (int i = 0; i < 1000; i++) {
            byte[] name = ("x-field-" + i).getBytes();
            b.write(0x40);
            b.write(name.length);
            b.write(name);
            b.write(3);
            b.write(String.format("%03d", i).getBytes());
        }
        assertEquals(1000, d.decode(b.toByteArray()).size());
        // each entry is 32 + 10 to 12 + 3 bytes: all 1000 fit in 64 KiB
        assertEquals(1000, d.tableEntries());
        // 62 is the newest, 62 + 999 the oldest; index 1061 is 0x7f + 934 with a 7-bit prefix
        assertEquals(h("x-field-999", "999", "x-field-0", "000"), d.decode(hex("be ff a6 07")));
        // a smaller table keeps the newest entries that fit
        d.decode(hex("3fe107")); // 31 + 97 + 7 * 128 = 1024 bytes: 22 entries of 11 + 3 + 32 bytes
        assertEquals(22, d.tableEntries());
        assertEquals(h("x-field-979", "979", "x-field-978", "978"), d.decode(hex("d2 d3"))); // indexes 82 and 83
        assertThrows(HpackException.class, () -> d.decode(hex("d4")));
    }

    @Test
    void blocksThatBreakTheRulesAreRefused() {
        // index 0; an index past the tables; a size update after a field; a size past the bound
        for (String bad : new String[] {"80", "ff00", "82 20", "3fe1ff04",
            // a string longer than the block; an integer cut short; a Huffman string padded with zeros
            "400a 6375", "ff", "4082 1f00 00",
            // Huffman: the padding longer than 7 bits (a whole 0xff byte after 'a' = 00011 + 111)
            "0082 1fff 00",
            // an integer of more than 28 bits
            "3fff ffff ffff 0f"}) {
            assertThrows(HpackException.class, () -> new Hpack().decode(hex(bad)), bad);
        }
        // the end-of-string code inside a Huffman string: 30 one bits, then padding
        assertThrows(HpackException.class, () -> new Hpack().decode(hex("0084 ffff ffff 0180")));
    }

    /** A small block naming a large entry thousands of times stops at the header list bound (a decompression bomb). */
    @Test
    void aHeaderListIsBounded() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        // a 4000-byte value added to the table (literal with incremental indexing, new name "x")
        b.write(hex("4001 78 7f a11e"));
        b.write("v".repeat(4000).getBytes());
        for (int i = 0; i < 10_000; i++) {
            b.write(0xbe);
        }
        HpackException e = assertThrows(HpackException.class, () -> new Hpack().decode(b.toByteArray()));
        assertTrue(e.getMessage().contains("header list longer than"), e.getMessage());
    }
}
