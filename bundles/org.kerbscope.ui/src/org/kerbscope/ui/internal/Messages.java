package org.kerbscope.ui.internal;

import org.eclipse.osgi.util.NLS;

/** User-visible strings of the workbench. */
public final class Messages extends NLS {
    public static String windowTitle;
    public static String openCapture;
    public static String openSample;
    public static String addEvidence;
    public static String analyzing;
    public static String noSamples;
    public static String cannotOpen;
    public static String noAnalysis;

    static {
        NLS.initializeMessages("org.kerbscope.ui.internal.messages", Messages.class);
    }

    private Messages() {
    }
}
