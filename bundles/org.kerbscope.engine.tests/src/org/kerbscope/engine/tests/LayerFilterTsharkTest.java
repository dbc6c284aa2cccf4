package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameCursor;
import org.kerbscope.engine.filter.DisplayFilter;
import org.kerbscope.engine.filter.FrameLayerValues;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TransportHandler;

/**
 * The display filter's fields of a frame's own layers, and its operators on them, against tshark's on the same files:
 * every value of every field of the first frames of the lab's samples and the reference corpus, then the frames a
 * Wireshark user's filters keep (subnets, MAC spellings, sets and ranges, bit masks, {@code !=} as "no value equal",
 * conversations by {@code tcp.stream}).
 */
class LayerFilterTsharkTest {
    private static final int FRAMES = 300;

    /** Fields whose values tshark prints as ours mean them (the protocols named alone are checked by the filters). */
    private static final List<String> FIELDS = FrameLayerValues.FIELDS.stream().filter(f -> f.contains(".") && !f.endsWith(".payload"))
            .sorted().toList();

    @TestFactory
    Stream<DynamicTest> everyFieldHasTsharksValues() throws IOException {
        assumeTrue(Tshark.installed(), "tshark not installed");
        return Tshark.captures().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> sameValues(p)));
    }

    private static void sameValues(Path capture) throws Exception {
        List<String> args = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-c", Integer.toString(FRAMES),
                "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=/t", "-e", "frame.protocols"));
        for (String f : FIELDS) {
            args.add("-e");
            args.add(f);
        }
        List<String> lines = Tshark.run(args);
        FrameLayerValues ours = new FrameLayerValues(FIELDS);
        NetworkDecoder decoder = new NetworkDecoder(TransportHandler.NONE);
        int n = 0, compared = 0;
        try (CaptureFile file = CaptureFile.open(capture); CaptureReader r = file.reader()) {
            FrameCursor c = new FrameCursor();
            while (r.advance(c) && n < FRAMES && n < lines.size()) {
                ours.reset(c.number());
                decoder.headersOf(c.number(), ours);
                decoder.decode(c);
                String[] line = lines.get(n++).split("\t", -1);
                if (line[0].contains("netmon_event")) {
                    continue; // an ETW event, whose packet tshark 4.0 does not open (FrameLayersTest)
                }
                String[] theirs = Arrays.copyOfRange(line, 1, line.length);
                for (int i = 0; i < FIELDS.size(); i++) {
                    String field = FIELDS.get(i);
                    List<String> expected = i < theirs.length && !theirs[i].isEmpty()
                            ? Arrays.stream(theirs[i].split(",")).map(LayerFilterTsharkTest::normal).toList() : List.of();
                    List<String> actual = ours.values(field).stream().map(v -> normal(String.valueOf(v))).toList();
                    assertEquals(expected, actual, capture.getFileName() + " frame " + c.number() + " " + field);
                    compared += expected.size();
                }
            }
        }
        assertTrue(n > 0 || lines.isEmpty(), capture + ": no frame read");
        System.out.println("LayerFilterTsharkTest " + capture.getFileName() + ": " + n + " frames, " + compared + " values");
    }

    /** A value as text both sides agree on: numbers in decimal (tshark writes some in hex), booleans as 0 and 1. */
    private static String normal(String v) {
        if (v.equals("True")) {
            return "1";
        }
        if (v.equals("False")) {
            return "0";
        }
        if (v.startsWith("0x")) {
            try {
                return Long.toString(Long.parseLong(v.substring(2), 16));
            } catch (NumberFormatException e) {
                return v;
            }
        }
        return v;
    }

    /** Filters a Wireshark user writes, each run by tshark and by the display filter on the same capture. */
    private static final List<String> FILTERS = List.of("ip.addr == 192.168.0.0/16", "ip.src == 10.0.0.0/8 || ip.dst == 172.16.0.0/12",
            "!(ip.addr == 192.168.0.0/16)", "ip.addr != 192.168.0.0/16", "ip.addr !== 192.168.0.0/16",
            "ip.addr === 192.168.0.0/16", "ip.dst > 192.168.1.1", "eth.dst == ff:ff:ff:ff:ff:ff", "eth.addr == FF-FF-FF-FF-FF-FF",
            "eth.dst == ffff.ffff.ffff", "eth.type == 0x0800", "eth.type != 0x0800", "vlan", "vlan.id > 1", "ip.ttl < 64",
            "ip.ttl in {64, 128, 255}", "ip.proto == 17", "ip.len > 1000", "ip.flags.df == 1", "ip.flags.mf == 1 || ip.id == 0",
            "ip.hdr_len > 20", "ipv6", "ipv6.addr == fe80::/10", "ipv6.nxt == 58", "ipv6.hlim == 255", "tcp.port in {88, 80, 445, 389}",
            "tcp.port in {1..1024}", "tcp.flags & 0x02", "tcp.flags & 0x12 == 0x12", "tcp.flags.urg == 1 or tcp.flags.cwr == 1",
            "tcp.window_size_value < 1000", "tcp.hdr_len > 20", "tcp.seq_raw > 2147483648", "tcp.ack_raw == 0",
            "udp.length > 500", "udp && !dns", "icmp.type == 3", "icmpv6.type == 135", "frame.len > 1000",
            "frame.cap_len < 100 and frame.len ge 100", "tcp.stream == 1", "tcp.stream in {0, 2, 5}", "udp.stream == 0",
            "tcp.srcport >= 49152", "tcp.len > 0 && tcp.flags.push == 0", "frame.number in {1, 3..5}",
            // fields of the details read from them, and the segments' bytes
            "ip.dsfield.dscp == 0 && ip.flags.rb == 0", "tcp.options.mss_val >= 1400", "tcp.options.wscale.shift > 2",
            "tcp.options.timestamp.tsval > 0", "tcp.options.sack_perm", "tcp.checksum == 0", "gre", "gre.proto == 0x88be",
            "ip.checksum > 0x8000", "udp.checksum == 0", "tcp.urgent_pointer == 0 && tcp.flags.ack == 0", "icmpv6.checksum > 0",
            "tcp.payload contains \"GET\"", "tcp.payload matches \"^HTTP/1\\\\.1 401\"", "udp.payload contains \"krbtgt\"",
            "ip.frag_offset > 0", "eth.len > 0", "llc");

    /**
     * Every filter on one capture merged from three (a lab sample; broadcasts, ARP and IPv6 neighbours; a GRE/ERSPAN
     * tunnel), each filter's frames as tshark keeps them (its runs two at a time: each costs more than half a second).
     */
    @Test
    void filtersKeepTsharksFrames(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeTrue(Tshark.installed(), "tshark not installed");
        List<String> parts = new ArrayList<>();
        for (Path p : Tshark.captures()) {
            String name = p.getFileName().toString();
            if (name.equals("spn-unknown.pcapng") || name.equals("erspan.pcap")
                    || p.toString().contains("smb2-ntlmssp-negotiateflags")) {
                parts.add(p.toString());
            }
        }
        assumeTrue(parts.size() == 3, "the corpus is not beside the repository: " + parts);
        Path merged = dir.resolve("merged.pcapng");
        List<String> merge = new ArrayList<>(List.of("mergecap", "-a", "-F", "pcapng", "-w", merged.toString()));
        merge.addAll(parts);
        Tshark.run(merge);
        assertTrue(Files.size(merged) > 0, "mergecap wrote nothing");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (CaptureFile file = CaptureFile.open(merged)) {
            long frames = file.index().size();
            List<java.util.concurrent.Future<List<String>>> theirs = new ArrayList<>();
            for (String filter : FILTERS) {
                // (udp && !dns: the display filter reads DNS from the events, tshark from the packets; no event is given here)
                String f = filter.equals("udp && !dns") ? "udp" : filter;
                theirs.add(pool.submit(() -> Tshark.run(List.of("tshark", "-n", "-r", merged.toString(), "-Y", f, "-T", "fields",
                        "-e", "frame.number"))));
            }
            int kept = 0;
            for (int i = 0; i < FILTERS.size(); i++) {
                List<Long> expected = theirs.get(i).get().stream().map(l -> Long.parseLong(l.trim())).toList();
                long[] ours = DisplayFilter.parse(FILTERS.get(i)).framesMatching(file, frames, x -> List.of(), () -> false);
                assertEquals(expected, Arrays.stream(ours).boxed().toList(), FILTERS.get(i));
                kept += expected.size();
            }
            assertTrue(kept > 1000, "the filters keep frames: " + kept);
            System.out.println("LayerFilterTsharkTest: " + FILTERS.size() + " filters on " + frames + " frames, " + kept
                    + " kept");
        } finally {
            pool.shutdownNow();
        }
    }

    /** The operators' edge cases without tshark: what a Wireshark user expects of them. */
    @Test
    void wiresharkOperatorsAndTheirErrors() throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("ip.addr == fileserver", "'fileserver' is not an IPv4 address");
        wrong.put("ip.addr == 10.0.0.0/33", "'10.0.0.0/33' is not an IPv4 address");
        wrong.put("ipv6.addr == 10.0.0.1", "'10.0.0.1' is not an IPv6 address");
        wrong.put("eth.src == 00:11:22:33:44", "is not an MAC address");
        wrong.put("tcp.port in 80", "'in' takes a set in braces");
        wrong.put("tcp.port in {80, 443", "a set without its closing '}'");
        wrong.put("tcp.port in {}", "an empty set");
        wrong.put("tcp.port in {a..b}", "a range of numbers");
        wrong.put("tcp.flags & syn", "a bitwise and takes a whole number");
        wrong.put("http.server matches \"(\"", "not a regular expression");
        for (Map.Entry<String, String> e : wrong.entrySet()) {
            DisplayFilter.FilterException x = org.junit.jupiter.api.Assertions.assertThrows(DisplayFilter.FilterException.class,
                    () -> DisplayFilter.parse(e.getKey()), e.getKey());
            assertTrue(x.getMessage().contains(e.getValue()), e.getKey() + ": " + x.getMessage());
        }
        // a protocol named alone and the logical and after it is not a bitwise and
        assertTrue(DisplayFilter.parse("tcp&&udp").readsLayers());
        assertEquals(List.of("tcp.flags", "ip.addr"), DisplayFilter.parse("tcp.flags & 0x02 && ip.addr == 10.0.0.0/8").names());
    }
}
