package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.engine.filter.DisplayFilter;
import org.kerbscope.engine.filter.FollowStream;

/**
 * "Follow TCP Stream" and "Follow UDP Stream" against tshark's ({@code -z follow,tcp,raw,N}) on every conversation of
 * the lab's samples and of the reference corpus' captures: the same ends, and the same runs of bytes from each end in
 * the same order (retransmissions left out, overlaps trimmed).
 */
class FollowStreamTest {
    @TestFactory
    Stream<DynamicTest> everyConversationIsFollowedAsTsharkFollowsIt() throws Exception {
        assumeTrue(Tshark.installed(), "tshark not installed");
        // (the ETW captures aside: tshark 4.0 does not open their packets)
        List<Path> captures = Tshark.captures().stream().filter(p -> !p.getFileName().toString().startsWith("PktMon")).toList();
        return captures.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            follow(p, "tcp");
            follow(p, "udp");
        }));
    }

    private static final int MAX_STREAMS = 16;

    private static void follow(Path capture, String kind) throws Exception {
        try (CaptureFile file = CaptureFile.open(capture)) {
            long frames = file.index().size();
            // the first frame of each conversation, by the filter's numbering (itself compared with tshark's)
            List<Long> first = new ArrayList<>();
            for (int i = 0; i < MAX_STREAMS; i++) {
                long[] f = DisplayFilter.parse(kind + ".stream == " + i).framesMatching(file, frames, x -> List.of(), () -> false);
                if (f.length == 0) {
                    break;
                }
                first.add(f[0]);
            }
            if (first.isEmpty()) {
                return;
            }
            List<String> args = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-q"));
            for (int i = 0; i < first.size(); i++) {
                args.add("-z");
                args.add("follow," + kind + ",raw," + i);
            }
            List<List<String[]>> theirs = parse(Tshark.run(args));
            assertEquals(first.size(), theirs.size(), capture + ": tshark's follow sections");
            for (int i = 0; i < first.size(); i++) {
                FollowStream.Stream ours = FollowStream.of(file, first.get(i), kind, () -> false);
                assertNotNull(ours, capture + " " + kind + " stream " + i);
                assertEquals(kind + ".stream eq " + i, ours.filter());
                List<String[]> expected = theirs.get(i);
                assertEquals(expected.get(0)[1], ours.client(), capture + " " + kind + " stream " + i + ": node 0");
                List<String> want = new ArrayList<>(), got = new ArrayList<>();
                for (String[] run : expected.subList(1, expected.size())) {
                    want.add(run[0] + run[1]);
                }
                for (FollowStream.Chunk c : ours.chunks()) {
                    got.add((c.fromClient() ? "client " : "server ") + HexFormat.of().formatHex(c.data()));
                }
                List<String> w = join(want), g = join(got);
                if (!w.equals(g)) {
                    int k = 0;
                    while (k < Math.min(w.size(), g.size()) && w.get(k).equals(g.get(k))) {
                        k++;
                    }
                    String a = k < w.size() ? w.get(k) : "(none)", b = k < g.size() ? g.get(k) : "(none)";
                    int at = 0;
                    while (at < Math.min(a.length(), b.length()) && a.charAt(at) == b.charAt(at)) {
                        at++;
                    }
                    throw new AssertionError(capture + " " + kind + " stream " + i + ": run " + k + " of " + w.size() + "/"
                            + g.size() + " differs at hex digit " + at + " (lengths " + a.length() + "/" + b.length() + "): tshark "
                            + a.substring(0, Math.min(a.length(), 7)) + "…" + a.substring(Math.max(7, Math.min(at, a.length())), Math.min(a.length(), at + 40))
                            + " ours …" + b.substring(Math.max(7, Math.min(at, b.length())), Math.min(b.length(), at + 40)));
                }
            }
        }
    }

    /** Consecutive runs from one end joined: tshark writes a run per segment, as this does; joined, a split elsewhere is alike. */
    private static List<String> join(List<String> runs) {
        List<String> out = new ArrayList<>();
        for (String r : runs) {
            if (!out.isEmpty() && out.get(out.size() - 1).substring(0, 7).equals(r.substring(0, 7))) {
                out.set(out.size() - 1, out.get(out.size() - 1) + r.substring(7));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * tshark's follow sections, by their stream number (tshark prints the last asked first): the first entry's [1] is
     * node 0, then ("client "|"server ", hex) per line.
     */
    private static List<List<String[]>> parse(List<String> lines) {
        java.util.TreeMap<Integer, List<String[]>> out = new java.util.TreeMap<>();
        List<String[]> cur = null;
        for (String l : lines) {
            if (l.startsWith("Filter: ") && l.contains(".stream eq ")) {
                cur = new ArrayList<>();
                out.put(Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1).trim()), cur);
            } else if (cur != null && l.startsWith("Node 0: ")) {
                cur.add(0, new String[] {"node0", l.substring(8).trim()});
            } else if (cur != null && !l.isBlank() && !l.startsWith("Follow:") && !l.startsWith("Node 1:") && !l.startsWith("====")) {
                cur.add(new String[] {l.startsWith("\t") ? "server " : "client ", l.trim()});
            }
        }
        return new ArrayList<>(out.values());
    }

    @Test
    void aFrameWithoutTheConversationGivesNone() throws Exception {
        try (CaptureFile file = CaptureFile.open(UnionTest.sample("spn-unknown.pcapng"))) {
            long udp = DisplayFilter.parse("udp").framesMatching(file, file.index().size(), x -> List.of(), () -> false)[0];
            assertNull(FollowStream.of(file, udp, "tcp", () -> false), "a UDP frame has no TCP conversation");
            FollowStream.Stream s = FollowStream.of(file, udp, "udp", () -> false);
            assertTrue(s.clientBytes() > 0 && s.serverBytes() > 0, "the request and its answer");
            long tcp = DisplayFilter.parse("tcp.port == 80").framesMatching(file, file.index().size(), x -> List.of(), () -> false)[0];
            FollowStream.Stream web = FollowStream.of(file, tcp, "tcp", () -> false);
            String client = new String(web.chunks().get(0).data(), StandardCharsets.ISO_8859_1);
            assertTrue(client.startsWith("GET / HTTP/1.1\r\n"), client);
            String server = new String(web.chunks().get(1).data(), StandardCharsets.ISO_8859_1);
            assertTrue(server.startsWith("HTTP/1.1 401 Unauthorized\r\n") && server.toLowerCase(java.util.Locale.ROOT).contains("www-authenticate: negotiate"), server);
        }
    }
}
