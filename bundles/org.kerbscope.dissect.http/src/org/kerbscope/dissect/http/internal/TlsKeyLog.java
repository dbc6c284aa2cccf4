package org.kerbscope.dissect.http.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The secrets of TLS connections as browsers write them with {@code SSLKEYLOGFILE} (the NSS key log format, which
 * Wireshark's {@code tls.keylog_file} reads): one line per secret, {@code LABEL <client random> <secret>} in hex, keyed by
 * the ClientHello's random. TLS 1.2 gives the master secret ({@code CLIENT_RANDOM}); TLS 1.3 the handshake and
 * application traffic secrets of each side. The files are read where the user keeps them and never copied; the secrets
 * stay in memory for the analysis only.
 */
public final class TlsKeyLog {
    /** A browser's key log holds a few lines per connection; a file larger than this is not one. */
    private static final long MAX_FILE = 64L << 20;
    /** A key log line is a label and two hex strings: a longer line is not one, and is not kept in memory whole. */
    private static final int MAX_LINE = 1024;

    /** What one connection's client random unlocks. Absent secrets are null. */
    public static final class Secrets {
        public byte[] master;
        public byte[] clientHandshake;
        public byte[] serverHandshake;
        public byte[] clientApplication;
        public byte[] serverApplication;
    }

    private final Map<String, Secrets> byClientRandom = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private TlsKeyLog() {
    }

    /** Reads every file; a file that cannot be read, or lines that are not key log lines, become {@link #problems()}. */
    public static TlsKeyLog load(List<Path> files) {
        TlsKeyLog log = new TlsKeyLog();
        for (Path f : files) {
            try {
                if (Files.size(f) > MAX_FILE) {
                    log.problems.add("the TLS key log " + f + " is larger than " + (MAX_FILE >> 20) + " MiB: not read");
                    continue;
                }
                int bad = 0;
                try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
                    StringBuilder line = new StringBuilder();
                    boolean tooLong = false;
                    for (int c = r.read(); ; c = r.read()) {
                        if (c == '\n' || c < 0) {
                            if (tooLong || !log.add(line.toString().strip())) {
                                bad++;
                            }
                            line.setLength(0);
                            tooLong = false;
                            if (c < 0) {
                                break;
                            }
                        } else if (line.length() < MAX_LINE) {
                            line.append((char) c);
                        } else {
                            tooLong = true;
                        }
                    }
                }
                if (bad > 0) {
                    log.problems.add("the TLS key log " + f + " has " + bad + (bad == 1 ? " line that is" : " lines that are")
                            + " not LABEL <client random> <secret> in hex: passed over");
                }
            } catch (IOException e) {
                log.problems.add("the TLS key log " + f + " cannot be read: " + e.getMessage());
            }
        }
        return log;
    }

    /** One line; true when it was a secret, a comment, an empty line or a label this reader has no use for. */
    boolean add(String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return true;
        }
        String[] f = line.split("\\s+");
        if (f.length != 3 || f[1].length() != 64 || f[2].length() % 2 != 0 || f[2].isEmpty() || f[2].length() > 256) {
            return false;
        }
        byte[] secret;
        try {
            HexFormat.of().parseHex(f[1]);
            secret = HexFormat.of().parseHex(f[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Secrets s = byClientRandom.computeIfAbsent(f[1].toLowerCase(Locale.ROOT), k -> new Secrets());
        switch (f[0]) {
            case "CLIENT_RANDOM" -> s.master = secret;
            case "CLIENT_HANDSHAKE_TRAFFIC_SECRET" -> s.clientHandshake = secret;
            case "SERVER_HANDSHAKE_TRAFFIC_SECRET" -> s.serverHandshake = secret;
            case "CLIENT_TRAFFIC_SECRET_0" -> s.clientApplication = secret;
            case "SERVER_TRAFFIC_SECRET_0" -> s.serverApplication = secret;
            default -> {
                // EXPORTER_SECRET, EARLY_EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET: not needed to read the exchange
            }
        }
        return true;
    }

    /** The secrets logged for the connection whose ClientHello carried {@code clientRandom}, or null. */
    public Secrets secrets(byte[] clientRandom) {
        return byClientRandom.get(HexFormat.of().formatHex(clientRandom));
    }

    public boolean isEmpty() {
        return byClientRandom.isEmpty();
    }

    /** Files that could not be read and lines that were passed over, for the analysis' diagnostics. */
    public List<String> problems() {
        return problems;
    }
}
