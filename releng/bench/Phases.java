import java.nio.file.Path;
import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * Times the two phases of one analysis inside a warm JVM, for releng/bench/phases: reading (frames, network
 * layers, dissectors: what grows with the file) and diagnosing (service profiles and checks: what grows with the
 * events and attempts). Reading is timed, then the first diagnosis (cold: indexes built, checks compiled), then a
 * second one (warm).
 */
public final class Phases {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long size = java.nio.file.Files.size(file);
        String mode = args.length > 1 ? args[1] : "";
        // --read-only: the dissectors alone, no service profile, no check (the part that grows with the file);
        // --bare: no dissector at all (the capture reader, the network layers and TCP reassembly alone).
        // Only the bundles the product holds contribute, as in releng/bench/run: the plug-ins installed from the p2
        // repository (CIFS, LDAP) are left out unless BENCH_PLUGINS=1.
        Path bundles = Path.of(System.getProperty("kerbscope.bundles"));
        var xml = new org.kerbscope.core.registry.PluginXmlContributionSource(bundles);
        boolean dissectors = !mode.equals("--bare");
        boolean checks = mode.isEmpty();
        boolean plugins = "1".equals(System.getenv("BENCH_PLUGINS"));
        java.util.Set<String> product = productBundles(bundles.getParent());
        Registries registries = Registries.of(new org.kerbscope.core.registry.ContributionSource() {
            @Override
            public List<org.kerbscope.core.registry.ContributionElement> elements(String point) {
                if (!checks && !(dissectors && point.equals(Registries.DISSECTORS))) {
                    return List.of();
                }
                return xml.elements(point).stream().filter(e -> plugins || product.contains(e.contributor())).toList();
            }

            @Override
            public void onChange(String point, Runnable listener) {
                // the bundle folders do not change during a benchmark
            }
        });
        Analyzer analyzer = new Analyzer(registries, AnalysisOptions.defaults());
        // CPU time too: on a shared machine the wall time also counts the other processes' turns
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        // reading runs on several threads: count the process' CPU time (JIT and GC included) for it
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        java.util.Map<String, Long> before = threadTicks();
        long p0 = os.getProcessCpuTime();
        long a0 = allocated(mx);
        long t0 = System.nanoTime();
        Analysis a = analyzer.read(file, file.toString(), List.of(), Progress.NONE);
        long t1 = System.nanoTime();
        long p1 = os.getProcessCpuTime();
        long a1 = allocated(mx);
        java.util.Map<String, Long> after = threadTicks();
        if (System.getenv("BENCH_WARM") != null) {
            // the reading again, compiled: what the reading costs once the JIT is done with it
            for (int i = 0; i < Integer.parseInt(System.getenv("BENCH_WARM")); i++) {
                long wp0 = os.getProcessCpuTime(), wt0 = System.nanoTime(), wa0 = allocated(mx);
                java.util.Map<String, Long> wb = threadTicks();
                analyzer.read(file, file.toString(), List.of(), Progress.NONE);
                System.out.printf("read again   %.2f s  (CPU of all threads %.2f s; %d MiB allocated)%n",
                        (System.nanoTime() - wt0) / 1e9, (os.getProcessCpuTime() - wp0) / 1e9,
                        (allocated(mx) - wa0) >> 20);
                System.out.println(byGroup("  by thread group:", wb, threadTicks()));
            }
        }
        // the first diagnosis builds the indexes and runs while the JIT compiles the checks: as in a real run
        long cold0 = System.nanoTime(), coldC0 = mx.getCurrentThreadCpuTime(), coldP0 = os.getProcessCpuTime();
        java.util.Map<String, Long> beforeDiag = threadTicks();
        analyzer.diagnose(a);
        System.out.println(byGroup("CPU during the first diagnosis by thread group:", beforeDiag, threadTicks()));
        System.out.printf("diagnose (first run) %.2f s  (CPU %.2f s; all threads %.2f s)%n", (System.nanoTime() - cold0) / 1e9,
                (mx.getCurrentThreadCpuTime() - coldC0) / 1e9, (os.getProcessCpuTime() - coldP0) / 1e9);
        double coldDiag = (System.nanoTime() - cold0) / 1e9;
        // again, warm (indexes built, checks compiled): what the checks themselves cost
        long c1 = mx.getCurrentThreadCpuTime();
        long w1 = System.nanoTime();
        analyzer.diagnose(a);
        long t2 = System.nanoTime();
        long c2 = mx.getCurrentThreadCpuTime();
        double cdiag = (c2 - c1) / 1e9, cread = (p1 - p0) / 1e9;
        if (System.getenv("BENCH_WRITE") != null) {
            // the JSON document as the CLI writes it (pretty-printed), into nothing, twice (cold, then warm)
            for (int i = 0; i < 2; i++) {
                long w0 = System.nanoTime(), wc0 = mx.getCurrentThreadCpuTime();
                var counting = new java.io.OutputStream() {
                    long n;

                    @Override
                    public void write(int b) {
                        n++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        n += len;
                    }
                };
                boolean pretty = !System.getenv("BENCH_WRITE").equals("compact");
                try (var g = org.kerbscope.engine.report.JsonReport.generator(counting, pretty)) {
                    org.kerbscope.engine.report.JsonReport.write(a, g);
                }
                System.out.printf("write    %8.2f s  (CPU %.2f s) %.0f MiB of JSON%n", (System.nanoTime() - w0) / 1e9,
                        (mx.getCurrentThreadCpuTime() - wc0) / 1e9, counting.n / 1048576.0);
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heap = rt.totalMemory() - rt.freeMemory();
        double read = (t1 - t0) / 1e9, diag = (t2 - w1) / 1e9, total = read + coldDiag;
        long events = a.events().values().stream().mapToLong(List::size).sum();
        System.out.printf("file %s: %.0f MiB, %d frames, %d events, %d attempts, %d findings%n", file, size / 1048576.0,
                a.capture().frames(), events, a.attempts().size(), a.findings().size());
        System.out.printf("read     %8.2f s  %8.0f MiB/s  %10.0f frames/s  (CPU of all threads %.2f s: %.0f MiB/s per core)%n", read,
                size / 1048576.0 / read, a.capture().frames() / read, cread, size / 1048576.0 / cread);
        System.out.printf("diagnose %8.2f s  (CPU %.2f s; warm: run a second time)%n", diag, cdiag);
        // and once more with the event indexes built again (the warm run above reuses them)
        a.clearIndexes();
        long c3 = mx.getCurrentThreadCpuTime(), w3 = System.nanoTime();
        analyzer.diagnose(a);
        System.out.printf("diagnose %8.2f s  (CPU %.2f s; warm, the indexes built again)%n", (System.nanoTime() - w3) / 1e9,
                (mx.getCurrentThreadCpuTime() - c3) / 1e9);
        // who used the CPU while reading: the reading threads, the JIT compilers, the collector; threads that ended
        // before the count (the reading threads of a parallel read) are only in the process' total
        String who = byGroup("CPU while reading by thread group:", before, after);
        long listed = after.entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
        System.out.println(who + String.format(" threads that ended %.2f s", Math.max(0, cread - listed / 100.0)));
        System.out.printf("allocated while reading: %d MiB (all threads)%n", (a1 - a0) >> 20);
        System.out.printf("load average: %s%n", java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("total    %8.2f s  %8.0f MiB/s (reading and the first diagnosis; JVM start-up excluded)%n", total,
                size / 1048576.0 / total);
        System.out.printf("live heap after the analysis: %.0f MiB%n", heap / 1048576.0);
        if (System.getenv("BENCH_HISTO") != null) {
            // what holds the heap: the top of the class histogram
            Object h = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
            String[] lines = String.valueOf(h).split("\n");
            for (int i = 0; i < Math.min(lines.length, 25); i++) {
                System.out.println(lines[i]);
            }
        }
        // keep the analysis reachable until the heap was measured
        keep(a);
    }

    private static String byGroup(String title, java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        StringBuilder who = new StringBuilder(title);
        java.util.Map<String, Long> groups = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            String g = k.replaceAll("#\\d+$", "").replaceAll("[0-9]+$", "").replaceAll("#\\d+", "").trim();
            groups.merge(g, v - before.getOrDefault(k, 0L), Long::sum);
        });
        groups.entrySet().stream().filter(e -> e.getValue() >= 5).sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(e -> who.append(String.format(" %s %.2f s;", e.getKey(), e.getValue() / 100.0)));
        return who.toString();
    }

    /** CPU time of each thread of this process in clock ticks (1/100 s), by "name#tid", from /proc (Linux only). */
    /** The bundles of the features product/kerbscope.product installs (their feature.xml files' plug-ins). */
    private static java.util.Set<String> productBundles(Path repo) throws java.io.IOException {
        java.util.regex.Pattern feature = java.util.regex.Pattern.compile("<feature\\s+id=\"([^\"]+)\"");
        java.util.regex.Pattern plugin = java.util.regex.Pattern.compile("<plugin\\s+id=\"([^\"]+)\"");
        java.util.Set<String> ids = new java.util.TreeSet<>();
        var features = feature.matcher(java.nio.file.Files.readString(repo.resolve("product/kerbscope.product")));
        while (features.find()) {
            var p = plugin.matcher(java.nio.file.Files.readString(repo.resolve("features/" + features.group(1) + "/feature.xml")));
            while (p.find()) {
                ids.add(p.group(1));
            }
        }
        return ids;
    }

    /** Heap bytes allocated by every thread so far (ended threads included). */
    private static long allocated(java.lang.management.ThreadMXBean mx) {
        return ((com.sun.management.ThreadMXBean) mx).getTotalThreadAllocatedBytes();
    }

    private static java.util.Map<String, Long> threadTicks() {
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        try (var dirs = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (Path d : dirs.toList()) {
                try {
                    String stat = java.nio.file.Files.readString(d.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    m.put(name + "#" + d.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (java.io.IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            // not Linux: no breakdown
        }
        return m;
    }

    private static void keep(Analysis a) {
        if (a.findings().size() < 0) {
            System.out.println(a);
        }
    }
}
