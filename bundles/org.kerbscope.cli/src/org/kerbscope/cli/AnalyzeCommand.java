package org.kerbscope.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.core.JsonGenerator;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Limits;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.DecodeAsRules;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.HtmlReport;
import org.kerbscope.engine.report.JsonReport;
import org.kerbscope.engine.report.TextReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kerbscope analyze}: the headless analysis, in the formats of ANALYSIS-JSON.md. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Replays the Kerberos/Negotiate flow in captures and outside evidence, and says where it broke.")
public final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", defaultValue = "text", description = "text, json, jsonl or html (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--keytab", description = "keytab for decrypting tickets (read in place, never copied)")
    List<Path> keytabs = new ArrayList<>();

    @Option(names = "--tls-keylog", paramLabel = "FILE",
            description = "TLS key log (SSLKEYLOGFILE, as Wireshark's tls.keylog_file) to read the HTTP inside HTTPS"
                    + " connections; read in place, never copied; repeatable")
    List<Path> tlsKeylogs = new ArrayList<>();

    @Option(names = "--klist", description = "klist output") List<Path> klist = new ArrayList<>();
    @Option(names = "--events", description = "Security event log (.evtx or exported XML)") List<Path> events = new ArrayList<>();
    @Option(names = "--dns", description = "Resolve-DnsName or nslookup output") List<Path> dns = new ArrayList<>();
    @Option(names = "--port-test", description = "Test-NetConnection output") List<Path> portTests = new ArrayList<>();
    @Option(names = "--setspn", description = "setspn -L/-Q/-X output") List<Path> setspn = new ArrayList<>();
    @Option(names = "--web-request", description = "Invoke-WebRequest -UseDefaultCredentials output") List<Path> web = new ArrayList<>();
    @Option(names = "--auditpol", description = "auditpol /get output") List<Path> auditpol = new ArrayList<>();
    @Option(names = "--evidence", description = "evidence of any kind; the importers recognise it") List<Path> anyEvidence = new ArrayList<>();

    @Option(names = "--decode-as", description = "force a mapping, e.g. udp.port=60088:kerberos")
    List<String> decodeAs = new ArrayList<>();

    @Option(names = "--sample", description = "analyze one of the lab's sample captures by name")
    List<String> samples = new ArrayList<>();

    @Option(names = {"-o", "--output"}, description = "write the report to this file instead of standard output")
    Path output;

    @Option(names = "--no-redact", description = "show ticket and NTLM response sizes unredacted in reports")
    boolean noRedact;

    @Option(names = "--limit", paramLabel = "NAME=VALUE",
            description = "raise (or lower) a cap, e.g. tcp.stream-buffer=32M or attempts.max=500000; repeatable;"
                    + " the caps and their defaults are listed below")
    List<String> limits = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "threads that read one capture (default: one below 4 cores, else one per core but one, up to"
                    + " 4, for captures of 32 MiB or more; one when keytabs are given); the results are the same"
                    + " whatever the number")
    int threads;

    @Parameters(arity = "0..*", paramLabel = "CAPTURE",
            description = "pcap, pcapng, Network Monitor or snoop files (also compressed with gzip, zstd or lz4); - reads standard input")
    List<String> captures = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PrintStream err = System.err;
        if (!List.of("text", "json", "jsonl", "html").contains(format)) {
            err.println("kerbscope analyze: unknown format '" + format + "' (text, json, jsonl, html)");
            return 2;
        }
        if (threads < 0) {
            err.println("kerbscope analyze: --threads must be 1 or more (or 0 to choose by size and cores)");
            return 2;
        }
        Map<String, String> rules;
        try {
            rules = DecodeAsRules.parse(decodeAs, Registries.platform().dissectors());
        } catch (IllegalArgumentException e) {
            err.println("kerbscope analyze: --decode-as " + e.getMessage());
            return 2;
        }
        Limits chosen = Limits.defaults();
        for (String l : limits) {
            try {
                chosen = chosen.parse(l);
            } catch (IllegalArgumentException e) {
                err.println("kerbscope analyze: --limit: " + e.getMessage());
                return 2;
            }
        }
        for (Map.Entry<String, List<Path>> secrets : List.of(Map.entry("keytab", keytabs),
                Map.entry("TLS key log", tlsKeylogs))) {
            for (Path k : secrets.getValue()) {
                String why = cannotRead(k);
                if (why != null) {
                    err.println("kerbscope analyze: cannot read " + secrets.getKey() + " " + k + ": " + why);
                    return 2;
                }
            }
        }
        List<String> inputs = new ArrayList<>(captures);
        for (String s : samples) {
            Path p = Samples.find(s);
            if (p == null) {
                err.println("kerbscope analyze: no sample named '" + s + "' (samples: " + String.join(", ", Samples.names()) + ")");
                return 2;
            }
            inputs.add(p.toString());
        }
        List<EvidenceInput> evidence = new ArrayList<>();
        add(evidence, "klist", klist);
        add(evidence, "eventlog", events);
        add(evidence, "dns", dns);
        add(evidence, "port-test", portTests);
        add(evidence, "setspn", setspn);
        add(evidence, "web-request", web);
        add(evidence, "auditpol", auditpol);
        add(evidence, null, anyEvidence);
        for (EvidenceInput e : evidence) {
            String why = cannotRead(e.file());
            if (why != null) {
                err.println("kerbscope analyze: cannot read " + e.file() + ": " + why);
                return 2;
            }
        }
        if (inputs.stream().filter("-"::equals).count() > 1) {
            err.println("kerbscope analyze: standard input (-) can be read once only");
            return 2;
        }
        for (String c : inputs) {
            if (!c.equals("-") && Files.isDirectory(Path.of(c))) {
                err.println("kerbscope analyze: " + c + " is a folder: give the capture files in it (e.g. " + c
                        + "/*.pcapng); each is analysed and reported apart");
                return 2;
            }
            String why = c.equals("-") ? null : cannotRead(Path.of(c));
            if (why != null) {
                err.println("kerbscope analyze: cannot read " + c + ": " + why);
                return 2;
            }
        }
        AnalysisOptions options = AnalysisOptions.defaults().withKeytabs(keytabs).withDecodeAs(rules).withLimits(chosen)
                .withTlsKeylogs(tlsKeylogs);
        // several captures at once are already one thread each: one reading thread per capture then
        int perCapture = threads > 0 ? threads : inputs.size() > 1 ? 1 : 0;
        Analyzer analyzer = new Analyzer(Registries.platform(), options, perCapture);

        // Each capture is read, then diagnosed on a thread of its own: the JSON document starts with the events,
        // which can be written while the diagnosis (which only reads them) still runs.
        List<Analysis> results = new ArrayList<>();
        List<CompletableFuture<Void>> diagnosed = new ArrayList<>();
        int status = 0;
        ExecutorService diagnosing = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kerbscope-diagnose");
            t.setDaemon(true);
            return t;
        });
        try {
            if (inputs.isEmpty()) {
                Analysis a = analyzer.read(null, null, evidence, Progress.NONE);
                results.add(a);
                diagnosed.add(CompletableFuture.runAsync(() -> analyzer.diagnose(a), diagnosing));
            } else {
                // several captures are independent: analyse them in parallel, print in argument order
                ExecutorService pool = Executors.newFixedThreadPool(Math.min(inputs.size(),
                        Math.max(1, Runtime.getRuntime().availableProcessors())));
                try {
                    List<Future<Object>> futures = new ArrayList<>();
                    for (String c : inputs) {
                        futures.add(pool.submit(() -> {
                            try {
                                Analysis a;
                                if (c.equals("-")) {
                                    // standard input: copied into a temporary file first (see CaptureFile)
                                    try (CaptureFile in = CaptureFile.open(System.in, Path.of("-"))) {
                                        a = analyzer.readOpen(in, c, evidence, new TerminalProgress(c));
                                    }
                                } else {
                                    a = analyzer.read(Path.of(c), c, evidence, new TerminalProgress(c));
                                }
                                return new Object[] {a, CompletableFuture.runAsync(() -> analyzer.diagnose(a), diagnosing)};
                            } catch (IOException e) {
                                return e;
                            }
                        }));
                    }
                    for (int i = 0; i < inputs.size(); i++) {
                        Object r = futures.get(i).get();
                        if (r instanceof IOException e) {
                            err.println("kerbscope analyze: " + inputs.get(i) + ": " + e.getMessage());
                            status = 2;
                        } else {
                            Object[] pair = (Object[]) r;
                            results.add((Analysis) pair[0]);
                            @SuppressWarnings("unchecked")
                            CompletableFuture<Void> d = (CompletableFuture<Void>) pair[1];
                            diagnosed.add(d);
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            long read = System.nanoTime();
            List<CompletableFuture<Void>> timed = diagnosed;
            if (TIMING) {
                timed = new ArrayList<>();
                for (CompletableFuture<Void> d : diagnosed) {
                    timed.add(d.thenRun(() -> err.printf("kerbscope timing: diagnosis done %.2f s after the reading%n",
                            (System.nanoTime() - read) / 1e9)));
                }
                err.printf("kerbscope timing: read in %.2f s (since the JVM started: %.2f s)%n", (read - started) / 1e9,
                        (read - jvmStart()) / 1e9);
                for (Analysis a : results) {
                    StringBuilder b = new StringBuilder();
                    for (var e : a.events().entrySet()) {
                        List<org.kerbscope.core.model.Event> l = e.getValue();
                        long s = l instanceof org.kerbscope.core.model.EventList el ? el.spilledCount() : 0;
                        b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(l.size() - s).append('/')
                                .append(s);
                    }
                    err.printf("kerbscope timing: events held/in temporary files: %s%n", b);
                }
            }
            status = write(results, timed, status);
            if (TIMING) {
                err.printf("kerbscope timing: written %.2f s after the reading%n", (System.nanoTime() - read) / 1e9);
            }
        } finally {
            diagnosing.shutdownNow();
        }
        return status;
    }

    /**
     * {@code -Dkerbscope.timing=true}: where the time of a run goes (reading; diagnosis and writing, which overlap),
     * on standard error, for the benchmark (releng/bench).
     */
    private static final boolean TIMING = Boolean.getBoolean("kerbscope.timing");

    private static long jvmStart() {
        long uptimeNanos = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        return System.nanoTime() - uptimeNanos;
    }

    /** Prints the results in the chosen format; the JSON formats wait for each diagnosis only after the events. */
    private int write(List<Analysis> results, List<CompletableFuture<Void>> diagnosed, int status) throws IOException {
        if (!format.equals("json") && !format.equals("jsonl")) {
            diagnosed.forEach(CompletableFuture::join);
        }
        try (PrintStream out = output != null ? new PrintStream(Files.newOutputStream(output), true, "UTF-8")
                : new PrintStream(System.out, true, "UTF-8")) {
            switch (format) {
                case "json" -> {
                    // streamed: the document of a large capture is far bigger than its analysis
                    try (JsonGenerator g = JsonReport.generator(out, true)) {
                        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                        if (results.size() == 1) {
                            JsonReport.write(results.get(0), g, diagnosed.get(0)::join);
                        } else {
                            g.writeStartArray();
                            for (int i = 0; i < results.size(); i++) {
                                JsonReport.write(results.get(i), g, diagnosed.get(i)::join);
                            }
                            g.writeEndArray();
                        }
                    }
                    out.println();
                }
                case "jsonl" -> {
                    for (int i = 0; i < results.size(); i++) {
                        try (JsonGenerator g = JsonReport.generator(out, false)) {
                            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                            JsonReport.write(results.get(i), g, diagnosed.get(i)::join);
                        }
                        out.println();
                    }
                }
                case "html" -> {
                    for (Analysis a : results) {
                        out.println(HtmlReport.render(a, !noRedact));
                    }
                }
                default -> {
                    for (Analysis a : results) {
                        TextReport.print(a, out);
                        out.println();
                    }
                }
            }
        }
        diagnosed.forEach(CompletableFuture::join);
        if (status == 0) {
            for (Analysis a : results) {
                if (a.findings().stream().anyMatch(f -> f.severity() == Severity.ERROR)) {
                    status = 1;
                }
            }
        }
        return status;
    }

    /**
     * The help's list of the caps {@code --limit} sets, from {@link Limits} (so it cannot drift from the defaults).
     * Picocli's annotations take only constants: {@link Kerbscope#run} puts this in the usage footer.
     */
    static String limitsHelp() {
        StringBuilder b = new StringBuilder("%nLimits (--limit NAME=VALUE; sizes take the suffixes K, M, G)."
                + " Reaching one is reported as a diagnostic that names it:%n");
        for (Limits.Limit l : Limits.catalog()) {
            b.append(String.format("  %-20s %-10s %s%%n", l.name(), Limits.format(l.name(), l.defaultValue()),
                    l.description()));
        }
        return b.toString();
    }

    private static void add(List<EvidenceInput> out, String kind, List<Path> files) {
        for (Path p : files) {
            out.add(new EvidenceInput(kind, p));
        }
    }

    /** A progress line on standard error for captures that take more than a second, when it is a terminal. */
    private static final class TerminalProgress implements Progress {
        private final String name;
        private final long start = System.nanoTime();
        private final boolean terminal = System.console() != null;

        TerminalProgress(String name) {
            this.name = name;
        }

        @Override
        public void worked(long frames, long total) {
            if (terminal && System.nanoTime() - start > 1_000_000_000L) {
                System.err.print("\r" + name + ": " + frames + " frames…");
            }
        }
    }

    /**
     * Why a file named on the command line cannot be read, in the terms of the shell's own messages; null when it
     * can.
     */
    static String cannotRead(Path p) {
        if (!Files.exists(p)) {
            return Files.isSymbolicLink(p) ? "a link to a file that does not exist" : "no such file";
        }
        if (Files.isDirectory(p)) {
            return "a folder, not a file";
        }
        return Files.isReadable(p) ? null : "permission denied";
    }
}
