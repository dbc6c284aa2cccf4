package org.kerbscope.fuzz.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.registry.DissectorContribution;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.kerberos.internal.KeyRing;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.DissectorTables;
import org.kerbscope.engine.Engine;
import org.kerbscope.engine.filter.DisplayFilter;
import org.kerbscope.engine.report.FlowDiagram;
import org.kerbscope.engine.report.HtmlReport;
import org.kerbscope.engine.report.JsonReport;
import org.kerbscope.engine.report.TextReport;
import org.kerbscope.evidence.windows.AuditpolImporter;
import org.kerbscope.evidence.windows.DnsImporter;
import org.kerbscope.evidence.windows.KlistImporter;
import org.kerbscope.evidence.windows.PortTestImporter;
import org.kerbscope.evidence.windows.SecurityEventLogImporter;
import org.kerbscope.evidence.windows.SetspnImporter;
import org.kerbscope.evidence.windows.WebRequestImporter;
import org.kerbscope.net.NetworkDecoder;

/**
 * Every fuzz target, as a plain method over bytes so that Jazzer ({@link KerbscopeFuzzTest}), the agent-free
 * replay ({@link SeedReplayTest}) and the campaign script call the same code. A target returns normally for any
 * input the component handles (including its declared "malformed" answers: an {@link IOException} from a reader
 * that says "not a capture", a {@link DisplayFilter.FilterException}); anything else it throws is a finding.
 */
public final class FuzzTargets {
    /** The targets, named as the {@link KerbscopeFuzzTest} methods and their regression input folders. */
    public static final List<String> NAMES = List.of("pcap", "pcapng", "netmon", "snoop", "network", "analysis", "evidenceAnalysis", "kerberos",
            "kpasswd", "spnego", "ntlmssp", "http", "tls", "tlsDecrypted", "hpack", "dns", "smb2", "ldap", "keytab", "klist", "eventXml", "evtx", "evidenceText",
            "displayFilter");

    /** The dissector id behind each dissector target. */
    static final Map<String, String> DISSECTORS = Map.of("kerberos", "kerberos", "kpasswd", "kpasswd", "spnego", "spnego",
            "ntlmssp", "ntlmssp", "http", "http", "tls", "tls", "dns", "dns", "smb2", "smb2", "ldap", "ldap");

    private static final Endpoint CLIENT = new Endpoint("192.168.2.101", 50000);
    private static final Map<String, Integer> PORTS = Map.of("kerberos", 88, "kpasswd", 464, "dns", 53, "http", 80,
            "smb2", 445, "ldap", 389, "spnego", 80, "ntlmssp", 80, "tls", 443);

    private static volatile DissectorTables tables;
    private static volatile AnalysisOptions options;
    private static Path scratchDir;

    private FuzzTargets() {
    }

    /** Runs target {@code name} on {@code data} under the time and allocation contract. */
    public static void run(String name, byte[] data) {
        Bounded.run(name, data.length, () -> {
            runUnbounded(name, data);
            return null;
        });
    }

    /** The target itself, without the contract's watchdog (Jazzer's fuzzing mode has its own). */
    public static void runUnbounded(String name, byte[] data) throws IOException {
        switch (name) {
            case "pcap", "pcapng", "netmon", "snoop" -> capture(data);
            case "network" -> network(data);
            case "analysis" -> analysis(data);
            case "evidenceAnalysis" -> evidenceAnalysis(data);
            case "keytab" -> keytab(data);
            case "klist" -> importer(new KlistImporter(), "klist.txt", data);
            case "eventXml" -> importer(new SecurityEventLogImporter(), "security.xml", data);
            case "evtx" -> importer(new SecurityEventLogImporter(), "security.evtx", evtx(data));
            case "evidenceText" -> {
                for (EvidenceImporter i : List.of(new DnsImporter(), new PortTestImporter(), new SetspnImporter(),
                        new WebRequestImporter(), new AuditpolImporter())) {
                    importer(i, "output.txt", data);
                }
            }
            case "displayFilter" -> displayFilter(data);
            case "hpack" -> hpack(data);
            case "tlsDecrypted" -> tlsDecrypted(data);
            default -> {
                String id = DISSECTORS.get(name);
                if (id == null) {
                    throw new IllegalArgumentException("no fuzz target " + name);
                }
                dissector(id, data);
            }
        }
    }

    /**
     * HTTP/2's header decompression: the input is a run of header blocks, each after a one-byte length, decoded in
     * order by one decoder (so its dynamic table carries from block to block, as on a connection). A block the decoder
     * refuses ends the run, as it ends the reading of a connection's direction.
     */
    static void hpack(byte[] data) {
        org.kerbscope.dissect.http.internal.Hpack d = new org.kerbscope.dissect.http.internal.Hpack();
        for (int p = 0; p < data.length; ) {
            int n = Math.min(data[p] & 0xff, data.length - p - 1);
            byte[] block = java.util.Arrays.copyOfRange(data, p + 1, p + 1 + n);
            p += 1 + n;
            try {
                for (org.kerbscope.dissect.http.internal.Hpack.Header h : d.decode(block)) {
                    if (h.name() == null || h.value() == null) {
                        throw new IllegalStateException("a field without its name or value");
                    }
                }
            } catch (org.kerbscope.dissect.http.internal.Hpack.HpackException e) {
                return;
            }
            if (d.tableSize() > org.kerbscope.dissect.http.internal.Hpack.MAX_TABLE) {
                throw new IllegalStateException("the dynamic table grew past its bound: " + d.tableSize());
            }
        }
    }

    private static volatile AnalysisOptions keylogOptions;

    /**
     * What HTTPS read with the TLS key log does with hostile plaintext: a TLS 1.3 connection whose application traffic
     * secrets are in a key log ({@link org.kerbscope.testing.Tls13Records}), so that every record the input makes opens,
     * and its bytes reach the HTTP/1.x or HTTP/2 reader. Input: a flags byte (bit 0: the ServerHello names ALPN h2),
     * then records, each a two-byte head (bit 15: from the server; bit 14: a handshake message rather than application
     * data; the rest: its plaintext length, cut to what is left) and its plaintext, which the harness seals as the peer
     * would.
     */
    static void tlsDecrypted(byte[] data) throws IOException {
        Dissector tls = tables().byId("tls").get();
        org.kerbscope.testing.Tls13Records records = new org.kerbscope.testing.Tls13Records();
        if (keylogOptions == null) {
            Path log = scratch("sslkeys.log", records.keyLog().getBytes(StandardCharsets.US_ASCII));
            keylogOptions = options().withTlsKeylogs(List.of(log));
        }
        boolean h2 = data.length > 0 && (data[0] & 1) != 0;
        FuzzContext.Conversation conv = new FuzzContext.Conversation(CLIENT, new Endpoint("192.168.2.10", 443));
        FieldNode root = new FieldNode("frame", "Frame 1", null, new org.kerbscope.core.model.ByteRange(0, 1 << 16));
        FuzzContext.Totals totals = new FuzzContext.Totals();
        record(tls, conv, root, totals, false, records.clientHello("h2", "http/1.1"));
        record(tls, conv, root, totals, true, h2 ? records.serverHello("h2") : records.serverHello());
        for (int p = 1; p + 2 <= data.length; ) {
            int head = ((data[p] & 0xff) << 8) | (data[p + 1] & 0xff);
            boolean fromServer = (head & 0x8000) != 0;
            int n = Math.min(head & 0x3fff, data.length - p - 2);
            byte[] plain = java.util.Arrays.copyOfRange(data, p + 2, p + 2 + n);
            p += 2 + n;
            record(tls, conv, root, totals, fromServer, records.seal(fromServer, plain, (head & 0x4000) != 0 ? 22 : 23));
        }
        checkTree(root, 1 << 16, 0);
        for (String m : totals.messages) {
            if (m.startsWith("tls: a TLS record from the") && m.endsWith("does not decrypt with the secrets of the key log:"
                    + " the rest of this direction is not read") || m.startsWith("tls: the TLS connection's secrets are in"
                    + " the key log, but it is not decrypted")) {
                // the harness seals every record as the peer would: a record that does not open is the harness' defect
                throw new IllegalStateException("tlsDecrypted's records do not open: " + m);
            }
        }
    }

    private static void record(Dissector tls, FuzzContext.Conversation conv, FieldNode root, FuzzContext.Totals totals,
            boolean fromServer, byte[] rec) {
        FuzzContext ctx = new FuzzContext(tables(), keylogOptions, "tcp", null, "tls", root, conv, 0, totals);
        ctx.fromServer = fromServer;
        tls.dissect(Pdu.ofFrame(ByteBuffer.wrap(rec).asReadOnlyBuffer(), 54), ctx);
    }

    // ------------------------------------------------------------------------------------------------ set-up

    static DissectorTables tables() {
        if (tables == null) {
            // Outside OSGi the contributions are loaded through the context class loader, which a test runner's
            // worker thread may not have: load every dissector once, here, with this bundle's loader.
            Thread t = Thread.currentThread();
            ClassLoader old = t.getContextClassLoader();
            t.setContextClassLoader(FuzzTargets.class.getClassLoader());
            try {
                Registries.platform().dissectors().forEach(DissectorContribution::get);
                tables = new DissectorTables(Registries.platform().dissectors(), Map.of());
            } finally {
                t.setContextClassLoader(old);
            }
        }
        return tables;
    }

    /** The lab keytab, so that the Kerberos dissector also decrypts what the fuzzer makes of tickets. */
    static AnalysisOptions options() {
        if (options == null) {
            options = AnalysisOptions.defaults().withKeytabs(List.of(Repo.sample("success-udp.keytab")));
        }
        return options;
    }

    /**
     * A scratch file holding {@code data}: one folder per JVM, one file per name (each input runs on a watchdog
     * thread of its own, so a per-thread folder would leave one folder per input behind).
     */
    static synchronized Path scratch(String name, byte[] data) throws IOException {
        if (scratchDir == null) {
            scratchDir = Files.createTempDirectory("kerbscope-fuzz");
            scratchDir.toFile().deleteOnExit();
        }
        Path f = scratchDir.resolve(name);
        if (!Files.exists(f)) {
            f.toFile().deleteOnExit();
        }
        Files.write(f, data);
        return f;
    }

    // ------------------------------------------------------------------------------------------------ captures

    /** The capture readers: every frame, the index, a random access; "not a capture" is the declared answer. */
    static void capture(byte[] data) throws IOException {
        Path f = scratch("capture.bin", data);
        CaptureFile file;
        try {
            file = CaptureFile.open(f);
        } catch (IOException notACapture) {
            return;
        }
        try (file; CaptureReader r = file.reader()) {
            long frames = 0;
            // every record takes at least a byte of what is read: of a compressed capture, the decompressed copy,
            // which may well hold more frames than the file has bytes
            long bytes = Math.max(data.length, file.size());
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                frames++;
                touch(fr.data());
                if (frames > bytes) {
                    throw new AssertionError("the reader returned more frames (" + frames + ") than the "
                            + (file.copied() ? "decompressed capture" : "file") + " has bytes (" + bytes + ")");
                }
            }
            checkDiagnostics(r.diagnostics());
            long indexed = file.index().size();
            if (indexed != frames) {
                throw new AssertionError("the index holds " + indexed + " frames, a pass read " + frames);
            }
            if (indexed > 0) {
                touch(file.frame(indexed).data());
                file.info();
            }
        }
    }

    private static long touch(ByteBuffer b) {
        long sum = 0;
        for (int i = 0; i < b.limit(); i += 64) {
            sum += b.get(i);
        }
        return sum;
    }

    private static void checkDiagnostics(List<Diagnostic> ds) {
        for (Diagnostic d : ds) {
            if (d.message() == null || d.message().isBlank()) {
                throw new AssertionError("a diagnostic without a message: " + d);
            }
        }
    }

    /**
     * Link, IP, UDP/TCP decoding, reassembly and the engine's dispatch. Input: one byte choosing the link type,
     * then frames, each preceded by its 16-bit length.
     */
    static void network(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int link = linkOf(data[0]);
        Analysis a = new Analysis();
        Engine engine = new Engine(tables(), options(), a);
        NetworkDecoder net = new NetworkDecoder(engine);
        // the display filter's values of every frame's layers, conversations numbered
        // (the fields read from the headers themselves: those read from the details are the FrameLayers checked below)
        org.kerbscope.engine.filter.FrameLayerValues values = new org.kerbscope.engine.filter.FrameLayerValues(
                org.kerbscope.engine.filter.FrameLayerValues.FIELDS);
        for (Frame f : frames(data, link)) {
            // each frame's details too: its layers lie within its bytes
            org.kerbscope.net.FrameLayers layers = new org.kerbscope.net.FrameLayers();
            values.reset(f.number());
            net.headersOf(f.number(), both(layers, values));
            net.decode(f);
            checkLayers(layers.root(), f.capturedLength());
            for (String field : org.kerbscope.engine.filter.FrameLayerValues.FIELDS) {
                values.values(field).forEach(String::valueOf);
            }
        }
        net.finish();
        checkDiagnostics(net.diagnostics());
        // the engine catches what escapes a dissector and says so: for a fuzzer that is a crash (counted by the engine,
        // not searched in the messages: a dissector's own diagnostic may quote the input's bytes)
        if (engine.dissectorFailures() > 0) {
            throw new AssertionError(engine.dissectorFailures() + " dissector failure(s): " + a.diagnostics());
        }
    }

    /** One listener telling two. */
    private static org.kerbscope.net.HeaderListener both(org.kerbscope.net.HeaderListener a, org.kerbscope.net.HeaderListener b) {
        return new org.kerbscope.net.HeaderListener() {
            @Override
            public void frame(long number, int originalLength, int capturedLength, long timeNanos) {
                a.frame(number, originalLength, capturedLength, timeNanos);
                b.frame(number, originalLength, capturedLength, timeNanos);
            }

            @Override
            public void header(String layer, ByteBuffer d, int offset, int length, int end, int inFrame) {
                a.header(layer, d, offset, length, end, inFrame);
                b.header(layer, d, offset, length, end, inFrame);
            }

            @Override
            public void problem(String protocol, String message) {
                a.problem(protocol, message);
                b.problem(protocol, message);
            }
        };
    }

    private static volatile Analyzer analyzer;

    /**
     * The whole analysis, as the command line and the workbench run it, of the network target's frames written as a
     * libpcap file of their link type: read by the {@link Analyzer} (dissectors, the flow indexes), diagnosed by every
     * service profile and check, then written as the JSON document, the text and HTML reports and each attempt's
     * sequence diagram. A service profile or check that throws is marked broken and skipped from then on (in the
     * workbench, for every capture opened after it): for a fuzzer that is a crash, as a dissector's failure is.
     */
    static void analysis(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        int link = linkOf(data[0]);
        List<Frame> frames = frames(data, link);
        Path f = scratch("analysis.pcap", SeedWriter.pcap(frames, false, link));
        Analyzer az = analyzer();
        Analysis a = az.read(f, "fuzz.pcap", List.of(), org.kerbscope.engine.Progress.NONE);
        diagnoseAndReport(az, a);
        // the packet list's Follow TCP/UDP Stream of the last frame: bounded, and within the file's bytes
        try (org.kerbscope.capture.CaptureFile file = org.kerbscope.capture.CaptureFile.open(f)) {
            long n = file.index().size();
            for (long frame : new long[] {n}) {
                for (String kind : List.of("tcp", "udp")) {
                    org.kerbscope.engine.filter.FollowStream.Stream s = org.kerbscope.engine.filter.FollowStream.of(file, frame,
                            kind, () -> false);
                    // (each frame's bytes at most, and a "[N bytes missing in capture file]" note before each)
                    if (s != null && s.clientBytes() + s.serverBytes() > f.toFile().length() + 48 * n) {
                        throw new AssertionError("followed " + (s.clientBytes() + s.serverBytes()) + " bytes of a "
                                + f.toFile().length() + "-byte capture");
                    }
                }
            }
        }
    }

    /** The lab captures an evidenceAnalysis input is read with (its second byte chooses). */
    static final List<String> EVIDENCE_CAPTURES = List.of("success-udp.pcapng", "spn-unknown.pcapng",
            "wrong-password.pcapng", "ntlm-fallback.pcapng", "stale-keytab.pcapng", "client-clock-skew.pcapng");

    /** The names an evidenceAnalysis input's file takes (its first byte chooses): the importers look at names too. */
    static final List<String> EVIDENCE_NAMES = List.of("evidence.txt", "klist.txt", "security.xml", "security.evtx",
            "resolve-dnsname.txt", "setspn.txt");

    /**
     * The checks that read outside evidence, on hostile evidence: the input's first byte names its file (an .evtx
     * name wraps the rest as the {@code evtx} target does), its second chooses a lab capture, the rest is the file;
     * both are analysed together, diagnosed by every service profile and check, and written as the reports, under the
     * {@link #analysis} target's contract.
     */
    static void evidenceAnalysis(byte[] data) throws IOException {
        if (data.length < 2) {
            return;
        }
        String name = EVIDENCE_NAMES.get((data[0] & 0xff) % EVIDENCE_NAMES.size());
        byte[] body = java.util.Arrays.copyOfRange(data, 2, data.length);
        Path f = scratch(name, name.endsWith(".evtx") ? evtx(body) : body);
        Path capture = Repo.sample(EVIDENCE_CAPTURES.get((data[1] & 0xff) % EVIDENCE_CAPTURES.size()));
        Analyzer az = analyzer();
        Analysis a = az.read(capture, capture.getFileName().toString(),
                List.of(new org.kerbscope.engine.EvidenceInput(null, f)), org.kerbscope.engine.Progress.NONE);
        diagnoseAndReport(az, a);
    }

    /**
     * Diagnoses {@code a} and writes every report of it; fails when a contribution broke on the way or a caught
     * failure is among the diagnostics.
     */
    static void diagnoseAndReport(Analyzer az, Analysis a) throws IOException {
        az.diagnose(a);
        List<org.kerbscope.core.registry.Contribution<?>> used = new ArrayList<>();
        used.addAll(Registries.platform().services());
        used.addAll(Registries.platform().checks());
        used.addAll(Registries.platform().dissectors());
        used.addAll(Registries.platform().importers());
        for (org.kerbscope.core.registry.Contribution<?> c : used) {
            if (c.failure() != null) {
                throw new AssertionError(c + " is broken: " + c.failure());
            }
        }
        // the engine's and the analyzer's own words when they catch what a dissector, a reading thread or an importer
        // threw: matched whole, from the start, since a component's diagnostic may quote the input
        List<String> caught = new ArrayList<>();
        for (DissectorContribution c : Registries.platform().dissectors()) {
            caught.add("the " + c.name() + " dissector failed on this PDU (");
        }
        for (org.kerbscope.core.registry.ImporterContribution c : Registries.platform().importers()) {
            caught.add("the " + c.name() + " importer failed on ");
        }
        caught.add("a reading thread failed (");
        List<Diagnostic> all = new ArrayList<>(a.diagnostics());
        for (EvidenceFile ef : a.evidenceFiles()) {
            all.addAll(ef.diagnostics());
        }
        for (Diagnostic d : all) {
            for (String c : caught) {
                if (d.message().startsWith(c)) {
                    throw new AssertionError(d.message());
                }
            }
        }
        try (com.fasterxml.jackson.core.JsonGenerator g = JsonReport.generator(java.io.OutputStream.nullOutputStream(),
                true)) {
            JsonReport.write(a, g);
        }
        TextReport.print(a, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        HtmlReport.render(a, true);
        for (org.kerbscope.core.model.AuthAttempt at : a.attempts()) {
            FlowDiagram.svg(at);
        }
    }

    /**
     * One analyzer for the JVM, its service profiles and checks created with this bundle's loader (outside OSGi the
     * contributions load through the context class loader, which a watchdog thread may not have).
     */
    static Analyzer analyzer() {
        if (analyzer == null) {
            tables();
            Thread t = Thread.currentThread();
            ClassLoader old = t.getContextClassLoader();
            t.setContextClassLoader(FuzzTargets.class.getClassLoader());
            try {
                Registries.platform().services().forEach(org.kerbscope.core.registry.ServiceContribution::get);
                Registries.platform().checks().forEach(org.kerbscope.core.registry.CheckContribution::get);
                Registries.platform().importers().forEach(org.kerbscope.core.registry.ImporterContribution::get);
                Analyzer az = new Analyzer(Registries.platform(), options());
                // a lab capture with a klist output through everything once: the classes an input reaches are loaded
                // here, when the contract's first timing is repeated anyway, not while a later input is timed
                Path klist = Repo.root().resolve("bundles/org.kerbscope.evidence.windows.tests/data/klist-get.txt");
                diagnoseAndReport(az, az.read(Repo.sample("spn-unknown.pcapng"), "spn-unknown.pcapng",
                        List.of(new org.kerbscope.engine.EvidenceInput(null, klist)), org.kerbscope.engine.Progress.NONE));
                analyzer = az;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                t.setContextClassLoader(old);
            }
        }
        return analyzer;
    }

    /** The link type the first byte of a network or analysis input selects. */
    static int linkOf(byte selector) {
        return switch (selector & 7) {
            case 1 -> 101; // raw IP
            case 2 -> 113; // Linux cooked
            case 3 -> 0; // BSD loopback
            case 4 -> 276; // Linux cooked v2
            case 5 -> 105; // IEEE 802.11
            case 6 -> 127; // radiotap
            case 7 -> 192; // PPI
            default -> 1; // Ethernet
        };
    }

    /** Splits a network target input into frames. */
    static List<Frame> frames(byte[] data, int link) {
        List<Frame> out = new ArrayList<>();
        int pos = 1;
        long n = 0;
        while (pos + 2 <= data.length) {
            int len = Math.min(((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff), data.length - pos - 2);
            ByteBuffer b = ByteBuffer.wrap(data, pos + 2, len).slice().asReadOnlyBuffer();
            n++;
            out.add(new Frame(n, 1_700_000_000_000_000_000L + n * 1_000_000L, link, len, b));
            pos += 2 + len;
        }
        return out;
    }

    /** The inverse of {@link #frames}: how seeds are written. */
    static byte[] encodeFrames(int linkSelector, List<byte[]> frames) {
        int size = 1;
        for (byte[] f : frames) {
            size += 2 + Math.min(f.length, 0xffff);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) linkSelector);
        for (byte[] f : frames) {
            int len = Math.min(f.length, 0xffff);
            b.putShort((short) len).put(f, 0, len);
        }
        return b.array();
    }

    // ------------------------------------------------------------------------------------------------ dissectors

    /**
     * One dissector: its heuristic, a dissection with a tree and one without (nested tokens go through the real
     * tables, so SPNEGO reaches Kerberos and NTLMSSP), and its stream framer over the same bytes.
     */
    static void dissector(String id, byte[] data) {
        DissectorContribution c = tables().byId(id);
        if (c == null || c.get() == null) {
            throw new AssertionError("dissector " + id + " is not contributed");
        }
        Dissector d = c.get();
        String transport = ("dns".equals(id) || "kerberos".equals(id) || "kpasswd".equals(id)) && data.length > 0 && data[0] != 0 ? "udp" : "tcp";
        Endpoint server = new Endpoint("192.168.2.10", PORTS.getOrDefault(id, 80));
        Pdu pdu = Pdu.ofFrame(ByteBuffer.wrap(data).asReadOnlyBuffer(), 42);
        d.accepts(pdu, transport);
        for (boolean withTree : new boolean[] {true, false}) {
            FieldNode root = withTree ? new FieldNode("frame", "Frame 1", null,
                    new org.kerbscope.core.model.ByteRange(0, data.length + 42)) : null;
            FuzzContext.Totals totals = new FuzzContext.Totals();
            FuzzContext ctx = new FuzzContext(tables(), options(), transport, carrier(id), id, root,
                    new FuzzContext.Conversation(CLIENT, server), 0, totals);
            d.dissect(pdu, ctx);
            if (root != null) {
                checkTree(root, data.length + 42, 0);
            }
        }
        StreamFramer framer = d.newFramer(new FuzzContext.Conversation(CLIENT, server), true);
        if (framer != null) {
            frame(framer, data);
        }
    }

    /** The spnego and ntlmssp targets see what HTTP hands them; the others sit on the transport. */
    private static String carrier(String id) {
        return "spnego".equals(id) || "ntlmssp".equals(id) ? "http" : null;
    }

    /** The layers of a frame's details: made for every frame, each node of the frame's bytes within them. */
    private static void checkLayers(FieldNode n, int captured) {
        if (n == null) {
            throw new AssertionError("no details for a decoded frame");
        }
        if ("frame".equals(n.source()) && (n.range().offset() < 0 || n.range().end() > captured)) {
            throw new AssertionError("node " + n.name() + " has the range " + n.range() + " in a frame of " + captured
                    + " bytes");
        }
        for (FieldNode child : n.children()) {
            checkLayers(child, captured);
        }
    }

    /** A tree is bounded in depth, and no node points before the start of its bytes. */
    private static void checkTree(FieldNode n, int frameLength, int depth) {
        if (depth > 200) {
            throw new AssertionError("dissection tree deeper than 200 levels");
        }
        if (n.range() != null && (n.range().offset() < 0 || n.range().length() < 0)) {
            throw new AssertionError("node " + n.name() + " has the range " + n.range());
        }
        for (FieldNode child : n.children()) {
            checkTree(child, frameLength, depth + 1);
        }
    }

    /** Asks the framer to cut the bytes the way the engine would, and insists that it makes progress. */
    private static void frame(StreamFramer framer, byte[] data) {
        int pos = 0;
        for (int rounds = 0; pos < data.length; rounds++) {
            if (rounds > data.length + 1) {
                throw new AssertionError("the framer made no progress at offset " + pos);
            }
            long r = framer.next(ByteBuffer.wrap(data, pos, data.length - pos).slice().asReadOnlyBuffer());
            if (r == StreamFramer.NEED_MORE || r == StreamFramer.REJECT) {
                return;
            }
            long step = r > 0 ? r : -r;
            if (r > 0 && step > data.length - pos) {
                return; // a PDU longer than what arrived: the engine waits for more
            }
            pos += (int) Math.min(step, data.length - pos);
        }
    }

    // ------------------------------------------------------------------------------------------------ keytab

    /** Keytab loading (Kerby's parser behind the key ring) and decryption with every key it yields. */
    static void keytab(byte[] data) throws IOException {
        Path f = scratch("fuzz.keytab", data);
        KeyRing ring = KeyRing.load(List.of(f));
        byte[] cipher = java.util.Arrays.copyOfRange(data, Math.min(data.length, 2), Math.min(data.length, 600));
        int tried = 0;
        for (KeyRing.Key k : ring.keytabKeys()) {
            if (k.toString().contains(java.util.HexFormat.of().formatHex(k.value())) && k.value().length > 0) {
                throw new AssertionError("a key's text shows its bytes");
            }
            if (tried++ < 4) {
                for (int usage : new int[] {1, 2, 7, 11}) {
                    KeyRing.decrypt(k, usage, cipher);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ evidence

    static void importer(EvidenceImporter imp, String fileName, byte[] data) throws IOException {
        Path f = scratch(fileName, data);
        imp.recognise(fileName, java.util.Arrays.copyOf(data, Math.min(data.length, 4096)));
        List<Diagnostic> diags = new ArrayList<>();
        int[] items = new int[1];
        try {
            imp.read(f, new EvidenceImporter.Sink() {
                @Override
                public void item(EvidenceItem item) {
                    items[0]++;
                }

                @Override
                public void diagnostic(Diagnostic d) {
                    diags.add(d);
                }

                @Override
                public void file(EvidenceFile file) {
                    checkDiagnostics(file.diagnostics());
                }
            });
        } catch (IOException declared) {
            return; // "throws only when the file cannot be read at all"
        }
        checkDiagnostics(diags);
        if (items[0] > data.length + 1) {
            throw new AssertionError(items[0] + " evidence items from " + data.length + " bytes");
        }
    }

    /**
     * An .evtx file around the fuzz bytes: a valid file header and chunk (checksums right) whose one record holds
     * the input as its Binary XML, so that mutations reach the Binary XML reader instead of dying at a checksum.
     */
    public static byte[] evtx(byte[] binXml) {
        int chunkHeader = 512;
        int body = Math.min(binXml.length, 0x10000 - chunkHeader - 28);
        int recSize = 28 + body;
        ByteBuffer file = ByteBuffer.allocate(4096 + 0x10000).order(ByteOrder.LITTLE_ENDIAN);
        file.put("ElfFile\0".getBytes(StandardCharsets.US_ASCII));
        file.putLong(16, 1); // last chunk number + 1 … enough for the reader
        file.putInt(32, 128); // header size
        file.putShort(36, (short) 1).putShort(38, (short) 3); // minor, major version
        file.putShort(40, (short) 4096); // header block size
        file.putShort(42, (short) 1); // chunk count
        CRC32 crc = new CRC32();
        crc.update(file.array(), 0, 120);
        file.putInt(124, (int) crc.getValue());
        int c = 4096;
        file.put(c, "ElfChnk\0".getBytes(StandardCharsets.US_ASCII));
        file.putLong(c + 8, 1).putLong(c + 16, 1).putLong(c + 24, 1).putLong(c + 32, 1);
        file.putInt(c + 40, 128).putInt(c + 44, chunkHeader); // header size, last record offset
        file.putInt(c + 48, chunkHeader + recSize); // free space offset
        int r = c + chunkHeader;
        file.putInt(r, 0x00002a2a).putInt(r + 4, recSize).putLong(r + 8, 1).putLong(r + 16, 133_000_000_000_000_000L);
        file.put(r + 24, binXml, 0, body);
        file.putInt(r + recSize - 4, recSize);
        crc.reset();
        crc.update(file.array(), c + chunkHeader, recSize);
        file.putInt(c + 52, (int) crc.getValue());
        crc.reset();
        crc.update(file.array(), c, 120);
        crc.update(file.array(), c + 128, chunkHeader - 128);
        file.putInt(c + 124, (int) crc.getValue());
        return file.array();
    }

    // ------------------------------------------------------------------------------------------------ filter

    private static final List<Event> EVENTS = List.of(
            event("kerberos", Map.of("msgType", "KRB-ERROR", "errorCode", 7, "sname", "HTTP/iisserver.contoso.com")),
            event("http", Map.of("kind", "response", "status", 401, "wwwAuthenticate", List.of("Negotiate", "NTLM"))),
            event("dns", Map.of("name", "iisserver.contoso.com", "rcode", 0, "answers", List.of(Map.of("type", "A")))));

    private static Event event(String proto, Map<String, Object> f) {
        return new Event(proto, 1, 0, CLIENT, new Endpoint("192.168.2.10", 88), new LinkedHashMap<>(f));
    }

    /** The display filter: a wrong filter is a {@link DisplayFilter.FilterException}, nothing else. */
    static void displayFilter(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        DisplayFilter.fieldNames(EVENTS);
        try {
            DisplayFilter f = DisplayFilter.parse(text);
            f.matches(EVENTS);
            f.matches(List.of());
            for (DisplayFilter.Layers l : sampleLayers()) {
                f.matches(EVENTS, l);
            }
            String.valueOf(f);
        } catch (DisplayFilter.FilterException wrongFilter) {
            if (wrongFilter.getMessage() == null) {
                throw new AssertionError("a wrong filter without a message");
            }
        }
    }

    private static volatile List<DisplayFilter.Layers> sampleLayers;

    /**
     * The layers of two frames a filter is asked about: Ethernet, 802.1Q, IPv4 and TCP (a SYN), and Ethernet, IPv6 and
     * UDP, decoded as the workbench decodes them.
     */
    static List<DisplayFilter.Layers> sampleLayers() {
        if (sampleLayers == null) {
            byte[] tcp = java.util.HexFormat.of().parseHex("ffffffffffff000c2961f55f8100200a0800" // eth, vlan 10
                    + "4500002812344000400600000a0000010a000002" // IPv4 10.0.0.1 → 10.0.0.2, DF, TTL 64
                    + "c35000580000000100000000500272100000" + "0000"); // TCP 50000 → 88 SYN
            byte[] udp = java.util.HexFormat.of().parseHex("333300000001000c2961f55f86dd"
                    + "6000000000081140fe800000000000000000000000000001ff020000000000000000000000000001"
                    + "c350003500080000");
            List<DisplayFilter.Layers> out = new ArrayList<>();
            NetworkDecoder net = new NetworkDecoder(org.kerbscope.net.TransportHandler.NONE);
            long n = 0;
            for (byte[] frame : List.of(tcp, udp)) {
                n++;
                org.kerbscope.engine.filter.FrameLayerValues v = new org.kerbscope.engine.filter.FrameLayerValues(
                        DisplayFilter.LAYER_FIELDS);
                v.reset(n);
                net.headersOf(n, v);
                net.decode(new Frame(n, 1_700_000_000_000_000_000L, 1, frame.length, ByteBuffer.wrap(frame).asReadOnlyBuffer()));
                if (v.values("ip.addr").isEmpty() && v.values("ipv6.addr").isEmpty()) {
                    throw new AssertionError("the sample frame " + n + " has no address");
                }
                out.add(v);
            }
            sampleLayers = out;
        }
        return sampleLayers;
    }

    /** For the seed writers: reads a file or fails the test. */
    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
