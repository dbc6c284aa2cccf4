package org.kerbscope.ldap.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;

/**
 * The real engine's TCP reassembly with the LDAP framer: one connection per cut position, each sending the same
 * streams (a SPNEGO bind with a real Kerberos AP-REQ, a search, then sealed SASL buffers) split into two segments
 * at that position. Every connection must give the same messages, each attributed to the frame that completes it.
 */
class FramingTest {
    private static Kerberos krb;

    @TempDir
    Path dir;

    @BeforeAll
    static void kdc() throws Exception {
        krb = Kerberos.get();
    }

    @Test
    void everyCutPositionGivesTheSameMessages() throws Exception {
        byte[] bind = Ldap.bindSasl(1, "", "GSS-SPNEGO", krb.spnego.init());
        byte[] search = Ldap.searchRequest(2, "DC=ldap,DC=test", 2, Ldap.equality("sAMAccountName", "john"), "cn");
        byte[] sealed = Ldap.saslBuffer(krb.spnego.sealed());
        byte[] up = Der.cat(bind, search, sealed, sealed);
        byte[] down = Der.cat(Ldap.bindResponse(1, 0, "", krb.spnego.reply()), Ldap.searchResDone(2, 0), sealed);
        Path file = dir.resolve("cuts.pcapng");
        Map<Integer, long[]> expectedFrames = new HashMap<>();
        // Wireshark 4.0 does not reassemble an LDAP stream whose first segment is shorter than the 6 bytes it wants
        // for a header (it shows TCP data); RFC 4511 allows any segmentation, so those connections stay out of the
        // oracle comparison (they are still checked above against the messages sent)
        java.util.Set<Long> notForTshark = new java.util.HashSet<>();
        try (Capture c = new Capture(file)) {
            for (int cut = 1; cut < up.length; cut++) {
                int port = 20000 + cut;
                Capture.Tcp t = c.tcp("10.1.0.5", port, "10.1.0.10", 389).open();
                long first = c.next();
                t.sendCut(true, up, cut);
                // a message completes in the first segment when it ends at or before the cut
                long bindFrame = bind.length <= cut ? first : first + 1;
                long searchFrame = bind.length + search.length <= cut ? first : first + 1;
                t.sendCut(false, down, cut % down.length);
                if (cut < 6 || cut % down.length < 6) {
                    for (long f = first; f < c.next(); f++) {
                        notForTshark.add(f);
                    }
                }
                expectedFrames.put(port, new long[] { bindFrame, searchFrame });
            }
        }
        Analysis a = Workbench.analyze(file);
        assertTrue(a.diagnostics().stream().noneMatch(d -> "ldap".equals(d.protocol())),
                a.diagnostics().stream().filter(d -> "ldap".equals(d.protocol())).limit(5).toList().toString());
        Map<Integer, List<String>> byPort = new HashMap<>();
        for (Event e : a.events("ldap")) {
            int port = e.src().port() == 389 ? e.dst().port() : e.src().port();
            byPort.computeIfAbsent(port, k -> new ArrayList<>()).add(e.string("op") + "(" + e.fields().get("messageId") + ")");
            long[] want = expectedFrames.get(port);
            if ("bindRequest".equals(e.string("op"))) {
                assertEquals(want[0], e.frame(), "bindRequest frame, cut " + (port - 20000));
            } else if ("searchRequest".equals(e.string("op"))) {
                assertEquals(want[1], e.frame(), "searchRequest frame, cut " + (port - 20000));
            }
        }
        assertEquals(up.length - 1, byPort.size());
        for (Map.Entry<Integer, List<String>> e : byPort.entrySet()) {
            List<String> ops = new ArrayList<>(e.getValue());
            java.util.Collections.sort(ops);
            assertEquals(List.of("bindRequest(1)", "bindResponse(1)", "searchRequest(2)", "searchResDone(2)"), ops,
                    "cut " + (e.getKey() - 20000));
        }
        long apReqs = a.events("kerberos").stream().filter(k -> "AP-REQ".equals(k.string("msgType"))
                && "ldap".equals(k.string("carrier"))).count();
        assertEquals(up.length - 1, apReqs, "every connection's AP-REQ reaches the Kerberos dissector");

        // Wireshark reads the same capture the same way (when it is installed)
        List<String> tshark = tshark(file);
        Assumptions.assumeTrue(tshark != null, "tshark is not installed: the oracle comparison is skipped");
        TreeSet<String> ours = new TreeSet<>();
        for (Event e : a.events("ldap")) {
            if (e.string("op").startsWith("bind") && !notForTshark.contains(e.frame())) {
                ours.add(e.frame() + " " + e.string("op") + " " + e.fields().get("messageId"));
            }
        }
        TreeSet<String> onlyTshark = new TreeSet<>(tshark);
        onlyTshark.removeIf(f -> notForTshark.contains(Long.valueOf(f.substring(0, f.indexOf(' ')))));
        onlyTshark.removeAll(ours);
        TreeSet<String> onlyOurs = new TreeSet<>(ours);
        onlyOurs.removeAll(tshark);
        assertTrue(onlyTshark.isEmpty() && onlyOurs.isEmpty(), "only tshark: " + onlyTshark.stream().limit(10).toList()
                + " (" + onlyTshark.size() + "), only ours: " + onlyOurs.stream().limit(10).toList() + " ("
                + onlyOurs.size() + ")");
    }

    /** (frame, op, messageID) of every bind message as tshark reads it, or null without tshark. */
    static List<String> tshark(Path file) throws Exception {
        String exe = null;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, "tshark").canExecute()) {
                exe = new File(d, "tshark").getPath();
            }
        }
        if (exe == null) {
            System.out.println("[ldap tests] tshark not found on PATH: oracle comparison skipped");
            return null;
        }
        Process p = new ProcessBuilder(exe, "-r", file.toString(), "-o", "tcp.desegment_tcp_streams:TRUE", "-Y",
                "ldap.protocolOp == 0 || ldap.protocolOp == 1", "-T", "fields", "-E", "occurrence=a", "-E",
                "aggregator=,", "-e", "frame.number", "-e", "ldap.protocolOp", "-e", "ldap.messageID")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> facts = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length < 3) {
                continue;
            }
            String[] ops = f[1].split(","), ids = f[2].split(",");
            for (int i = 0; i < ops.length && i < ids.length; i++) {
                if (ops[i].equals("0") || ops[i].equals("1")) {
                    facts.add(f[0] + " " + (ops[i].equals("0") ? "bindRequest" : "bindResponse") + " " + ids[i]);
                }
            }
        }
        return facts;
    }
}
