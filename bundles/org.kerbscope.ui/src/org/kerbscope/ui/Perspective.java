package org.kerbscope.ui;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/**
 * The Kerbscope perspective: the open captures in the editor area on top (packet list, details, hex, like
 * Wireshark), findings, flow, evidence and diagnostics below, and the Properties view beside them so that it shows the
 * selected frame, field or finding while the findings stay in sight.
 */
public final class Perspective implements IPerspectiveFactory {
    public static final String ID = "org.kerbscope.ui.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(true);
        String editor = layout.getEditorArea();
        IFolderLayout bottom = layout.createFolder("bottom", IPageLayout.BOTTOM, 0.55f, editor);
        bottom.addView(Views.FINDINGS);
        bottom.addView(Views.FLOW);
        bottom.addView(Views.EVIDENCE);
        bottom.addView(Views.DIAGNOSTICS);
        bottom.addPlaceholder("org.eclipse.pde.runtime.LogView");
        IFolderLayout right = layout.createFolder("properties", IPageLayout.RIGHT, 0.68f, "bottom");
        right.addView(IPageLayout.ID_PROP_SHEET);
        layout.addShowViewShortcut(Views.FINDINGS);
        layout.addShowViewShortcut(Views.FLOW);
        layout.addShowViewShortcut(Views.EVIDENCE);
        layout.addShowViewShortcut(Views.DIAGNOSTICS);
        layout.addShowViewShortcut(IPageLayout.ID_PROP_SHEET);
    }
}
