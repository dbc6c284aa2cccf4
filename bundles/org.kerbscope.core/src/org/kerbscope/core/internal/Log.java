package org.kerbscope.core.internal;

import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;

/**
 * Logging for headless code: the platform log (shown in the Error Log view) inside OSGi, standard error
 * outside it. Messages never carry key or ticket bytes.
 */
public final class Log {
    private static final String BUNDLE = "org.kerbscope.core";
    private static volatile boolean quiet;

    private Log() {
    }

    /** Outside OSGi, tests that provoke failures on purpose can silence the echo to standard error. */
    public static void setQuiet(boolean q) {
        quiet = q;
    }

    public static void error(String message, Throwable t) {
        log(IStatus.ERROR, message, t);
    }

    public static void warn(String message) {
        log(IStatus.WARNING, message, null);
    }

    private static void log(int severity, String message, Throwable t) {
        if (Osgi.running()) {
            try {
                ILog.of(Log.class).log(new Status(severity, BUNDLE, message, t));
                return;
            } catch (RuntimeException | LinkageError e) {
                // no platform log service: fall through to standard error
            }
        }
        if (!quiet) {
            System.err.println((severity == IStatus.ERROR ? "ERROR " : "WARNING ") + message);
        }
    }
}
