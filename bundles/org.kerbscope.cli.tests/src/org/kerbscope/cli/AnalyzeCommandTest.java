package org.kerbscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/**
 * {@code kerbscope analyze} as a script or batch system calls it (ANALYSIS-JSON.md): one document per capture in
 * argument order, the exit status that says whether an error finding was made, and a one-line reason on a bad input.
 */
class AnalyzeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            status = new CommandLine(new Kerbscope()).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String sample(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("bundles/org.kerbscope.lab/samples/" + name + ".pcapng");
            if (Files.isRegularFile(s)) {
                return s.toString();
            }
        }
        throw new AssertionError("lab sample " + name + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void jsonlPrintsOneDocumentPerCaptureInArgumentOrder() throws IOException {
        List<String> captures = List.of(sample("spn-unknown"), sample("success-udp"), sample("ntlm-fallback"));
        List<String> args = new ArrayList<>(List.of("analyze", "--format", "jsonl"));
        args.addAll(captures);
        Run r = run(args.toArray(String[]::new));
        assertEquals(1, r.status(), "an error finding (the unknown SPN) makes the status 1: " + r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, "one line per capture");
        for (int i = 0; i < 3; i++) {
            JsonNode doc = JSON.readTree(lines[i]);
            assertEquals(captures.get(i), doc.get("capture").get("file").asText(), "document " + i);
        }
        JsonNode spn = JSON.readTree(lines[0]);
        assertTrue(spn.get("findings").findValuesAsText("id").contains("kerberos.spn-unknown"), lines[0]);
        JsonNode ok = JSON.readTree(lines[1]);
        assertEquals("kerberos", ok.get("attempts").get(0).get("outcome").asText());
    }

    @Test
    void aCaptureWithoutErrorFindingsExitsWithZero() throws IOException {
        Run r = run("analyze", "--format", "json", sample("success-tcp"));
        assertEquals(0, r.status(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertFalse(doc.get("kerberos").isEmpty(), "the Kerberos messages");
        for (JsonNode f : doc.get("findings")) {
            assertFalse("error".equals(f.get("severity").asText()), f.toString());
        }
    }

    @Test
    void severalCapturesInJsonAreOneArray() throws IOException {
        Run r = run("analyze", "--format", "json", sample("port-closed"), sample("success-tcp"));
        JsonNode docs = JSON.readTree(r.out());
        assertTrue(docs.isArray() && docs.size() == 2, r.out().length() > 500 ? r.out().substring(0, 500) : r.out());
        assertTrue(docs.get(0).get("capture").get("file").asText().endsWith("port-closed.pcapng"));
    }

    @Test
    void aCaptureOnStandardInputIsAnalysedLikeTheFile() throws IOException {
        // tcpdump -w - | kerbscope analyze -, and zcat-free: a gzip-compressed stream is decompressed
        String file = sample("spn-unknown");
        JsonNode expected = JSON.readTree(run("analyze", "--format", "json", file).out());
        byte[] plain = Files.readAllBytes(Path.of(file));
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.GZIPOutputStream(gz)) {
            z.write(plain);
        }
        for (byte[] input : List.of(plain, gz.toByteArray())) {
            Run r = withInput(input, "analyze", "--format", "json", "-");
            assertEquals(1, r.status(), r.err());
            JsonNode doc = JSON.readTree(r.out());
            assertEquals("-", doc.get("capture").get("file").asText());
            assertEquals("pcapng", doc.get("capture").get("format").asText());
            for (String part : List.of("kerberos", "http", "dns", "attempts", "findings", "diagnostics")) {
                assertEquals(expected.get(part), doc.get(part), part);
            }
        }
        Run text = withInput("klist output, not a capture\n".getBytes(StandardCharsets.US_ASCII), "analyze", "-");
        assertEquals(2, text.status());
        assertTrue(text.err().contains("-: not a capture file: standard input, starts with 6b 6c 69 73"), text.err());
        Run twice = withInput(plain, "analyze", "-", "-");
        assertEquals(2, twice.status());
        assertTrue(twice.err().contains("standard input (-) can be read once only"), twice.err());
    }

    private static Run withInput(byte[] input, String... args) {
        java.io.InputStream old = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(input));
            return run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void helpNamesACommandsOptions() {
        // the launcher sends "kerbscope help analyze" to the command line, as "kerbscope analyze --help"
        Run r = run("help", "analyze");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("--format") && r.out().contains("--keytab"), r.out());
    }

    @Test
    void anUnreadableInputExitsWithTwoAndSaysWhy() throws IOException {
        Path notACapture = Files.writeString(dir.resolve("notes.pcap"), "not a capture at all, just text\n");
        Run r = run("analyze", "--format", "json", notACapture.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("notes.pcap") && r.err().contains("not a capture"), r.err());
        Run missing = run("analyze", dir.resolve("gone.pcapng").toString());
        assertEquals(2, missing.status());
        assertEquals("kerbscope analyze: cannot read " + dir.resolve("gone.pcapng") + ": no such file", missing.err().strip());
        Path dangling = Files.createSymbolicLink(dir.resolve("moved.pcapng"), dir.resolve("elsewhere.pcapng"));
        Run link = run("analyze", dangling.toString());
        assertEquals(2, link.status());
        assertTrue(link.err().contains(dangling + ": a link to a file that does not exist"), link.err());
        Run klist = run("analyze", "--klist", dir.resolve("klist.txt").toString());
        assertEquals(2, klist.status());
        assertTrue(klist.err().contains("cannot read " + dir.resolve("klist.txt") + ": no such file"), klist.err());
        Run klistFolder = run("analyze", "--klist", dir.toString());
        assertEquals(2, klistFolder.status());
        assertTrue(klistFolder.err().contains("cannot read " + dir + ": a folder, not a file"), klistFolder.err());
        Run keytabFolder = run("analyze", "--keytab", dir.toString(), notACapture.toString());
        assertEquals(2, keytabFolder.status());
        assertTrue(keytabFolder.err().contains("cannot read keytab " + dir + ": a folder, not a file"), keytabFolder.err());
        Run keytab = run("analyze", "--keytab", dir.resolve("http.keytab").toString(), notACapture.toString());
        assertEquals(2, keytab.status());
        assertTrue(keytab.err().contains("cannot read keytab " + dir.resolve("http.keytab") + ": no such file"), keytab.err());
        Run keylog = run("analyze", "--tls-keylog", dir.resolve("sslkeys.log").toString(), notACapture.toString());
        assertEquals(2, keylog.status());
        assertTrue(keylog.err().contains("cannot read TLS key log " + dir.resolve("sslkeys.log") + ": no such file"), keylog.err());
        Run folder = run("analyze", dir.toString());
        assertEquals(2, folder.status());
        assertTrue(folder.err().contains(dir + " is a folder: give the capture files in it"), folder.err());
    }

    @Test
    void aDecodeAsRuleTheDissectorsCannotApplyExitsWithTwoAndSaysWhy() throws IOException {
        Path capture = Files.writeString(dir.resolve("any.pcap"), "the rule is checked before any capture is read\n");
        Run typo = run("analyze", "--decode-as", "tcp.port=8080:htp", capture.toString());
        assertEquals(2, typo.status());
        assertTrue(typo.err().startsWith("kerbscope analyze: --decode-as 'tcp.port=8080:htp': no dissector 'htp' is installed ("),
                typo.err());
        Run port = run("analyze", "--decode-as", "udp.port=99999:kerberos", capture.toString());
        assertEquals(2, port.status());
        assertEquals("kerbscope analyze: --decode-as 'udp.port=99999:kerberos': a port is a number from 0 to 65535, not '99999'",
                port.err().strip());
        Run shape = run("analyze", "--decode-as", "kerberos", capture.toString());
        assertEquals(2, shape.status());
        assertTrue(shape.err().contains("'kerberos' is not TABLE=KEY:PROTOCOL"), shape.err());
    }
}
