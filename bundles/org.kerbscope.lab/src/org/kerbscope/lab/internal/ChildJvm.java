package org.kerbscope.lab.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;


/**
 * Starts the lab's client and web server in JVMs of their own. Their code ({@code org.kerbscope.lab.child}) needs
 * only the JDK, so the child's class path is just the place this bundle's classes come from, found in this order:
 * <ol>
 * <li>the system property {@value #CLASSPATH_PROPERTY} (a path list), when set;</li>
 * <li>the location of {@code LabClient.class} (found as a resource of this bundle's class loader): a jar or class folder on a plain class path; inside OSGi the
 * bundle's {@code bundleresource:} URL, turned into a local file URL through the URL connection's
 * {@code getLocalURL()} (Equinox's {@code BundleURLConnection}, what {@code FileLocator.resolve} calls): the
 * bundle jar, the unpacked bundle folder, or its {@code bin/}/{@code target/classes} output in a workspace;</li>
 * <li>{@code java.class.path}.</li>
 * </ol>
 * The {@code java} executable is {@value #JAVA_PROPERTY} when set, else {@code java.home}'s.
 */
public final class ChildJvm {

    /** System property: the class path for the lab's child processes (overrides the discovery above). */
    public static final String CLASSPATH_PROPERTY = "kerbscope.lab.classpath";
    /** System property: the java executable for the lab's child processes. */
    public static final String JAVA_PROPERTY = "kerbscope.lab.java";

    /** The child-side classes, named rather than referenced so that the lab's own JVM (OSGi) never loads them. */
    public static final String CLIENT_MAIN = "org.kerbscope.lab.child.LabClient";
    public static final String WEB_SERVER_MAIN = "org.kerbscope.lab.child.LabWebServer";
    static final String RESOLVER_PROVIDER = "org.kerbscope.lab.child.LabResolverProvider";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    private final Path stderr;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (all) {
                        all.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "lab-child-out");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts {@code mainClass} with {@code args}. {@code prefix} goes before the java command (for example
     * {@code faketime -f +10m}); {@code services} is a folder added to the class path, holding the
     * {@code META-INF/services} registrations only this child should see.
     */
    public static ChildJvm start(String mainClass, List<String> args, Map<String, String> properties, Map<String, String> env,
            List<String> prefix, Path services, Path stderr) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(javaExecutable());
        // A short-lived helper: the cheapest start-up a 2-core build machine can give it.
        cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m", "-Xss512k"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        String cp = classPath();
        if (services != null) {
            cp = services + File.pathSeparator + cp;
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectErrorStream(false);
        pb.redirectError(stderr.toFile());
        return new ChildJvm(pb.start(), stderr);
    }

    /** The next line the child printed that starts with {@code prefix}, waiting at most {@code seconds}. */
    public String awaitLine(String prefix, long seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = end - System.nanoTime();
            String line = left > 0 ? lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS) : null;
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && (!process.isAlive() && lines.isEmpty() || left <= 0)) {
                throw new IOException("the lab's " + "child process did not print '" + prefix + "' (exit "
                        + (process.isAlive() ? "none yet" : process.exitValue()) + "): " + tail());
            }
        }
    }

    /** Waits for the process to end on its own, at most {@code seconds}; then ends it. */
    public boolean awaitExit(long seconds) throws InterruptedException {
        boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            stop();
        }
        return ended;
    }

    /** Everything the child printed on standard output so far. */
    public List<String> output() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String tail() {
        try {
            String s = Files.exists(stderr) ? Files.readString(stderr) : "";
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no error output)";
        }
    }

    /** Writes the registration of the lab's DNS-speaking resolver into {@code dir} and returns {@code dir}. */
    public static Path resolverServices(Path dir) throws IOException {
        Path f = dir.resolve("META-INF/services/java.net.spi.InetAddressResolverProvider");
        Files.createDirectories(f.getParent());
        Files.writeString(f, RESOLVER_PROVIDER + "\n");
        return dir;
    }

    static String javaExecutable() {
        String j = System.getProperty(JAVA_PROPERTY);
        if (j != null && !j.isBlank()) {
            return j;
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString();
    }

    /** The class path that gives a child JVM the {@code org.kerbscope.lab.child} classes; see the class comment. */
    public static String classPath() throws IOException {
        String p = System.getProperty(CLASSPATH_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p;
        }
        String resource = CLIENT_MAIN.replace('.', '/') + ".class";
        ClassLoader loader = ChildJvm.class.getClassLoader();
        URL url = loader != null ? loader.getResource(resource) : null;
        Path root = url == null ? null : rootOf(url, resource, 0);
        if (root == null) {
            CodeSource cs = ChildJvm.class.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null && "file".equals(cs.getLocation().getProtocol())) {
                root = classesIn(toPath(cs.getLocation()), resource);
            }
        }
        if (root != null) {
            return root.toString();
        }
        return System.getProperty("java.class.path");
    }

    private static Path rootOf(URL url, String resource, int depth) throws IOException {
        switch (url.getProtocol()) {
            case "file": {
                String s = url.toString();
                return s.endsWith(resource) ? toPath(java.net.URI.create(s.substring(0, s.length() - resource.length())).toURL()) : null;
            }
            case "jar": {
                URLConnection c = url.openConnection();
                URL jar = ((JarURLConnection) c).getJarFileURL();
                return "file".equals(jar.getProtocol()) ? toPath(jar) : null;
            }
            default: {
                if (depth > 2) {
                    return null;
                }
                // Equinox: bundleresource:/bundleentry: URLs resolve to a local URL without a compile-time tie to OSGi.
                try {
                    URLConnection c = url.openConnection();
                    Method local = c.getClass().getMethod("getLocalURL");
                    Object u = local.invoke(c);
                    return u instanceof URL l ? rootOf(l, resource, depth + 1) : null;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
    }

    private static Path classesIn(Path location, String resource) {
        if (Files.isRegularFile(location)) {
            return location;
        }
        for (String sub : new String[] {"", "bin", "target/classes"}) {
            Path d = sub.isEmpty() ? location : location.resolve(sub);
            if (Files.isRegularFile(d.resolve(resource))) {
                return d;
            }
        }
        return null;
    }

    private static Path toPath(URL u) throws IOException {
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("not a local file: " + u, e);
        }
    }
}
