package org.kerbscope.lab.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Wireshark's tshark as the oracle of what a capture shows. */
final class Tshark {

    private static Boolean available;

    private Tshark() {
    }

    /** True when a working tshark is on the PATH. */
    static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }

    static String whyNot() {
        return "tshark is not installed (Debian: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark), "
                + "so the capture is not checked against Wireshark's reading";
    }

    /** The values of {@code fields} (tab-separated per line) for every frame that matches {@code filter}. */
    static List<String> fields(Path capture, Path keytab, String filter, String... fields) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString()));
        if (keytab != null) {
            cmd.addAll(List.of("-o", "kerberos.decrypt:TRUE", "-o", "kerberos.file:" + keytab));
        }
        cmd.addAll(List.of("-Y", filter, "-T", "fields"));
        for (String f : fields.length == 0 ? new String[] {"frame.number"} : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("tshark failed on filter '" + filter + "' (exit " + p.exitValue() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out.isBlank() ? List.of() : Arrays.asList(out.strip().split("\\R"));
    }

    static int count(Path capture, String filter) throws IOException {
        return fields(capture, null, filter).size();
    }

    /**
     * Every frame of the capture with the values of {@code fields} (repeated values joined by commas): one tshark run
     * instead of one per question, because tshark's start-up dominates on a busy build machine.
     */
    static List<java.util.Map<String, String>> table(Path capture, Path keytab, List<String> fields) throws IOException {
        List<String> rows = fields(capture, keytab, "frame", fields.toArray(String[]::new));
        List<java.util.Map<String, String>> out = new ArrayList<>();
        for (String row : rows) {
            String[] v = row.split("\t", -1);
            java.util.Map<String, String> m = new java.util.HashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                m.put(fields.get(i), i < v.length ? v[i] : "");
            }
            out.add(m);
        }
        return out;
    }
}
