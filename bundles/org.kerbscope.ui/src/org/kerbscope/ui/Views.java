package org.kerbscope.ui;

/** Ids of the Kerbscope views (contributed through org.eclipse.ui.views) and of the capture editor. */
public final class Views {
    public static final String FINDINGS = "org.kerbscope.ui.views.findings";
    public static final String FLOW = "org.kerbscope.ui.views.flow";
    public static final String EVIDENCE = "org.kerbscope.ui.views.evidence";
    /** What could not be read (Wireshark's Expert Information). */
    public static final String DIAGNOSTICS = "org.kerbscope.ui.views.diagnostics";
    /** The capture editor (packet list, details, hex), in the editor area: one per open capture. */
    public static final String CAPTURE_EDITOR = org.kerbscope.ui.editors.CaptureEditor.ID;

    private Views() {
    }
}
