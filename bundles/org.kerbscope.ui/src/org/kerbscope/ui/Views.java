package org.kerbscope.ui;

/** Ids of the Kerbscope views (contributed through org.eclipse.ui.views). */
public final class Views {
    public static final String FINDINGS = "org.kerbscope.ui.views.findings";
    public static final String FLOW = "org.kerbscope.ui.views.flow";
    public static final String EVIDENCE = "org.kerbscope.ui.views.evidence";
    public static final String PACKETS = "org.kerbscope.ui.views.packets";

    private Views() {
    }
}
