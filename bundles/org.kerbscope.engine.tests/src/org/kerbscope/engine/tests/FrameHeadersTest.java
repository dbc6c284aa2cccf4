package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.engine.FrameHeaders;

/**
 * The packet list's columns for frames no dissector read come from the network layers alone: the innermost IP
 * addresses, TCP or UDP, the ports, the TCP flags and the payload length, as tshark reads them, frame by
 * frame, on every lab sample. Skipped where tshark is not installed.
 */
class FrameHeadersTest {
    @Test
    void everyFrameOfTheLabSamplesAsTsharkReadsIt() throws Exception {
        Assumptions.assumeTrue(tshark(), "tshark is not installed: skipped");
        List<Path> samples;
        try (Stream<Path> s = Files.list(UnionTest.root().resolve("bundles/org.kerbscope.lab/samples"))) {
            samples = s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
        int tcp = 0, udp = 0, flags = 0;
        for (Path p : samples) {
            List<String> lines = run("tshark", "-r", p.toString(), "-T", "fields", "-E", "separator=/t", "-E",
                    "occurrence=l", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst", "-e",
                    "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport", "-e",
                    "tcp.flags", "-e", "tcp.flags.ack", "-e", "tcp.flags.fin", "-e", "tcp.flags.reset", "-e",
                    "tcp.len", "-e", "udp.length");
            try (CaptureFile f = CaptureFile.open(p)) {
                assertEquals(lines.size(), f.index().size(), p + ": frames");
                for (int i = 0; i < lines.size(); i++) {
                    String[] t = (lines.get(i) + "\t\t\t\t\t\t\t\t\t\t\t\t\t\t").split("\t", -1);
                    FrameHeaders h = FrameHeaders.of(f.frame(i + 1));
                    String at = p.getFileName() + " frame " + (i + 1);
                    assertEquals(t[0].isEmpty() ? t[1] : t[0], h.source(), at + " source");
                    assertEquals(t[2].isEmpty() ? t[3] : t[2], h.destination(), at + " destination");
                    if (!t[4].isEmpty()) {
                        tcp++;
                        assertEquals("TCP", h.protocol(), at);
                        // the flags as Wireshark's Info column lists them, from tshark's reading of the header
                        int bits = Integer.decode(t[8]);
                        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"};
                        List<String> set = new java.util.ArrayList<>();
                        for (int b = 0; b < names.length; b++) {
                            if ((bits >> b & 1) != 0) {
                                set.add(names[b]);
                            }
                        }
                        if ((bits & 0x07) != 0) {
                            flags++; // a SYN, FIN or RST
                        }
                        assertEquals(t[4] + " → " + t[5] + " [" + String.join(", ", set) + "] Len=" + t[12], h.info(), at);
                    } else if (!t[6].isEmpty()) {
                        udp++;
                        assertEquals("UDP", h.protocol(), at);
                        assertEquals(t[6] + " → " + t[7] + " Len=" + (Integer.parseInt(t[13]) - 8), h.info(), at);
                    }
                }
            }
        }
        assertTrue(tcp > 150 && udp > 50 && flags > 50, tcp + " TCP frames (" + flags + " with flags), " + udp + " UDP");
    }

    @Test
    void aFrameTheNetworkLayersDoNotReadIsNamedByWhatItIs() {
        java.nio.ByteBuffer event = java.nio.ByteBuffer.wrap(new byte[120]).asReadOnlyBuffer();
        FrameHeaders h = FrameHeaders.of(new org.kerbscope.core.model.Frame(1, 0,
                org.kerbscope.capture.LinkTypes.NETMON_EVENT, 120, event));
        assertEquals(new FrameHeaders("", "", "Network Monitor event", ""), h);
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        FrameHeaders ethernet = FrameHeaders.of(new org.kerbscope.core.model.Frame(2, 0, 1, 42,
                java.nio.ByteBuffer.wrap(arp).asReadOnlyBuffer()));
        assertEquals(new FrameHeaders("", "", "", ""), ethernet,
                "a link the decoder reads, carrying no IP: nothing to say");
    }

    static boolean tshark() {
        try {
            return run("tshark", "-v").size() > 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static List<String> run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}
