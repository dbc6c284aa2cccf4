package org.kerbscope.capture.live;

/**
 * The process lacks the privilege to capture packets. The message tells the user what to do: run as root,
 * grant the capabilities to the Java binary with {@code setcap}, or install Npcap on Windows.
 */
public class CapturePermissionException extends LiveCaptureException {
    private static final long serialVersionUID = 1L;

    public CapturePermissionException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The advice, with the path of the running Java binary filled in. */
    static String advice(String iface) {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String on = iface == null ? "" : " on " + iface;
        if (os.contains("win")) {
            return "Capturing" + on + " is not allowed: install Npcap (https://npcap.com) with "
                    + "\"Restrict Npcap driver's access to Administrators only\" unticked, or run Kerbscope as Administrator.";
        }
        return "Capturing" + on + " needs the packet capture privilege: run Kerbscope as root, or grant it to Java once with "
                + "`sudo setcap cap_net_raw,cap_net_admin=eip " + javaBinary() + "` and restart Kerbscope.";
    }

    private static String javaBinary() {
        try {
            String cmd = ProcessHandle.current().info().command().orElse(null);
            java.nio.file.Path p = cmd != null ? java.nio.file.Path.of(cmd)
                    : java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java");
            return p.toRealPath().toString();
        } catch (java.io.IOException | RuntimeException e) {
            return "<path of the java binary>";
        }
    }
}
