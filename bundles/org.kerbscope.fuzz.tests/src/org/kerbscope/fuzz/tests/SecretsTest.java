package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.HtmlReport;
import org.kerbscope.engine.report.JsonReport;
import org.kerbscope.engine.report.TextReport;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;

/**
 * Secrets stay secret: a lab capture analysed with its keytab (so tickets are decrypted) renders JSON, text and HTML
 * reports that hold no key of the keytab, no ticket cipher text and no NTLM response, in hex or base64; and the
 * analysis leaves the user's capture, keytab and evidence files exactly as they were. (Event XML's refusal of
 * DTDs and external entities is tested by evidence.windows.tests' EventLogTest.)
 */
class SecretsTest {
    @TempDir
    Path dir;

    /** The three reports of an analysis, as the user would save them. */
    static Map<String, String> reports(Analysis a, boolean redact) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("JSON", JsonReport.mapper().writeValueAsString(JsonReport.toJson(a)));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TextReport.print(a, new PrintStream(text, true, StandardCharsets.UTF_8));
        out.put("text", text.toString(StandardCharsets.UTF_8));
        out.put("HTML", HtmlReport.render(a, redact));
        return out;
    }

    /** Hex (both cases) and base64 (standard and URL alphabets, at the three alignments) spellings of a secret. */
    static List<String> spellings(byte[] secret) {
        List<String> s = new ArrayList<>();
        byte[] window = Arrays.copyOf(secret, Math.min(secret.length, 16));
        String hex = HexFormat.of().formatHex(window);
        s.add(hex);
        s.add(hex.toUpperCase());
        s.add(HexFormat.ofDelimiter(":").formatHex(window));
        for (int align = 0; align < 3 && align + 15 <= secret.length; align++) {
            byte[] w = Arrays.copyOfRange(secret, align, align + 15); // 15 bytes: 20 characters, no padding
            s.add(Base64.getEncoder().encodeToString(w));
            s.add(Base64.getUrlEncoder().encodeToString(w));
        }
        return s;
    }

    static void assertNoneIn(Map<String, String> reports, String kind, List<byte[]> secrets) {
        assertFalse(secrets.isEmpty(), "no " + kind + " found to look for");
        for (byte[] secret : secrets) {
            for (String spelling : spellings(secret)) {
                for (var r : reports.entrySet()) {
                    assertFalse(r.getValue().contains(spelling),
                            "the " + r.getKey() + " report holds a " + kind + " (" + spelling + ")");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ keytab

    /** The keys of a keytab (MIT format 0x0502, big-endian), read by hand so that the test does not trust Kerby. */
    static List<byte[]> keytabKeys(byte[] kt) {
        ByteBuffer b = ByteBuffer.wrap(kt);
        assertEquals(0x0502, b.getShort() & 0xffff, "keytab version");
        List<byte[]> keys = new ArrayList<>();
        while (b.remaining() >= 4) {
            int size = b.getInt();
            if (size <= 0) {
                b.position(b.position() + Math.min(-size, b.remaining()));
                continue;
            }
            ByteBuffer e = b.slice(b.position(), size);
            b.position(b.position() + size);
            int components = e.getShort() & 0xffff;
            skipCounted(e); // realm
            for (int i = 0; i < components; i++) {
                skipCounted(e);
            }
            e.getInt(); // name type
            e.getInt(); // timestamp
            e.get(); // kvno (8 bits)
            e.getShort(); // key type
            byte[] key = new byte[e.getShort() & 0xffff];
            e.get(key);
            keys.add(key);
        }
        return keys;
    }

    private static void skipCounted(ByteBuffer e) {
        int n = e.getShort() & 0xffff;
        e.position(e.position() + n);
    }

    // ------------------------------------------------------------------------------------------------ capture

    /** The KDC payloads and HTTP bytes of a capture. */
    static List<byte[]> payloads(Path capture) throws IOException {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream http = new ByteArrayOutputStream();
        NetworkDecoder net = new NetworkDecoder(new TransportHandler() {
            @Override
            public void datagram(Frame frame, FlowKey key, ByteBuffer payload, int off) {
                out.add(SeedWriter.copy(payload));
            }

            @Override
            public void tcpControl(Frame frame, TcpConnection c, FlowKey key, int kind) {
            }

            @Override
            public void tcpData(Frame frame, TcpConnection c, boolean fromClient, ByteBuffer data, int off) {
                byte[] d = SeedWriter.copy(data);
                out.add(d);
                http.writeBytes(d);
            }

            @Override
            public void tcpGap(Frame frame, TcpConnection c, boolean fromClient, long missing) {
            }
        });
        try (CaptureReader r = CaptureFile.openReader(capture)) {
            for (Frame f : r) {
                net.decode(f);
            }
        }
        net.finish();
        // GSS tokens travel base64-encoded in HTTP headers: decode them too
        Matcher m = Pattern.compile("(?:Negotiate|NTLM) ([A-Za-z0-9+/=]{16,})")
                .matcher(http.toString(StandardCharsets.ISO_8859_1));
        while (m.find()) {
            out.add(Base64.getDecoder().decode(m.group(1)));
        }
        return out;
    }

    /** The cipher of every Ticket (RFC 4120 5.3: [APPLICATION 1] SEQUENCE, tkt-vno, realm, sname, [3] EncryptedData). */
    static List<byte[]> ticketCiphers(List<byte[]> payloads) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : payloads) {
            for (int i = 0; i < p.length; i++) {
                if ((p[i] & 0xff) == 0x61) {
                    byte[] c = ticketCipherAt(p, i);
                    if (c != null && c.length >= 16 && out.stream().noneMatch(x -> Arrays.equals(x, c))) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    private static byte[] ticketCipherAt(byte[] p, int at) {
        int[] app = tlv(p, at, p.length);
        if (app == null || (p[app[0]] & 0xff) != 0x30) {
            return null;
        }
        int[] seq = tlv(p, app[0], app[1]);
        for (int pos = seq == null ? Integer.MAX_VALUE : seq[0]; seq != null && pos < seq[1];) {
            int[] field = tlv(p, pos, seq[1]);
            if (field == null) {
                return null;
            }
            if ((p[pos] & 0xff) == 0xa3) {
                int[] enc = tlv(p, field[0], field[1]);
                for (int q = enc == null ? Integer.MAX_VALUE : enc[0]; enc != null && q < enc[1];) {
                    int[] f = tlv(p, q, enc[1]);
                    if (f == null) {
                        return null;
                    }
                    if ((p[q] & 0xff) == 0xa2) {
                        int[] octets = tlv(p, f[0], f[1]);
                        return octets == null || (p[f[0]] & 0xff) != 0x04 ? null : Arrays.copyOfRange(p, octets[0], octets[1]);
                    }
                    q = f[1];
                }
                return null;
            }
            pos = field[1];
        }
        return null;
    }

    /** {contentStart, contentEnd} of the DER element at {@code at}, or null. */
    private static int[] tlv(byte[] p, int at, int limit) {
        if (at + 2 > limit) {
            return null;
        }
        int len = p[at + 1] & 0xff;
        int start = at + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3 || start + n > limit) {
                return null;
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (p[start + i] & 0xff);
            }
            start += n;
        }
        return start + len > limit ? null : new int[] {start, start + len};
    }

    /** NTLMv2 responses of the AUTHENTICATE messages (MS-NLMP 2.2.1.3: NtChallengeResponseFields at offset 20). */
    static List<byte[]> ntlmResponses(List<byte[]> payloads) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : payloads) {
            if (p.length > 28 && new String(p, 0, 7, StandardCharsets.ISO_8859_1).equals("NTLMSSP") && p[8] == 3) {
                ByteBuffer b = ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int field : new int[] {12, 20}) {
                    int len = b.getShort(field) & 0xffff;
                    int off = b.getInt(field + 4);
                    if (len >= 16 && off > 0 && off + len <= p.length) {
                        out.add(Arrays.copyOfRange(p, off, off + len));
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void reportsOfADecryptedCaptureHoldNoKeyAndNoTicketCipher() throws IOException {
        Path capture = Repo.sample("success-udp.pcapng");
        Path keytab = Repo.sample("success-udp.keytab");
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults().withKeytabs(List.of(keytab)))
                .analyze(capture, "success-udp.pcapng", List.of(), Progress.NONE);
        assertFalse(a.events("kerberos").isEmpty(), "the capture's Kerberos was read");
        Map<String, String> reports = reports(a, AnalysisOptions.defaults().redact());
        List<byte[]> keys = keytabKeys(Files.readAllBytes(keytab));
        assertTrue(keys.size() >= 4, keys.size() + " keys in the lab keytab");
        assertNoneIn(reports, "keytab key", keys);
        List<byte[]> ciphers = ticketCiphers(payloads(capture));
        assertTrue(ciphers.size() >= 2, ciphers.size() + " ticket ciphers in the capture (TGT and service ticket)");
        assertNoneIn(reports, "ticket cipher", ciphers);
    }

    @Test
    void reportsOfAnNtlmFallbackHoldNoNtlmResponse() throws IOException {
        Path capture = Repo.sample("ntlm-fallback.pcapng");
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()
                .withKeytabs(List.of(Repo.sample("ntlm-fallback.keytab"))))
                .analyze(capture, "ntlm-fallback.pcapng", List.of(), Progress.NONE);
        assertFalse(a.events("ntlm").isEmpty(), "the capture's NTLM was read");
        List<byte[]> responses = ntlmResponses(payloads(capture));
        assertNoneIn(reports(a, true), "NTLM response", responses);
    }

    record Snapshot(long size, FileTime modified, byte[] sha256) {
        static Snapshot of(Path p) throws Exception {
            return new Snapshot(Files.size(p), Files.getLastModifiedTime(p),
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        }
    }

    @Test
    void anAnalysisLeavesTheUsersFilesAsTheyWere() throws Exception {
        // copies, so that even a defect could not touch the repository's samples
        Path capture = Files.copy(Repo.sample("ntlm-fallback.pcapng"), dir.resolve("customer.pcapng"));
        Path keytab = Files.copy(Repo.sample("ntlm-fallback.keytab"), dir.resolve("customer.keytab"));
        Path klist = Files.copy(Repo.root().resolve("bundles/org.kerbscope.evidence.windows.tests/data/klist-get.txt"),
                dir.resolve("klist.txt"), StandardCopyOption.COPY_ATTRIBUTES);
        Path events = Files.writeString(dir.resolve("security.xml"), SeedWriter.eventXml().get(0));
        Path evtx = Files.write(dir.resolve("security.evtx"), FuzzTargets.evtx(SeedWriter.binXmlEvent("4771", "john", "0x18")));
        List<Path> files = List.of(capture, keytab, klist, events, evtx);
        // an old time stamp: a rewrite within the same second would otherwise not show in it
        for (Path f : files) {
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_500_000_000_000L));
        }
        List<Snapshot> before = new ArrayList<>();
        for (Path f : files) {
            before.add(Snapshot.of(f));
        }
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults().withKeytabs(List.of(keytab)))
                .analyze(capture, "customer.pcapng", List.of(new EvidenceInput(null, klist),
                        new EvidenceInput(null, events), new EvidenceInput(null, evtx)), Progress.NONE);
        reports(a, true);
        assertEquals(3, a.evidenceFiles().size(), a.evidenceFiles().toString());
        for (int i = 0; i < files.size(); i++) {
            Snapshot after = Snapshot.of(files.get(i));
            assertEquals(before.get(i).size(), after.size(), files.get(i) + " size");
            assertEquals(before.get(i).modified(), after.modified(), files.get(i) + " modification time");
            assertArrayEquals(before.get(i).sha256(), after.sha256(), files.get(i) + " content");
        }
        try (var s = Files.list(dir)) {
            assertEquals(files.size(), s.count(), "the analysis created files beside the user's");
        }
    }
}
