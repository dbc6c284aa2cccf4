package org.kerbscope.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;

/**
 * A capture's Kerberos messages as "frame type [error code]" lines (type as RFC 4120's msg-type number), read by
 * tshark and by an analysis, for tests that compare the two: Wireshark is the oracle for captures made by other
 * vendors' stacks.
 */
public final class KerberosFacts {
    private KerberosFacts() {
    }

    /** Where tshark is, or null when it is not installed (the comparison is then skipped). */
    public static Path tshark() {
        Path p = Path.of("/usr/bin/tshark");
        return Files.isExecutable(p) ? p : null;
    }

    /**
     * tshark's reading: one line per frame with a Kerberos message, the outermost message's type and error code (an
     * ICMP error's frame too, for the message it quotes).
     */
    public static List<String> byTshark(Path capture) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tshark().toString(), "-n", "-r", capture.toString(), "-Y", "kerberos.msg_type",
                "-T", "fields", "-e", "frame.number", "-e", "kerberos.msg_type", "-e", "kerberos.error_code")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> lines = new ArrayList<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split("\t", -1);
            // the first value is the outermost message's (the others are nested: PA-TGS-REQ's AP-REQ, kpasswd's KRB-PRIV)
            lines.add(f[0] + " " + f[1].split(",")[0] + (f.length > 2 && !f[2].isEmpty() ? " " + f[2].split(",")[0] : ""));
        }
        return lines;
    }

    /** The analysis' reading of the same, with the messages quoted in ICMP errors, as its JSON document lists them. */
    public static List<String> byAnalysis(Analysis a) {
        List<Event> all = new ArrayList<>(a.events("kerberos"));
        for (Event q : a.quoted()) {
            if ("kerberos".equals(q.protocol())) {
                all.add(q);
            }
        }
        all.sort(java.util.Comparator.comparingLong(Event::frame));
        return byAnalysis(all);
    }

    /** The analysis' reading of the same: its first Kerberos event of each frame. */
    public static List<String> byAnalysis(List<Event> kerberos) {
        Map<Long, String> first = new LinkedHashMap<>();
        for (Event e : kerberos) {
            first.putIfAbsent(e.frame(), e.frame() + " " + msgType(e.string("msgType"))
                    + (e.fields().containsKey("errorCode") ? " " + e.integer("errorCode", -1) : ""));
        }
        return List.copyOf(first.values());
    }

    private static int msgType(String name) {
        return switch (name == null ? "" : name) {
            case "AS-REQ" -> 10;
            case "AS-REP" -> 11;
            case "TGS-REQ" -> 12;
            case "TGS-REP" -> 13;
            case "AP-REQ" -> 14;
            case "AP-REP" -> 15;
            case "KRB-SAFE" -> 20;
            case "KRB-PRIV" -> 21;
            case "KRB-CRED" -> 22;
            case "KRB-ERROR" -> 30;
            default -> -1;
        };
    }
}
