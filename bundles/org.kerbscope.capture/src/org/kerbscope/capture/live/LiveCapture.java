package org.kerbscope.capture.live;

import java.nio.file.Path;
import java.util.List;

/**
 * Records packets from a network interface to a pcapng file while a {@link LiveCaptureListener} follows
 * each frame. pcap4j (libpcap, Npcap on Windows) is loaded only when this class is used, never for reading
 * files; when it or the native library is missing, the exception says how to get it.
 * <p>
 * Typical use: {@code try (LiveCapture c = LiveCapture.start("eth0", LiveCapture.DEFAULT_FILTER, out, l)) {
 * … c.stop(); }}.
 */
public final class LiveCapture implements AutoCloseable {
    /** The ports whose protocols Kerbscope understands: Kerberos, DNS, HTTP(S), SMB, LDAP, GC, proxies. */
    public static final String DEFAULT_FILTER =
            "port 88 or port 53 or port 80 or port 443 or port 445 or port 389 or port 3268 or port 8080";
    /** Bytes kept of each packet: whole Ethernet frames, and the large segments offloading hands up. */
    public static final int SNAPLEN = 262_144;

    private final Pcap4jSession session;

    private LiveCapture(Pcap4jSession session) {
        this.session = session;
    }

    /** The interfaces libpcap can open. */
    public static List<CaptureInterface> interfaces() throws LiveCaptureException {
        try {
            return Pcap4jSession.interfaces();
        } catch (LinkageError e) {
            throw missingLibrary(e);
        }
    }

    /**
     * Opens {@code iface}, applies {@code filter} (BPF syntax; null or blank for {@link #DEFAULT_FILTER}),
     * and starts recording to {@code output} on a background thread.
     *
     * @throws CapturePermissionException without the capture privilege (the message says how to get it)
     * @throws LiveCaptureException       for a bad interface or filter, or missing libpcap
     */
    public static LiveCapture start(String iface, String filter, Path output, LiveCaptureListener listener)
            throws LiveCaptureException {
        String f = filter == null || filter.isBlank() ? DEFAULT_FILTER : filter;
        try {
            return new LiveCapture(Pcap4jSession.start(iface, f, output, listener));
        } catch (LinkageError e) {
            throw missingLibrary(e);
        }
    }

    private static LiveCaptureException missingLibrary(Throwable e) {
        String part = missingClass(e);
        if (part != null) {
            // libpcap may well be there: a part of the capture library is not
            return new LiveCaptureException("Live capture cannot start: " + part + ", which the capture library (pcap4j)"
                    + " needs, is not in this installation of Kerbscope. Install Kerbscope again.", e);
        }
        return new LiveCaptureException("Live capture needs libpcap: install it (Debian/Ubuntu: "
                + "`sudo apt install libpcap0.8`; Windows: Npcap from https://npcap.com) and restart Kerbscope ("
                + why(e) + ").", e);
    }

    /**
     * The JVM's record of a class initialiser's first failure, which it keeps as the cause of every later "Could not
     * initialize class": {@code Exception java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory [in thread "main"]}.
     */
    private static final java.util.regex.Pattern FIRST_FAILURE = java.util.regex.Pattern.compile(
            "Exception ([\\w.$]+)(?:: (.*?))? \\[in thread \".*\"\\]");

    /** The class a failure says is missing (dotted), or null when something else failed. */
    static String missingClass(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            if (t instanceof NoClassDefFoundError && !m.startsWith("Could not initialize class")) {
                return m.replace('/', '.');
            }
            java.util.regex.Matcher first = FIRST_FAILURE.matcher(m);
            if (first.matches() && first.group(1).endsWith("NoClassDefFoundError") && first.group(2) != null
                    && !first.group(2).startsWith("Could not initialize class")) {
                return first.group(2).replace('/', '.');
            }
        }
        return null;
    }

    /**
     * What went wrong first: after one failed initialisation the JVM answers every later use of the class with
     * "Could not initialize class …", and carries the first failure (where libpcap or JNA was not found) as its cause.
     */
    static String why(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        java.util.regex.Matcher first = FIRST_FAILURE.matcher(m);
        if (first.matches()) {
            m = first.group(2) != null ? first.group(2) : first.group(1).substring(first.group(1).lastIndexOf('.') + 1);
        }
        return root == e || m.equals(e.getMessage()) ? m : e.getMessage() + ": " + m;
    }

    /** Frames recorded so far. */
    public long frames() {
        return session.frames();
    }

    public Path output() {
        return session.output();
    }

    public boolean running() {
        return session.running();
    }

    /** Stops recording, waits for the capture thread, and closes the file; safe to call twice. */
    public void stop() {
        session.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
