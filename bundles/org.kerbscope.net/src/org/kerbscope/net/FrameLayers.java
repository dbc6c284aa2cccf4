package org.kerbscope.net;

import java.nio.ByteBuffer;
import java.util.Set;

import org.kerbscope.core.model.ByteRange;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.IsoTime;

/**
 * The frame's own layers for its details tree, as Wireshark shows them above the protocol a dissector read: the frame,
 * then Ethernet II (or Linux cooked capture, Null/Loopback, 802.11 …), 802.1Q tags, IPv4 or IPv6 with their extension
 * headers, tunnels (GRE, ERSPAN, IP in IP), and UDP, TCP or ICMP, each field with Wireshark's field name, its value
 * and the bytes it came from (so that the hex pane marks them). It reads the headers {@link NetworkDecoder} walks for
 * that frame ({@link NetworkDecoder#headersOf}), within the lengths the decoder checked; a header the decoder could not
 * read becomes a malformed node with the decoder's reason.
 * <p>
 * Values are what Wireshark's fields hold: numbers as numbers (a flags field as the number its bits make, a fragment
 * offset in bytes), addresses as text. TCP sequence numbers are the raw ones ({@code tcp.seq_raw}): relative numbers
 * need the connection's first segment, which the frame alone does not hold.
 */
public final class FrameLayers implements HeaderListener {
    /** The names of the layer nodes this makes (the protocols below the ones dissectors read). */
    public static final Set<String> LAYERS = Set.of("eth", "llc", "vlan", "ieee8021ad", "mpls", "pppoes", "ppp", "sll", "null", "ipnet",
            "radiotap", "ppi", "wlan", "ip", "ipv6", "gre", "erspan", "udp", "tcp", "icmp", "icmpv6");

    /**
     * The names of every field and header node this makes below the frame (Wireshark's names), which the display
     * filter reads from it; {@code FrameLayersTest} checks that every node it makes on the lab's samples, the corpus
     * and the crafted frames of every link type is named here.
     */
    public static final Set<String> FIELDS = Set.of("frame.time", "frame.number", "frame.len", "frame.cap_len", "eth.dst",
            "eth.src", "eth.len", "eth.type", "llc.dsap", "llc.ssap", "llc.control", "llc.oui", "llc.type", "vlan.priority",
            "vlan.dei", "vlan.id", "vlan.etype", "ieee8021ad.priority", "ieee8021ad.dei", "ieee8021ad.id", "ieee8021ah.etype",
            "mpls.label", "mpls.exp", "mpls.bottom", "mpls.ttl", "pppoe.version", "pppoe.type", "pppoe.code",
            "pppoe.session_id", "pppoe.payload_length", "ppp.protocol", "sll.pkttype", "sll.hatype", "sll.halen",
            "sll.src.eth", "sll.src.other", "sll.etype", "sll.ifindex", "null.family", "radiotap.version", "radiotap.length",
            "ppi.length", "wlan.fc", "wlan.duration", "wlan.ra", "wlan.ta", "wlan.da", "wlan.sa", "wlan.bssid", "wlan.seq",
            "ip.version", "ip.hdr_len", "ip.dsfield", "ip.dsfield.dscp", "ip.dsfield.ecn", "ip.len", "ip.id", "ip.flags",
            "ip.flags.rb", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ip.proto", "ip.checksum", "ip.src",
            "ip.dst", "ip.options", "ip.fragment", "ipv6.version", "ipv6.tclass", "ipv6.tclass.dscp", "ipv6.tclass.ecn",
            "ipv6.flow", "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst", "ipv6.hopopts", "ipv6.hopopts.nxt",
            "ipv6.hopopts.len", "ipv6.routing", "ipv6.routing.nxt", "ipv6.routing.len", "ipv6.dstopts", "ipv6.dstopts.nxt",
            "ipv6.dstopts.len", "ah", "ah.nxt", "ah.len", "mipv6", "mipv6.nxt", "mipv6.len", "hip", "hip.nxt", "hip.len",
            "shim6", "shim6.nxt", "shim6.len", "ipv6.fraghdr", "ipv6.fraghdr.nxt", "ipv6.fraghdr.offset",
            "ipv6.fraghdr.more", "ipv6.fraghdr.ident", "gre.flags_and_version", "gre.proto", "gre.checksum", "gre.key",
            "gre.sequence_number", "udp.srcport", "udp.dstport", "udp.length", "udp.checksum", "udp.payload", "tcp.srcport",
            "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.res", "tcp.flags.ae",
            "tcp.flags.cwr", "tcp.flags.ece", "tcp.flags.urg", "tcp.flags.ack", "tcp.flags.push", "tcp.flags.reset",
            "tcp.flags.syn", "tcp.flags.fin", "tcp.window_size_value", "tcp.checksum", "tcp.urgent_pointer", "tcp.options",
            "tcp.options.nop", "tcp.options.eol", "tcp.options.mss", "tcp.options.wscale", "tcp.options.sack_perm",
            "tcp.options.sack", "tcp.options.timestamp", "tcp.options.unknown", "tcp.option_kind", "tcp.option_len",
            "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.sack_le", "tcp.options.sack_re",
            "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr", "tcp.len", "tcp.payload", "icmp.type", "icmp.code",
            "icmp.checksum", "icmpv6.type", "icmpv6.code", "icmpv6.checksum");

    private FieldNode root;
    private FieldNode ipv6;
    private int captured, original;

    /** The frame's node, with its layers as children; null until the decoder began the frame. */
    public FieldNode root() {
        return root;
    }

    /** Whether {@code node} is one of a frame's layers (rather than what a dissector read in it). */
    public static boolean isLayer(FieldNode node) {
        return LAYERS.contains(node.name());
    }

    @Override
    public void frame(long number, int originalLength, int capturedLength, long timeNanos) {
        captured = capturedLength;
        original = originalLength;
        root = new FieldNode("frame", "Frame " + number + ": " + originalLength + " bytes on wire (" + originalLength * 8L
                + " bits), " + capturedLength + " bytes captured (" + capturedLength * 8L + " bits)", number,
                new ByteRange(0, capturedLength));
        long s = Math.floorDiv(timeNanos, 1_000_000_000L);
        String nanos = Long.toString(1_000_000_000L + Math.floorMod(timeNanos, 1_000_000_000L)).substring(1);
        String date = IsoTime.dateAndTime(s);
        String time = date != null ? date + "." + nanos + "Z"
                : java.time.Instant.ofEpochSecond(s, Math.floorMod(timeNanos, 1_000_000_000L)).toString();
        root.add("frame.time", "Arrival Time: " + time, time, 0, 0);
        root.add("frame.number", "Frame Number: " + number, number, 0, 0);
        root.add("frame.len", "Frame Length: " + originalLength + " bytes (" + originalLength * 8L + " bits)",
                originalLength, 0, 0);
        root.add("frame.cap_len", "Capture Length: " + capturedLength + " bytes (" + capturedLength * 8L + " bits)",
                capturedLength, 0, 0);
    }

    @Override
    public void problem(String protocol, String message) {
        if (root != null) {
            root.malformed(protocol + ": " + message, 0, 0);
        }
    }

    @Override
    public void header(String layer, ByteBuffer d, int off, int len, int end, int inFrame) {
        if (root == null) {
            return;
        }
        try {
            new Header(d, off, len, end, inFrame).add(layer);
        } catch (IndexOutOfBoundsException e) {
            // the decoder checked the header's length; a field past it would be this class's mistake, not the frame's
            root.malformed(layer + ": header of " + len + " bytes read past its end", Math.max(0, inFrame), 0);
        }
    }

    /** One header: its bytes and where they lie in the frame. */
    private final class Header {
        private final ByteBuffer d;
        private final int off, len, end, at;
        private final String source;

        Header(ByteBuffer d, int off, int len, int end, int inFrame) {
            this.d = d;
            this.off = off;
            this.len = len;
            this.end = end;
            this.at = inFrame >= 0 ? inFrame : off; // a reassembled packet's buffer starts with the IP payload
            this.source = inFrame < 0 ? "Reassembled IP" : "frame";
        }

        private int u8(int i) {
            if (i < 0 || i >= len) {
                throw new IndexOutOfBoundsException(i);
            }
            return d.get(off + i) & 0xff;
        }

        private int u16(int i) {
            return u8(i) << 8 | u8(i + 1);
        }

        private long u32(int i) {
            return (long) u16(i) << 16 | u16(i + 2);
        }

        private int le16(int i) {
            return u8(i) | u8(i + 1) << 8;
        }

        /** A MAC address as Wireshark writes it: six bytes in hex, colons between. */
        private String mac(int i) {
            return bytes(i, 6);
        }

        private String addr(int i, int n) {
            byte[] b = new byte[n];
            for (int k = 0; k < n; k++) {
                b[k] = (byte) u8(i + k);
            }
            return FlowKey.text(b);
        }

        /** A layer node over the whole header. */
        private FieldNode layer(String name, String label) {
            return layer(name, label, len);
        }

        private FieldNode layer(String name, String label, int length) {
            FieldNode n = root.add(name, label, null, at, length);
            n.setSource(source);
            return n;
        }

        private FieldNode field(FieldNode parent, String name, String label, Object value, int i, int n) {
            return parent.add(name, label, value, at + i, n);
        }

        void add(String layer) {
            switch (layer) {
                case "eth" -> eth();
                case "llc" -> llc();
                case "vlan" -> tag(false);
                case "ieee8021ad" -> tag(true);
                case "mpls" -> mpls();
                case "pppoes" -> pppoes();
                case "ppp" -> {
                    FieldNode n = layer("ppp", "Point-to-Point Protocol");
                    field(n, "ppp.protocol", "Protocol: " + pppName(u16(0)) + " (0x" + hex(u16(0), 4) + ")", u16(0), 0, 2);
                }
                case "sll" -> sll();
                case "sll2" -> sll2();
                case "null", "loop" -> {
                    // (Wireshark shows OpenBSD's loop header, in network byte order, as Null/Loopback too)
                    long fam = u32(0);
                    if ("null".equals(layer) && (fam & 0xFFFF_0000L) != 0) {
                        fam = Integer.reverseBytes((int) fam) & 0xffffffffL;
                    }
                    FieldNode n = layer("null", "null".equals(layer) ? "Null/Loopback" : "Null/Loopback (OpenBSD loop)");
                    field(n, "null.family", "Family: " + familyName(fam) + " (" + fam + ")", fam, 0, 4);
                }
                case "ipnet" -> layer("ipnet", "Solaris IPNET");
                case "radiotap" -> {
                    FieldNode n = layer("radiotap", "Radiotap Header v" + u8(0) + ", Length " + le16(2));
                    field(n, "radiotap.version", "Header revision: " + u8(0), u8(0), 0, 1);
                    field(n, "radiotap.length", "Header length: " + le16(2), le16(2), 2, 2);
                }
                case "ppi" -> {
                    FieldNode n = layer("ppi", "PPI version " + u8(0) + ", " + le16(2) + " bytes");
                    field(n, "ppi.length", "Header length: " + le16(2), le16(2), 2, 2);
                }
                case "wlan" -> wlan();
                case "ip" -> ipv4();
                case "ipv6" -> ipv6();
                case "ipv6.hopopts", "ipv6.routing", "ipv6.dstopts", "mipv6", "hip", "shim6", "ah" -> extension(layer);
                case "ipv6.fraghdr" -> fraghdr();
                case "gre" -> gre();
                case "erspan" -> layer("erspan", "Encapsulated Remote Switch Packet ANalysis");
                case "udp" -> udp();
                case "tcp" -> tcp();
                case "icmp", "icmpv6" -> icmp(layer);
                default -> layer(layer, layer);
            }
        }

        private void eth() {
            int type = u16(12);
            boolean ieee8023 = type < 0x0600;
            FieldNode n = layer("eth", (ieee8023 ? "IEEE 802.3 Ethernet" : "Ethernet II") + ", Src: " + mac(6) + ", Dst: "
                    + mac(0));
            field(n, "eth.dst", "Destination: " + mac(0), mac(0), 0, 6);
            field(n, "eth.src", "Source: " + mac(6), mac(6), 6, 6);
            if (ieee8023) {
                field(n, "eth.len", "Length: " + type, type, 12, 2);
            } else {
                field(n, "eth.type", "Type: " + etherName(type) + " (0x" + hex(type, 4) + ")", type, 12, 2);
            }
        }

        private void llc() {
            FieldNode n = layer("llc", "Logical-Link Control");
            field(n, "llc.dsap", "DSAP: SNAP (0x" + hex(u8(0), 2) + ")", u8(0), 0, 1);
            field(n, "llc.ssap", "SSAP: SNAP (0x" + hex(u8(1), 2) + ")", u8(1), 1, 1);
            field(n, "llc.control", "Control field: U, func=UI (0x" + hex(u8(2), 2) + ")", u8(2), 2, 1);
            int oui = u8(3) << 16 | u16(4);
            field(n, "llc.oui", "Organization Code: 0x" + hex(oui, 6), oui, 3, 3);
            field(n, "llc.type", "Type: " + etherName(u16(6)) + " (0x" + hex(u16(6), 4) + ")", u16(6), 6, 2);
        }

        /**
         * An IEEE 802.1Q customer tag ({@code vlan}) or an 802.1ad service tag, the outer tag of Q-in-Q
         * ({@code ieee8021ad}): priority, DEI, ID and the EtherType after it, under Wireshark's names for each.
         */
        private void tag(boolean service) {
            int tci = u16(0);
            String p = service ? "ieee8021ad" : "vlan";
            int bits = service ? 1 : 2; // the bytes Wireshark gives the priority and DEI fields of each kind
            FieldNode n = layer(p, service ? "IEEE 802.1ad, ID: " + (tci & 0xfff) : "802.1Q Virtual LAN, PRI: " + (tci >> 13)
                    + ", DEI: " + (tci >> 12 & 1) + ", ID: " + (tci & 0xfff));
            field(n, p + ".priority", "Priority: " + (tci >> 13), tci >> 13, 0, bits);
            field(n, p + ".dei", "DEI: " + (tci >> 12 & 1), tci >> 12 & 1, 0, bits);
            field(n, p + ".id", "ID: " + (tci & 0xfff), tci & 0xfff, 0, 2);
            field(n, service ? "ieee8021ah.etype" : "vlan.etype", "Type: " + etherName(u16(2)) + " (0x" + hex(u16(2), 4)
                    + ")", u16(2), 2, 2);
        }

        private void mpls() {
            long w = u32(0);
            long label = w >>> 12;
            int exp = (int) (w >> 9 & 7), bottom = (int) (w >> 8 & 1), ttl = (int) (w & 0xff);
            FieldNode n = layer("mpls", "MultiProtocol Label Switching Header, Label: " + label + ", Exp: " + exp + ", S: "
                    + bottom + ", TTL: " + ttl);
            field(n, "mpls.label", "MPLS Label: " + label, label, 0, 4);
            field(n, "mpls.exp", "MPLS Experimental Bits: " + exp, exp, 0, 4);
            field(n, "mpls.bottom", "MPLS Bottom Of Label Stack: " + bottom, bottom, 0, 4);
            field(n, "mpls.ttl", "MPLS TTL: " + ttl, ttl, 0, 4);
        }

        private void pppoes() {
            FieldNode n = layer("pppoes", "PPP-over-Ethernet Session");
            field(n, "pppoe.version", "Version: " + (u8(0) >> 4), u8(0) >> 4, 0, 1);
            field(n, "pppoe.type", "Type: " + (u8(0) & 15), u8(0) & 15, 0, 1);
            field(n, "pppoe.code", "Code: Session Data (0x" + hex(u8(1), 2) + ")", u8(1), 1, 1);
            field(n, "pppoe.session_id", "Session ID: 0x" + hex(u16(2), 4), u16(2), 2, 2);
            field(n, "pppoe.payload_length", "Payload Length: " + u16(4), u16(4), 4, 2);
        }

        private void sll() {
            int halen = u16(4);
            FieldNode n = layer("sll", "Linux cooked capture v1");
            field(n, "sll.pkttype", "Packet type: " + packetType(u16(0)) + " (" + u16(0) + ")", u16(0), 0, 2);
            field(n, "sll.hatype", "Link-layer address type: " + u16(2), u16(2), 2, 2);
            field(n, "sll.halen", "Link-layer address length: " + halen, halen, 4, 2);
            if (halen == 6) {
                field(n, "sll.src.eth", "Source: " + mac(6), mac(6), 6, 6);
            } else if (halen > 0 && halen <= 8) {
                field(n, "sll.src.other", "Source: " + bytes(6, halen), bytes(6, halen), 6, halen);
            }
            field(n, "sll.etype", "Protocol: " + etherName(u16(14)) + " (0x" + hex(u16(14), 4) + ")", u16(14), 14, 2);
        }

        /** Linux cooked capture v2: Wireshark's {@code sll} protocol and field names, as for v1. */
        private void sll2() {
            int halen = u8(11);
            FieldNode n = layer("sll", "Linux cooked capture v2");
            field(n, "sll.etype", "Protocol: " + etherName(u16(0)) + " (0x" + hex(u16(0), 4) + ")", u16(0), 0, 2);
            field(n, "sll.ifindex", "Interface index: " + u32(4), u32(4), 4, 4);
            field(n, "sll.hatype", "Link-layer address type: " + u16(8), u16(8), 8, 2);
            field(n, "sll.pkttype", "Packet type: " + packetType(u8(10)) + " (" + u8(10) + ")", u8(10), 10, 1);
            field(n, "sll.halen", "Link-layer address length: " + halen, halen, 11, 1);
            if (halen == 6) {
                field(n, "sll.src.eth", "Source: " + mac(12), mac(12), 12, 6);
            } else if (halen > 0 && halen <= 8) {
                field(n, "sll.src.other", "Source: " + bytes(12, halen), bytes(12, halen), 12, halen);
            }
        }

        private void wlan() {
            int fc = u16(0);
            int flags = u8(1);
            FieldNode n = layer("wlan", "IEEE 802.11 Data, Flags: 0x" + hex(flags, 2));
            field(n, "wlan.fc", "Frame Control Field: 0x" + hex(fc, 4), fc, 0, 2);
            field(n, "wlan.duration", "Duration/ID: " + le16(2), le16(2), 2, 2);
            // addresses by the To DS / From DS bits (IEEE 802.11-2020 9.3.2.1, table 9-30), listed as Wireshark lists
            // them: destination, source, BSS (a frame between access points has receiver, transmitter, then both ends)
            int ds = flags & 3;
            int da, sa, bssid;
            switch (ds) {
                case 0 -> { da = 4; sa = 10; bssid = 16; }
                case 1 -> { bssid = 4; sa = 10; da = 16; }
                case 2 -> { da = 4; bssid = 10; sa = 16; }
                default -> { da = 16; sa = len >= 30 ? 24 : -1; bssid = -1; }
            }
            if (ds == 3) {
                field(n, "wlan.ra", "Receiver address: " + mac(4), mac(4), 4, 6);
                field(n, "wlan.ta", "Transmitter address: " + mac(10), mac(10), 10, 6);
            }
            field(n, "wlan.da", "Destination address: " + mac(da), mac(da), da, 6);
            if (sa >= 0) {
                field(n, "wlan.sa", "Source address: " + mac(sa), mac(sa), sa, 6);
            }
            if (bssid >= 0) {
                field(n, "wlan.bssid", "BSS Id: " + mac(bssid), mac(bssid), bssid, 6);
            }
            field(n, "wlan.seq", "Sequence number: " + (le16(22) >> 4), le16(22) >> 4, 22, 2);
        }

        private void ipv4() {
            int ihl = (u8(0) & 15) * 4;
            int total = u16(2);
            int fo = u16(6);
            String src = addr(12, 4), dst = addr(16, 4);
            FieldNode n = layer("ip", "Internet Protocol Version 4, Src: " + src + ", Dst: " + dst);
            field(n, "ip.version", "Version: 4", 4, 0, 1);
            field(n, "ip.hdr_len", "Header Length: " + ihl + " bytes (" + ihl / 4 + ")", ihl, 0, 1);
            int ds = u8(1);
            FieldNode dsf = field(n, "ip.dsfield", "Differentiated Services Field: 0x" + hex(ds, 2) + " (DSCP: " + (ds >> 2)
                    + ", ECN: " + (ds & 3) + ")", ds, 1, 1);
            field(dsf, "ip.dsfield.dscp", "Differentiated Services Codepoint: " + (ds >> 2), ds >> 2, 1, 1);
            field(dsf, "ip.dsfield.ecn", "Explicit Congestion Notification: " + (ds & 3), ds & 3, 1, 1);
            if (total == 0 && "frame".equals(source)) {
                // segmentation offload hands up packets with total length 0: the frame is the packet (as Wireshark)
                int presumed = original - at;
                field(n, "ip.len", "Total Length: " + presumed + " (reported as 0, presumed to be because of TCP "
                        + "segmentation offload)", presumed, 2, 2);
            } else {
                field(n, "ip.len", "Total Length: " + total, total, 2, 2);
            }
            field(n, "ip.id", "Identification: 0x" + hex(u16(4), 4) + " (" + u16(4) + ")", u16(4), 4, 2);
            int flags = fo >> 13;
            FieldNode fl = field(n, "ip.flags", "Flags: 0x" + Integer.toHexString(flags) + ((flags & 2) != 0
                    ? ", Don't fragment" : "") + ((flags & 1) != 0 ? ", More fragments" : ""), flags, 6, 1);
            field(fl, "ip.flags.rb", "Reserved bit: " + set(flags & 4), flags >> 2 & 1, 6, 1);
            field(fl, "ip.flags.df", "Don't fragment: " + set(flags & 2), flags >> 1 & 1, 6, 1);
            field(fl, "ip.flags.mf", "More fragments: " + set(flags & 1), flags & 1, 6, 1);
            int fragOff = fo & 0x1FFF;
            field(n, "ip.frag_offset", "Fragment Offset: " + fragOff + (fragOff != 0 ? " (" + fragOff * 8 + " bytes)" : ""),
                    fragOff, 6, 2);
            field(n, "ip.ttl", "Time to Live: " + u8(8), u8(8), 8, 1);
            field(n, "ip.proto", "Protocol: " + protoName(u8(9)) + " (" + u8(9) + ")", u8(9), 9, 1);
            field(n, "ip.checksum", "Header Checksum: 0x" + hex(u16(10), 4), u16(10), 10, 2);
            field(n, "ip.src", "Source Address: " + src, src, 12, 4);
            field(n, "ip.dst", "Destination Address: " + dst, dst, 16, 4);
            if (ihl > 20) {
                field(n, "ip.options", "Options: (" + (ihl - 20) + " bytes)", null, 20, ihl - 20);
            }
            if (fragOff != 0 || (flags & 1) != 0) {
                field(n, "ip.fragment", "[IPv4 fragment: offset " + fragOff * 8 + ((flags & 1) != 0 ? ", more follow"
                        : ", the last") + "]", fragOff, ihl, Math.max(0, Math.min(end - off, captured - at) - ihl));
            }
        }

        private void ipv6() {
            long w = u32(0);
            int tclass = (int) (w >> 20 & 0xff);
            long flow = w & 0xFFFFF;
            String src = addr(8, 16), dst = addr(24, 16);
            FieldNode n = layer("ipv6", "Internet Protocol Version 6, Src: " + src + ", Dst: " + dst);
            ipv6 = n;
            field(n, "ipv6.version", "Version: 6", 6, 0, 1);
            FieldNode tc = field(n, "ipv6.tclass", "Traffic Class: 0x" + hex(tclass, 2) + " (DSCP: " + (tclass >> 2)
                    + ", ECN: " + (tclass & 3) + ")", tclass, 0, 4);
            field(tc, "ipv6.tclass.dscp", "Differentiated Services Codepoint: " + (tclass >> 2), tclass >> 2, 0, 4);
            field(tc, "ipv6.tclass.ecn", "Explicit Congestion Notification: " + (tclass & 3), tclass & 3, 0, 4);
            field(n, "ipv6.flow", "Flow Label: 0x" + hex((int) flow, 5), flow, 1, 3);
            field(n, "ipv6.plen", "Payload Length: " + u16(4), u16(4), 4, 2);
            field(n, "ipv6.nxt", "Next Header: " + protoName(u8(6)) + " (" + u8(6) + ")", u8(6), 6, 1);
            field(n, "ipv6.hlim", "Hop Limit: " + u8(7), u8(7), 7, 1);
            field(n, "ipv6.src", "Source Address: " + src, src, 8, 16);
            field(n, "ipv6.dst", "Destination Address: " + dst, dst, 24, 16);
        }

        /** An IPv6 extension header, inside the IPv6 node as Wireshark shows it. */
        private void extension(String name) {
            String label = switch (name) {
                case "ipv6.hopopts" -> "IPv6 Hop-by-Hop Option";
                case "ipv6.routing" -> "Routing Header for IPv6";
                case "ipv6.dstopts" -> "Destination Options for IPv6";
                case "ah" -> "Authentication Header";
                case "mipv6" -> "Mobile IPv6";
                case "hip" -> "Host Identity Protocol";
                default -> "Shim6 Protocol";
            };
            FieldNode parent = ipv6 != null && !"ah".equals(name) ? ipv6 : root;
            if (parent == ipv6) {
                ipv6.cover(at + len);
            }
            FieldNode n = parent.add(name, label, null, at, len);
            n.setSource(source);
            String p = "ah".equals(name) ? "ah" : name;
            field(n, p + ".nxt", "Next Header: " + protoName(u8(0)) + " (" + u8(0) + ")", u8(0), 0, 1);
            field(n, p + ".len", "Length: " + u8(1), u8(1), 1, 1);
        }

        private void fraghdr() {
            FieldNode parent = ipv6 != null ? ipv6 : root;
            if (ipv6 != null) {
                ipv6.cover(at + len);
            }
            FieldNode n = parent.add("ipv6.fraghdr", "Fragment Header for IPv6", null, at, len);
            n.setSource(source);
            int fo = u16(2);
            field(n, "ipv6.fraghdr.nxt", "Next header: " + protoName(u8(0)) + " (" + u8(0) + ")", u8(0), 0, 1);
            field(n, "ipv6.fraghdr.offset", "Offset: " + (fo >> 3), fo >> 3, 2, 2);
            field(n, "ipv6.fraghdr.more", "More Fragments: " + (fo & 1), fo & 1, 2, 2);
            field(n, "ipv6.fraghdr.ident", "Identification: 0x" + hex((int) u32(4), 8), u32(4), 4, 4);
        }

        private void gre() {
            int flags = u16(0), type = u16(2);
            FieldNode n = layer("gre", "Generic Routing Encapsulation (" + etherName(type) + ")");
            field(n, "gre.flags_and_version", "Flags and Version: 0x" + hex(flags, 4), flags, 0, 2);
            field(n, "gre.proto", "Protocol Type: " + etherName(type) + " (0x" + hex(type, 4) + ")", type, 2, 2);
            int p = 4;
            if ((flags & 0x8000) != 0 && p + 4 <= len) {
                field(n, "gre.checksum", "Checksum: 0x" + hex(u16(p), 4), u16(p), p, 2);
                p += 4;
            }
            if ((flags & 0x2000) != 0 && p + 4 <= len) {
                field(n, "gre.key", "Key: 0x" + hex((int) u32(p), 8), u32(p), p, 4);
                p += 4;
            }
            if ((flags & 0x1000) != 0 && p + 4 <= len) {
                field(n, "gre.sequence_number", "Sequence Number: " + u32(p), u32(p), p, 4);
            }
        }

        private void udp() {
            int sp = u16(0), dp = u16(2), ulen = u16(4);
            FieldNode n = layer("udp", "User Datagram Protocol, Src Port: " + sp + ", Dst Port: " + dp);
            field(n, "udp.srcport", "Source Port: " + sp, sp, 0, 2);
            field(n, "udp.dstport", "Destination Port: " + dp, dp, 2, 2);
            field(n, "udp.length", "Length: " + ulen, ulen, 4, 2);
            field(n, "udp.checksum", "Checksum: 0x" + hex(u16(6), 4), u16(6), 6, 2);
            int declared = ulen >= 8 && ulen <= end - off ? ulen - 8 : end - off - 8;
            payload(n, "udp.payload", "UDP payload", 8, declared);
        }

        /** The bytes after the header, as far as the frame holds them. */
        private void payload(FieldNode n, String name, String label, int from, int declared) {
            int have = "frame".equals(source) ? Math.min(declared, captured - (at + from)) : Math.min(declared,
                    d.limit() - (off + from));
            if (have > 0) {
                field(n, name, label + " (" + have + " bytes)", have, from, have);
            }
        }

        private void tcp() {
            int sp = u16(0), dp = u16(2);
            int doff = (u8(12) >> 4) * 4;
            int flags = u16(12) & 0x0FFF;
            int segment = Math.max(0, end - off - doff);
            FieldNode n = layer("tcp", "Transmission Control Protocol, Src Port: " + sp + ", Dst Port: " + dp
                    + ", Seq (raw): " + u32(4) + ((flags & 0x10) != 0 ? ", Ack (raw): " + u32(8) : "") + ", Len: " + segment);
            field(n, "tcp.srcport", "Source Port: " + sp, sp, 0, 2);
            field(n, "tcp.dstport", "Destination Port: " + dp, dp, 2, 2);
            field(n, "tcp.len", "TCP Segment Len: " + segment, segment, 0, 0);
            field(n, "tcp.seq_raw", "Sequence Number (raw): " + u32(4), u32(4), 4, 4);
            field(n, "tcp.ack_raw", "Acknowledgment number (raw): " + u32(8), u32(8), 8, 4);
            field(n, "tcp.hdr_len", "Header Length: " + doff + " bytes (" + doff / 4 + ")", doff, 12, 1);
            FieldNode f = field(n, "tcp.flags", "Flags: 0x" + hex(flags, 3) + " (" + tcpFlags(flags) + ")", flags, 12, 2);
            field(f, "tcp.flags.res", "Reserved: " + set(flags & 0xE00), flags >> 9, 12, 1);
            field(f, "tcp.flags.ae", "Accurate ECN: " + set(flags & 0x100), flags >> 8 & 1, 12, 1);
            String[][] bits = {{"cwr", "Congestion Window Reduced"}, {"ece", "ECN-Echo"}, {"urg", "Urgent"},
                {"ack", "Acknowledgment"}, {"push", "Push"}, {"reset", "Reset"}, {"syn", "Syn"}, {"fin", "Fin"}};
            for (int k = 0; k < 8; k++) {
                int bit = flags >> (7 - k) & 1;
                field(f, "tcp.flags." + bits[k][0], bits[k][1] + ": " + set(bit), bit, 13, 1);
            }
            field(n, "tcp.window_size_value", "Window: " + u16(14), u16(14), 14, 2);
            field(n, "tcp.checksum", "Checksum: 0x" + hex(u16(16), 4), u16(16), 16, 2);
            field(n, "tcp.urgent_pointer", "Urgent Pointer: " + u16(18), u16(18), 18, 2);
            if (doff > 20) {
                options(field(n, "tcp.options", "Options: (" + (doff - 20) + " bytes)", null, 20, doff - 20), doff);
            }
            payload(n, "tcp.payload", "TCP payload", doff, segment);
        }

        /** TCP options (RFC 9293 3.1; RFC 7323 timestamps and window scale; RFC 2018 SACK), each within the header. */
        private void options(FieldNode n, int doff) {
            int p = 20;
            while (p < doff) {
                int kind = u8(p);
                if (kind == 0) {
                    // (the bytes after it are padding, zero: each shows as another EOL, as in Wireshark)
                    FieldNode o = field(n, "tcp.options.eol", "TCP Option - End of Option List (EOL)", null, p, 1);
                    field(o, "tcp.option_kind", "Kind: End of Option List (0)", 0, p, 1);
                    p++;
                    continue;
                }
                if (kind == 1) {
                    FieldNode o = field(n, "tcp.options.nop", "TCP Option - No-Operation (NOP)", null, p, 1);
                    field(o, "tcp.option_kind", "Kind: No-Operation (1)", 1, p, 1);
                    p++;
                    continue;
                }
                if (p + 2 > doff || u8(p + 1) < 2 || p + u8(p + 1) > doff) {
                    n.malformed("option of kind " + kind + " with a length past the TCP header", at + p, doff - p);
                    return;
                }
                int olen = u8(p + 1);
                String name = switch (kind) {
                    case 2 -> olen == 4 ? "tcp.options.mss" : null;
                    case 3 -> olen == 3 ? "tcp.options.wscale" : null;
                    case 4 -> olen == 2 ? "tcp.options.sack_perm" : null;
                    case 5 -> "tcp.options.sack";
                    case 8 -> olen == 10 ? "tcp.options.timestamp" : null;
                    default -> "tcp.options.unknown";
                };
                if (name == null) {
                    n.malformed("option of kind " + kind + " with length " + olen, at + p, olen);
                    p += olen;
                    continue;
                }
                String label = switch (kind) {
                    case 2 -> "Maximum segment size: " + u16(p + 2) + " bytes";
                    case 3 -> "Window scale: " + u8(p + 2) + " (multiply by " + (1L << Math.min(u8(p + 2), 14)) + ")";
                    case 4 -> "SACK permitted";
                    case 5 -> "SACK";
                    case 8 -> "Timestamps: TSval " + u32(p + 2) + ", TSecr " + u32(p + 6);
                    default -> "Unknown (kind " + kind + ", " + olen + " bytes)";
                };
                FieldNode o = field(n, name, "TCP Option - " + label, null, p, olen);
                field(o, "tcp.option_kind", "Kind: " + kind, kind, p, 1);
                field(o, "tcp.option_len", "Length: " + olen, olen, p + 1, 1);
                switch (kind) {
                    case 2 -> field(o, "tcp.options.mss_val", "MSS Value: " + u16(p + 2), u16(p + 2), p + 2, 2);
                    case 3 -> field(o, "tcp.options.wscale.shift", "Shift count: " + u8(p + 2), u8(p + 2), p + 2, 1);
                    case 5 -> {
                        for (int q = p + 2; q + 8 <= p + olen; q += 8) {
                            field(o, "tcp.options.sack_le", "left edge (raw) = " + u32(q), u32(q), q, 4);
                            field(o, "tcp.options.sack_re", "right edge (raw) = " + u32(q + 4), u32(q + 4), q + 4, 4);
                        }
                    }
                    case 8 -> {
                        field(o, "tcp.options.timestamp.tsval", "Timestamp value: " + u32(p + 2), u32(p + 2), p + 2, 4);
                        field(o, "tcp.options.timestamp.tsecr", "Timestamp echo reply: " + u32(p + 6), u32(p + 6), p + 6,
                                4);
                    }
                    default -> {
                    }
                }
                p += olen;
            }
        }

        private void icmp(String name) {
            int type = u8(0), code = u8(1);
            boolean v6 = "icmpv6".equals(name);
            // the message reaches to the end of the packet (an error quotes the packet it answers)
            int whole = Math.max(len, "frame".equals(source) ? Math.min(end - off, captured - at) : end - off);
            FieldNode n = layer(name, v6 ? "Internet Control Message Protocol v6" : "Internet Control Message Protocol",
                    whole);
            field(n, name + ".type", "Type: " + type + icmpName(type, v6), type, 0, 1);
            field(n, name + ".code", "Code: " + code, code, 1, 1);
            field(n, name + ".checksum", "Checksum: 0x" + hex(u16(2), 4), u16(2), 2, 2);
        }

        private String bytes(int i, int n) {
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < n; k++) {
                s.append(k == 0 ? "" : ":").append(hex(u8(i + k), 2));
            }
            return s.toString();
        }
    }

    private static String hex(long v, int digits) {
        String h = Long.toHexString(v);
        return h.length() >= digits ? h : "0".repeat(digits - h.length()) + h;
    }

    private static String set(int bit) {
        return bit != 0 ? "Set" : "Not set";
    }

    /** The names of the TCP flags set in {@code flags} (the header's 12 bits), in Wireshark's order: "PSH, ACK". */
    public static String tcpFlags(int flags) {
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"};
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < names.length; k++) {
            if ((flags >> k & 1) != 0) {
                s.append(s.isEmpty() ? "" : ", ").append(names[k]);
            }
        }
        return s.isEmpty() ? "<None>" : s.toString();
    }

    static String etherName(int type) {
        return switch (type) {
            case 0x0800 -> "IPv4";
            case 0x86DD -> "IPv6";
            case 0x0806 -> "ARP";
            case 0x8100 -> "802.1Q Virtual LAN";
            case 0x88A8 -> "802.1ad Provider Bridge (Q-in-Q)";
            case 0x9100, 0x9200 -> "VLAN-tagged frame (Q-in-Q)";
            case 0x8847 -> "MPLS label switched packet";
            case 0x8848 -> "MPLS multicast label switched packet";
            case 0x8864 -> "PPPoE Session";
            case 0x6558 -> "Transparent Ethernet bridging";
            case 0x88BE -> "ERSPAN";
            case 0x22EB -> "ERSPAN type III";
            case 0x88CC -> "802.1 Link Layer Discovery Protocol (LLDP)";
            default -> "Unknown";
        };
    }

    private static String pppName(int p) {
        return switch (p) {
            case 0x0021 -> "Internet Protocol version 4";
            case 0x0057 -> "Internet Protocol version 6";
            default -> "Unknown";
        };
    }

    private static String familyName(long fam) {
        return fam == 2 ? "IP" : fam == 10 || fam == 23 || fam == 24 || fam == 28 || fam == 30 ? "IPv6" : "Unknown";
    }

    private static String packetType(int t) {
        return switch (t) {
            case 0 -> "Unicast to us";
            case 1 -> "Broadcast";
            case 2 -> "Multicast";
            case 3 -> "Unicast to another host";
            case 4 -> "Sent by us";
            default -> "Unknown";
        };
    }

    static String protoName(int p) {
        return switch (p) {
            case 0 -> "IPv6 Hop-by-Hop Option";
            case 1 -> "ICMP";
            case 2 -> "IGMP";
            case 4 -> "IPIP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 41 -> "IPv6";
            case 43 -> "Routing Header for IPv6";
            case 44 -> "Fragment Header for IPv6";
            case 47 -> "Generic Routing Encapsulation";
            case 50 -> "Encap Security Payload";
            case 51 -> "Authentication Header";
            case 58 -> "ICMPv6";
            case 59 -> "No Next Header for IPv6";
            case 60 -> "Destination Options for IPv6";
            case 89 -> "OSPF IGP";
            case 132 -> "SCTP";
            default -> "Unknown";
        };
    }

    private static String icmpName(int type, boolean v6) {
        String s = v6 ? switch (type) {
            case 1 -> "Destination Unreachable";
            case 2 -> "Packet Too Big";
            case 3 -> "Time Exceeded";
            case 128 -> "Echo (ping) request";
            case 129 -> "Echo (ping) reply";
            case 135 -> "Neighbor Solicitation";
            case 136 -> "Neighbor Advertisement";
            default -> null;
        } : switch (type) {
            case 0 -> "Echo (ping) reply";
            case 3 -> "Destination unreachable";
            case 8 -> "Echo (ping) request";
            case 11 -> "Time-to-live exceeded";
            default -> null;
        };
        return s == null ? "" : " (" + s + ")";
    }
}
