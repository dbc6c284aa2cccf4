package org.kerbscope.net.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.kerbscope.net.tests.Pkt.A;
import static org.kerbscope.net.tests.Pkt.A6;
import static org.kerbscope.net.tests.Pkt.ACK;
import static org.kerbscope.net.tests.Pkt.B;
import static org.kerbscope.net.tests.Pkt.B6;
import static org.kerbscope.net.tests.Pkt.PSH;
import static org.kerbscope.net.tests.Pkt.SYN;
import static org.kerbscope.net.tests.Pkt.cat;
import static org.kerbscope.net.tests.Pkt.ether;
import static org.kerbscope.net.tests.Pkt.ipv4;
import static org.kerbscope.net.tests.Pkt.ipv6;
import static org.kerbscope.net.tests.Pkt.u16;
import static org.kerbscope.net.tests.Pkt.u32;
import static org.kerbscope.net.tests.Pkt.udp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParserFactory;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.FrameLayers;
import org.kerbscope.net.NetworkDecoder;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The layers of a frame's details (Ethernet, 802.1Q, Linux cooked capture, Null/Loopback, IPv4, IPv6 and its extension
 * headers, GRE, UDP, TCP and its options, ICMP) as a Wireshark user reads them: the same field names, values and byte
 * ranges as tshark's, on the lab's samples, the reference corpus and one capture of every link type and tunnel the
 * decoder reads; and nothing a hostile frame holds breaks them or points outside the frame.
 */
class FrameLayersTest {
    /** Fields compared with tshark's: those both name alike and mean alike (relative TCP numbers, for one, differ). */
    private static final Set<String> FIELDS = Set.of("eth.dst", "eth.src", "eth.type", "eth.len", "vlan.priority",
            "vlan.dei", "vlan.id", "vlan.etype", "ieee8021ad.priority", "ieee8021ad.dei", "ieee8021ad.id", "ieee8021ah.etype", "sll.pkttype", "sll.hatype", "sll.halen", "sll.src.eth", "sll.etype", "sll.ifindex", "wlan.fc", "wlan.duration",
            "wlan.da", "wlan.sa", "wlan.bssid", "wlan.seq", "radiotap.version", "radiotap.length", "llc.dsap", "llc.ssap",
            "llc.control", "llc.oui", "llc.type",
            "null.family", "ip.version", "ip.hdr_len", "ip.dsfield", "ip.dsfield.dscp", "ip.dsfield.ecn", "ip.len",
            "ip.id", "ip.flags", "ip.flags.rb", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ip.proto",
            "ip.checksum", "ip.src", "ip.dst", "ipv6.version", "ipv6.tclass", "ipv6.tclass.dscp", "ipv6.tclass.ecn",
            "ipv6.flow", "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst", "ipv6.fraghdr.nxt",
            "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident", "gre.flags_and_version", "gre.proto",
            "gre.key", "gre.sequence_number", "udp.srcport", "udp.dstport", "udp.length", "udp.checksum", "tcp.srcport",
            "tcp.dstport", "tcp.len", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.res",
            "tcp.flags.ae", "tcp.flags.cwr", "tcp.flags.ece", "tcp.flags.urg", "tcp.flags.ack", "tcp.flags.push",
            "tcp.flags.reset", "tcp.flags.syn", "tcp.flags.fin", "tcp.window_size_value", "tcp.checksum",
            "tcp.urgent_pointer", "tcp.options", "tcp.options.mss", "tcp.options.nop", "tcp.options.wscale",
            "tcp.options.sack_perm", "tcp.options.timestamp", "tcp.options.eol", "tcp.option_kind", "tcp.option_len",
            "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval",
            "tcp.options.timestamp.tsecr", "icmp.type", "icmp.code", "icmp.checksum", "icmpv6.type", "icmpv6.code",
            "icmpv6.checksum", "mpls.label", "mpls.exp", "mpls.bottom", "mpls.ttl", "ppp.protocol");
    /** Protocols compared with tshark's (where each starts and how long its header is). */
    private static final Set<String> PROTOCOLS = Set.of("eth", "vlan", "ieee8021ad", "sll", "null", "ip", "ipv6", "gre", "udp", "tcp",
            "icmp", "icmpv6", "mpls", "ppp", "wlan", "radiotap", "llc");

    // ------------------------------------------------------------------------------------------------ what a user reads

    @Test
    void aTcpSegmentShowsEthernetIpAndTcpWithTheirBytes() {
        byte[] options = {2, 4, 5, (byte) 0xb4, 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};
        byte[] t = cat(u16(49812), u16(88), u32(1000), u32(2000), new byte[] {(byte) 0x90, PSH | ACK}, u16(512), u16(0x1234),
                u16(0), options, Pkt.ascii("hello"));
        FieldNode root = layers(Pkt.frame(7, 1, ether(0x0800, ipv4(A, B, 6, t))));
        assertEquals(List.of("frame.time", "frame.number", "frame.len", "frame.cap_len", "eth", "ip", "tcp"),
                root.children().stream().map(FieldNode::name).toList());
        assertEquals("Frame 7: 75 bytes on wire (600 bits), 75 bytes captured (600 bits)", root.label());
        FieldNode ip = root.find("ip");
        assertEquals("Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2", ip.label());
        assertEquals(14, ip.range().offset());
        assertEquals(20, ip.range().length());
        FieldNode src = root.find("ip.src");
        assertEquals("10.0.0.1", src.value());
        assertEquals(26, src.range().offset());
        assertEquals(4, src.range().length());
        FieldNode flags = root.find("tcp.flags");
        assertEquals("Flags: 0x018 (PSH, ACK)", flags.label());
        assertEquals(1, root.find("tcp.flags.push").value());
        assertEquals(0, root.find("tcp.flags.syn").value());
        assertEquals("TCP Option - Maximum segment size: 1460 bytes", root.find("tcp.options.mss").label());
        assertEquals(7L, root.find("tcp.options.timestamp.tsval").value());
        FieldNode payload = root.find("tcp.payload");
        assertEquals("TCP payload (5 bytes)", payload.label());
        assertEquals(70, payload.range().offset());
        assertEquals(5, payload.range().length());
    }

    @Test
    void aFrameCutByTheSnaplenShowsTheBytesItHolds() {
        byte[] whole = ether(0x0800, ipv4(A, B, 17, udp(5353, 53, new byte[200])));
        byte[] cut = java.util.Arrays.copyOf(whole, 60);
        FieldNode root = layers(Pkt.frame(1, 1_000_000L, 1, cut, whole.length));
        assertEquals(208, root.find("udp.length").value());
        FieldNode payload = root.find("udp.payload");
        assertEquals(18, payload.range().length(), "the captured 18 of the 200 bytes");
        assertTrue(root.label().contains("242 bytes on wire") && root.label().contains("60 bytes captured"), root.label());
    }

    @Test
    void aHeaderTheFrameCannotHoldIsMalformedWithTheDecodersReason() {
        byte[] shortIp = ether(0x0800, new byte[] {0x45, 0, 0, 40, 0, 0});
        FieldNode root = layers(Pkt.frame(3, 1, shortIp));
        assertNotNull(root.find("eth"));
        FieldNode m = root.find("_ws.malformed");
        assertNotNull(m, "a malformed node");
        assertTrue(m.label().contains("ipv4") && m.label().contains("6 of 20 bytes"), m.label());
        assertTrue(root.isMalformed());
    }

    @Test
    void tcpOptionsPastTheHeaderAreMalformedNotRead() {
        // a header of 24 bytes whose one option claims 40
        byte[] t = cat(u16(1), u16(2), u32(0), u32(0), new byte[] {0x60, SYN}, u16(0), u16(0), u16(0), new byte[] {2, 40, 0, 0});
        FieldNode root = layers(Pkt.frame(1, 1, ether(0x0800, ipv4(A, B, 6, t))));
        FieldNode options = root.find("tcp.options");
        assertTrue(options.isMalformed(), "options malformed");
        assertEquals(null, root.find("tcp.options.mss"));
    }

    @Test
    void theLastFragmentShowsTheReassembledTransportApart() {
        byte[] datagram = udp(1111, 53, new byte[40]);
        byte[] first = java.util.Arrays.copyOfRange(datagram, 0, 24);
        byte[] second = java.util.Arrays.copyOfRange(datagram, 24, datagram.length);
        NetworkDecoder d = new NetworkDecoder(new Recorder());
        d.decode(Pkt.frame(1, 1, ether(0x0800, ipv4(A, B, 17, first, 77, 0, true, -1))));
        FrameLayers l = new FrameLayers();
        d.headersOf(2, l);
        d.decode(Pkt.frame(2, 1, ether(0x0800, ipv4(A, B, 17, second, 77, 3, false, -1))));
        FieldNode root = l.root();
        assertEquals(3, root.find("ip.frag_offset").value(), "in units of 8 bytes");
        assertEquals("Fragment Offset: 3 (24 bytes)", root.find("ip.frag_offset").label());
        FieldNode udp = root.find("udp");
        assertEquals("Reassembled IP", udp.source(), "the UDP header is in the first fragment, not in this frame");
        assertEquals(48, root.find("udp.length").value());
    }

    @Test
    void ipv6ExtensionHeadersSitInsideTheIpv6Node() {
        byte[] hopByHop = {44, 0, 1, 4, 0, 0, 0, 0};
        byte[] frag = cat(new byte[] {17, 0}, u16(0), u32(0x12345678L));
        FieldNode root = layers(Pkt.frame(1, 1, ether(0x86DD, ipv6(A6, B6, 0, cat(hopByHop, frag, udp(1, 2, new byte[4]))))));
        FieldNode v6 = root.find("ipv6");
        assertNotNull(v6.children().stream().filter(c -> c.name().equals("ipv6.hopopts")).findFirst().orElse(null));
        assertEquals(0x12345678L, root.find("ipv6.fraghdr.ident").value());
        assertEquals(54 + 16, root.find("udp").range().offset());
    }

    @Test
    void hostileFramesOfEveryLinkTypeNeverBreakTheLayersNorPointOutsideTheFrame() {
        Random r = new Random(20261127);
        int[] links = {1, 113, 276, 0, 108, 12, 101, 228, 229, 226, 105, 127, 192};
        byte[][] seeds = craftedFrames().values().stream().flatMap(List::stream).toArray(byte[][]::new);
        int frames = 0, nodes = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seeds[r.nextInt(seeds.length)].clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            }
            int link = links[r.nextInt(links.length)];
            FieldNode root = layers(Pkt.frame(i + 1, link, b));
            assertNotNull(root, "frame " + i);
            nodes += within(root, b.length, "link " + link + " frame " + java.util.HexFormat.of().formatHex(b));
            frames++;
        }
        assertTrue(frames == 20_000 && nodes > 100_000, frames + " frames, " + nodes + " nodes");
    }

    /** Every node of the frame's own bytes lies within them; returns how many nodes there are. */
    private static int within(FieldNode n, int captured, String where) {
        int count = 1;
        if ("frame".equals(n.source())) {
            assertTrue(n.range().offset() >= 0 && n.range().end() <= captured, n.name() + " " + n.range() + " past "
                    + captured + ": " + where);
        }
        for (FieldNode c : n.children()) {
            count += within(c, captured, where);
        }
        return count;
    }

    private static FieldNode layers(Frame f) {
        NetworkDecoder d = new NetworkDecoder(new Recorder());
        FrameLayers l = new FrameLayers();
        d.headersOf(f.number(), l);
        d.decode(f);
        return l.root();
    }

    // ------------------------------------------------------------------------------------------------ against tshark

    @TestFactory
    Stream<DynamicTest> theLayersAgreeWithTsharkFieldByField(@TempDir Path dir) throws IOException {
        boolean tshark = tsharkInstalled();
        if (!tshark) {
            System.out.println("FrameLayersTest skipped against tshark: not installed "
                    + "(DEBIAN_FRONTEND=noninteractive apt-get install -y tshark)");
        }
        assumeTrue(tshark, "tshark not installed");
        List<Path> captures = new ArrayList<>();
        for (Map.Entry<Integer, List<byte[]>> e : craftedFrames().entrySet()) {
            Path p = dir.resolve("crafted-link" + e.getKey() + ".pcap");
            writePcap(p, e.getKey(), e.getValue());
            captures.add(p);
        }
        Path root = TsharkAgreementTest.repoRoot();
        try (Stream<Path> s = Files.list(root.resolve("bundles/org.kerbscope.lab/samples"))) {
            s.filter(p -> p.toString().endsWith(".pcapng")).sorted().forEach(captures::add);
        }
        Path corpus = TsharkAgreementTest.corpus();
        if (corpus != null) {
            try (Stream<Path> s = Files.walk(corpus)) {
                s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".keytab")).sorted()
                        .forEach(captures::add);
            }
        }
        return captures.stream().map(p -> DynamicTest.dynamicTest(root.relativize(p.toAbsolutePath()).toString()
                .replace("../", ""), () -> agree(p)));
    }

    private static final int FRAMES = 200;

    private static void agree(Path capture) throws Exception {
        List<List<String>> expected = tshark(capture);
        int n = 0, compared = 0;
        try (CaptureFile file = CaptureFile.open(capture); CaptureReader r = file.reader()) {
            NetworkDecoder d = new NetworkDecoder(new Recorder());
            for (Frame f = r.next(); f != null && n < FRAMES; f = r.next()) {
                FrameLayers l = new FrameLayers();
                d.headersOf(f.number(), l);
                d.decode(f);
                named(l.root(), capture.getFileName() + " frame " + f.number());
                List<String> ours = new ArrayList<>();
                for (FieldNode c : l.root().children()) {
                    if (FrameLayers.isLayer(c)) {
                        collect(c, ours, true);
                    }
                }
                List<String> theirs = expected.get(n++);
                if (theirs.contains("netmon_event") || theirs.contains("stop")) {
                    continue; // an ETW event tshark does not open (TsharkAgreementTest), or a tunnel we do not follow
                }
                if (!theirs.equals(ours)) {
                    List<String> missing = new ArrayList<>(theirs), extra = new ArrayList<>(ours);
                    missing.removeAll(ours);
                    extra.removeAll(theirs);
                    assertEquals(theirs, ours, capture.getFileName() + " frame " + f.number() + ": tshark's only " + missing
                            + ", ours only " + extra);
                }
                compared++;
            }
        }
        assertEquals(Math.min(FRAMES, expected.size()), n, "frames");
        assertTrue(compared > 0 || capture.getFileName().toString().endsWith(".cap"),
                "frames compared (all but Network Monitor's ETW events)");
    }

    /** Every node below the frame is named in FrameLayers.FIELDS or LAYERS: the display filter reads it by that name. */
    private static void named(FieldNode frame, String where) {
        for (FieldNode c : frame.children()) {
            if (!c.isMalformed()) {
                assertTrue(FrameLayers.FIELDS.contains(c.name()) || FrameLayers.LAYERS.contains(c.name()),
                        where + ": " + c.name() + " is not in FrameLayers.FIELDS");
            }
            named(c, where);
        }
    }

    private static void collect(FieldNode node, List<String> out, boolean protocol) {
        // (a header in a packet IP reassembly made has its offset in that packet, as tshark's has)
        if (protocol ? PROTOCOLS.contains(node.name()) : FIELDS.contains(node.name())) {
            out.add(line(node.name(), node.range().offset(), node.range().length(), node.value() == null ? null
                    : node.value() instanceof Number v ? Long.toString(v.longValue()) : node.value().toString()));
        }
        for (FieldNode c : node.children()) {
            if (!c.isMalformed()) {
                collect(c, out, false);
            }
        }
    }

    private static String line(String name, int pos, int size, String value) {
        return name + " @" + pos + "+" + size + (value == null ? "" : " = " + value);
    }

    /** tshark's reading, frame by frame: the compared protocols and fields, in tree order. */
    private static List<List<String>> tshark(Path capture) throws Exception {
        Process p = new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-c", Integer.toString(FRAMES), "-T",
                "pdml").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<List<String>> frames = new ArrayList<>();
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        // (read as Latin-1: tshark writes some names it found in the packets, such as SMB file names, as raw bytes that
        // are not UTF-8; the attributes compared are ASCII)
        try (InputStream in = p.getInputStream()) {
            InputSource source = new InputSource(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.ISO_8859_1));
            factory.newSAXParser().parse(source, new DefaultHandler() {
                List<String> frame;
                int depth;            // element depth inside <packet>
                int skipFrom = -1;    // depth of a nested protocol (an ICMP error's quote): not compared
                boolean inLayer;      // inside a compared top-level protocol
                int layerDepth;
                boolean stop;         // a tunnel the decoder does not follow: the rest of the frame is not compared

                @Override
                public void startElement(String uri, String local, String qName, Attributes a) {
                    if ("packet".equals(qName)) {
                        frame = new ArrayList<>();
                        depth = 0;
                        skipFrom = -1;
                        inLayer = false;
                        stop = false;
                        return;
                    }
                    depth++;
                    String name = a.getValue("name");
                    if ("proto".equals(qName)) {
                        if (depth == 1) {
                            inLayer = PROTOCOLS.contains(name) && !stop;
                            layerDepth = depth;
                            if ("netmon_event".equals(name)) {
                                frame.add("netmon_event");
                            }
                            if ("vxlan".equals(name) || "teredo".equals(name)) {
                                stop = true;
                                frame.add("stop");
                            }
                            if (inLayer) {
                                frame.add(line(name, Integer.parseInt(a.getValue("pos")), Integer.parseInt(a.getValue("size")),
                                        null));
                            }
                        } else if (skipFrom < 0 && PROTOCOLS.contains(name)) {
                            skipFrom = depth; // a packet quoted inside another (an ICMP error's)
                        }
                        return;
                    }
                    if (!inLayer || skipFrom >= 0 || !FIELDS.contains(name) || "yes".equals(a.getValue("hide"))) {
                        return;
                    }
                    frame.add(line(name, Integer.parseInt(a.getValue("pos")), Integer.parseInt(a.getValue("size")),
                            value(name, a.getValue("show"))));
                }

                @Override
                public void endElement(String uri, String local, String qName) {
                    if ("packet".equals(qName)) {
                        frames.add(frame);
                        return;
                    }
                    if (depth == skipFrom) {
                        skipFrom = -1;
                    }
                    if (depth == layerDepth && "proto".equals(qName)) {
                        inLayer = false;
                    }
                    depth--;
                }
            });
        }
        p.waitFor(120, TimeUnit.SECONDS);
        return frames;
    }

    /** A shown value as this class's nodes hold it: numbers in decimal, addresses as text; null for byte strings. */
    private static String value(String name, String show) {
        if (Set.of("tcp.options", "tcp.options.mss", "tcp.options.nop", "tcp.options.wscale", "tcp.options.sack_perm",
                "tcp.options.timestamp", "tcp.options.eol").contains(name)) {
            return null; // the option's bytes: the node's value is null, its range is compared
        }
        if (show.startsWith("0x")) {
            return Long.toString(Long.parseLong(show.substring(2), 16));
        }
        return show;
    }

    // ------------------------------------------------------------------------------------------------ crafted captures

    /** Frames of every link type and tunnel the decoder reads, by link type. */
    private static Map<Integer, List<byte[]>> craftedFrames() {
        byte[] udp4 = ipv4(A, B, 17, udp(1111, 53, Pkt.ascii("query")));
        byte[] opts = {2, 4, 5, (byte) 0xb4, 1, 3, 3, 8, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0};
        byte[] syn = ipv4(A, B, 6, cat(u16(50000), u16(80), u32(100), u32(0), new byte[] {(byte) 0xb0, SYN}, u16(64240),
                u16(0xbeef), u16(0), opts));
        byte[] data = ipv4(B, A, 6, cat(u16(80), u16(50000), u32(9), u32(101), new byte[] {0x50, PSH | ACK}, u16(255),
                u16(1), u16(0), Pkt.ascii("HTTP/1.1 200 OK\r\n\r\n")));
        byte[] withOptions = cat(new byte[] {0x46, 0x10}, u16(24 + 8 + 3), u16(0x4242), u16(0x4000),
                new byte[] {(byte) 128, 17, 0x12, 0x34}, A, B, new byte[] {1, 1, 1, 0}, udp(1, 2, new byte[3]));
        byte[] frag1 = ipv4(A, B, 17, java.util.Arrays.copyOfRange(udp(7, 8, new byte[40]), 0, 24), 99, 0, true, -1);
        byte[] frag2 = ipv4(A, B, 17, java.util.Arrays.copyOfRange(udp(7, 8, new byte[40]), 24, 48), 99, 3, false, -1);
        byte[] v6udp = ipv6(A6, B6, 17, udp(1111, 53, Pkt.ascii("six")));
        byte[] v6ext = ipv6(A6, B6, 0, cat(new byte[] {60, 0, 1, 4, 0, 0, 0, 0}, new byte[] {17, 0, 1, 4, 0, 0, 0, 0},
                udp(1111, 53, Pkt.ascii("ext"))));
        byte[] v6frag = ipv6(A6, B6, 44, cat(new byte[] {17, 0}, u16(0), u32(0xabcdef01L), udp(1, 2, new byte[8])));
        byte[] icmp = ipv4(B, A, 1, cat(new byte[] {3, 3, 0x11, 0x22, 0, 0, 0, 0}, udp4));
        byte[] icmp6 = ipv6(B6, A6, 58, cat(new byte[] {1, 4, 0x11, 0x22, 0, 0, 0, 0}, v6udp));
        byte[] gre = ipv4(A, B, 47, cat(u16(0x3000), u16(0x0800), u32(7), u32(1), udp4));
        byte[] teb = ipv4(A, B, 47, cat(u16(0), u16(0x6558), ether(0x0800, udp4)));
        byte[] ipip = ipv4(A, B, 4, udp4);
        Map<Integer, List<byte[]>> out = new LinkedHashMap<>();
        out.put(1, List.of(ether(0x0800, udp4), ether(0x0800, syn), ether(0x0800, data), ether(0x0800, withOptions),
                ether(0x0800, frag1), ether(0x0800, frag2), ether(0x86DD, v6udp), ether(0x86DD, v6ext),
                ether(0x86DD, v6frag), ether(0x0800, icmp), ether(0x86DD, icmp6), ether(0x0800, gre), ether(0x0800, teb),
                ether(0x0800, ipip), ether(0x8100, cat(u16(0x6064), u16(0x0800), udp4)),
                ether(0x88A8, cat(u16(200), u16(0x8100), u16(100), u16(0x86DD), v6udp)),
                ether(0x8847, cat(u32(0x00010140L), udp4)),
                ether(0x8864, cat(new byte[] {0x11, 0, 0, 1}, u16(udp4.length + 2), u16(0x0021), udp4)),
                ether(8 + udp4.length, cat(new byte[] {(byte) 0xaa, (byte) 0xaa, 3, 0, 0, 0}, u16(0x0800), udp4))));
        out.put(113, List.of(cat(u16(0), u16(1), u16(6), new byte[] {0, 0x0c, 0x29, 1, 2, 3, 0, 0}, u16(0x0800), udp4),
                cat(u16(4), u16(1), u16(6), new byte[] {0, 0x0c, 0x29, 1, 2, 3, 0, 0}, u16(0x86DD), v6udp)));
        out.put(0, List.of(cat(new byte[] {2, 0, 0, 0}, udp4), cat(new byte[] {30, 0, 0, 0}, v6udp)));
        out.put(108, List.of(cat(new byte[] {0, 0, 0, 2}, udp4)));
        out.put(276, List.of(cat(u16(0x0800), u16(0), u32(2), u16(1), new byte[] {4, 6}, new byte[] {0, 0x0c, 0x29, 1, 2, 3,
                0, 0}, udp4)));
        // 802.11 data frames to and from the distribution system, with LLC/SNAP; one under a radiotap header
        byte[] snap = cat(new byte[] {(byte) 0xaa, (byte) 0xaa, 3, 0, 0, 0}, u16(0x0800), udp4);
        byte[] toDs = cat(new byte[] {8, 1}, u16(0x2c00), new byte[] {0, 1, 2, 3, 4, 5}, new byte[] {0, 0x0c, 0x29, 1, 2, 3},
                new byte[] {0, 0x50, 0x56, 4, 5, 6}, u16(0x1000), snap);
        byte[] fromDs = cat(new byte[] {8, 2}, u16(0x2c00), new byte[] {0, 0x0c, 0x29, 1, 2, 3}, new byte[] {0, 1, 2, 3, 4, 5},
                new byte[] {0, 0x50, 0x56, 4, 5, 6}, u16(0x2000), snap);
        out.put(105, List.of(toDs, fromDs));
        out.put(127, List.of(cat(new byte[] {0, 0, 8, 0, 0, 0, 0, 0}, toDs)));
        out.put(101, List.of(udp4, v6udp, syn));
        return out;
    }

    private static void writePcap(Path p, int link, List<byte[]> frames) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(link);
        o.writeBytes(h.array());
        int t = 0;
        for (byte[] f : frames) {
            ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            r.putInt(1_764_000_000 + t++).putInt(0).putInt(f.length).putInt(f.length);
            o.writeBytes(r.array());
            o.writeBytes(f);
        }
        Files.write(p, o.toByteArray());
    }

    private static boolean tsharkInstalled() {
        return TsharkAgreementTest.tsharkInstalled();
    }
}
