package org.kerbscope.ui.internal;

/**
 * {@code -Dkerbscope.timing=true}: how long the workbench takes to list a capture's first frames, to index and
 * analyse it, and to show a frame's details, and how late the event loop answered meanwhile; printed to the
 * standard error for {@code releng/bench/workbench}, as the command line prints its own.
 */
public final class Timing {
    public static final boolean ON = Boolean.getBoolean("kerbscope.timing");

    private Timing() {
    }

    public static void print(String format, Object... args) {
        if (ON) {
            System.err.printf("kerbscope timing: " + format + "%n", args);
        }
    }

    /** Seconds since the process started (the user launched the workbench), or -1 when unknown. */
    public static double sinceLaunch() {
        return ProcessHandle.current().info().startInstant()
                .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis() / 1e3).orElse(-1.0);
    }

    /** Seconds since {@code startNanos}. */
    public static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
