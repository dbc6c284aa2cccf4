package org.kerbscope.net.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TransportHandler;

/**
 * Agreement with Wireshark on every capture of the reference corpus: frame count, timestamps to the
 * microsecond, and the innermost IP 5-tuple of each frame. Skipped, with the reason printed, where tshark or
 * the corpus is missing.
 */
class TsharkAgreementTest {
    private static final String[] FIELDS = {"frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src",
        "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "icmp.type", "icmpv6.type",
        "frame.protocols"};

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("releng/kerbscope.target"))) {
            p = p.getParent();
        }
        return p;
    }

    static Path corpus() {
        Path root = repoRoot();
        for (Path c : new Path[] {root == null ? null : root.resolveSibling("shared"), Path.of("/work/shared")}) {
            if (c != null && Files.isDirectory(c.resolve("corpus/captures"))) {
                return c.resolve("corpus/captures");
            }
        }
        return null;
    }

    static boolean tsharkInstalled() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusCaptureAgreesWithTshark() throws IOException {
        Path corpus = corpus();
        if (corpus == null) {
            System.out.println("TsharkAgreementTest skipped: no ../shared/corpus/captures beside the repository");
        }
        assumeTrue(corpus != null, "no reference corpus");
        boolean tshark = tsharkInstalled();
        if (!tshark) {
            System.out.println("TsharkAgreementTest skipped: tshark is not installed "
                    + "(DEBIAN_FRONTEND=noninteractive apt-get install -y tshark)");
        }
        assumeTrue(tshark, "tshark not installed");
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus)) {
            files = s.filter(Files::isRegularFile).filter(f -> isCapture(f)).sorted().toList();
        }
        assertTrue(files.size() > 10, "captures found: " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(corpus.relativize(f).toString(), () -> agree(f)));
    }

    private static boolean isCapture(Path f) {
        try {
            CaptureFile.detect(f);
            return true;
        } catch (IOException e) {
            return false; // keytabs and other companions of the captures
        }
    }

    private static List<String[]> tshark(Path f) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", f.toString(), "-T", "fields", "-E", "separator=/t"));
        for (String x : FIELDS) {
            cmd.add("-e");
            cmd.add(x);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(Arrays.copyOf(line.split("\t", -1), FIELDS.length));
            }
        }
        return rows;
    }

    private static String last(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String[] v = s.split(",");
        return v[v.length - 1];
    }

    private static boolean listed(String s, String value) {
        return s != null && Arrays.asList(s.split(",")).contains(value);
    }

    private static void agree(Path f) throws Exception {
        List<String[]> expected = tshark(f);
        NetworkDecoder dec = new NetworkDecoder(TransportHandler.NONE);
        int n = 0;
        try (CaptureFile file = CaptureFile.open(f); CaptureReader r = file.reader()) {
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                assertTrue(n < expected.size(), "more frames than tshark's " + expected.size());
                String[] t = expected.get(n++);
                String where = f.getFileName() + " frame " + fr.number();
                assertEquals(t[0], String.valueOf(fr.number()), where);
                long micros = new BigDecimal(t[1]).movePointRight(6).longValue();
                assertEquals(micros, Math.floorDiv(fr.timeNanos(), 1000L), where + " time " + t[1]);
                dec.decode(fr);
                FlowKey k = dec.lastFlow();
                boolean icmp = !t[10].isEmpty() || !t[11].isEmpty();
                String src = !t[4].isEmpty() ? t[4] : t[2];
                String dst = !t[5].isEmpty() ? t[5] : t[3];
                if (k == null) {
                    assertEquals("", src + dst, where + ": tshark found IP, the decoder did not");
                    continue;
                }
                if (t[12] != null && t[12].startsWith("netmon_event") && src.isEmpty()) {
                    // A packet inside an ETW event of a Network Monitor file (a pktmon or netsh trace saved by
                    // Network Monitor): tshark 4.0 shows the event and does not look inside (EtwPacketTest and
                    // PktmonTraceTest check the reading); nothing of tshark's to compare with.
                    continue;
                }
                String ks = FlowKey.text(k.srcAddr());
                String kd = FlowKey.text(k.dstAddr());
                if (icmp) {
                    // ICMP errors quote the packet they answer: tshark lists both, the decoder stops at ICMP.
                    assertTrue(listed(t[2], ks) || listed(t[4], ks), where + " src " + ks + " not in " + src);
                    continue;
                }
                assertTrue(ks.equals(last(t[2])) || ks.equals(last(t[4])), where + " src " + ks + " vs " + src);
                assertTrue(kd.equals(last(t[3])) || kd.equals(last(t[5])), where + " dst " + kd + " vs " + dst);
                String sp = !t[6].isEmpty() ? last(t[6]) : last(t[8]);
                String dp = !t[7].isEmpty() ? last(t[7]) : last(t[9]);
                assertEquals(sp.isEmpty() ? "0" : sp, String.valueOf(k.srcPort()), where + " source port");
                assertEquals(dp.isEmpty() ? "0" : dp, String.valueOf(k.dstPort()), where + " destination port");
            }
            assertEquals(expected.size(), n, f.getFileName() + ": frame count");
            assertEquals(expected.size(), file.index().size(), f.getFileName() + ": frame count of the index");
            assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
        }
        dec.finish();
    }
}
