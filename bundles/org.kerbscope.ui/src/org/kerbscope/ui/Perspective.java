package org.kerbscope.ui;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/** The Kerbscope perspective: packets and flow on top, findings and evidence below, properties beside. */
public final class Perspective implements IPerspectiveFactory {
    public static final String ID = "org.kerbscope.ui.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editor = layout.getEditorArea();
        IFolderLayout top = layout.createFolder("top", IPageLayout.TOP, 0.55f, editor);
        top.addView(Views.PACKETS);
        top.addView(Views.FLOW);
        IFolderLayout bottom = layout.createFolder("bottom", IPageLayout.BOTTOM, 0.45f, editor);
        bottom.addView(Views.FINDINGS);
        bottom.addView(Views.EVIDENCE);
        bottom.addView(IPageLayout.ID_PROP_SHEET);
        bottom.addPlaceholder("org.eclipse.pde.runtime.LogView");
        layout.addShowViewShortcut(Views.FINDINGS);
        layout.addShowViewShortcut(Views.FLOW);
        layout.addShowViewShortcut(Views.EVIDENCE);
        layout.addShowViewShortcut(Views.PACKETS);
        layout.addShowViewShortcut(IPageLayout.ID_PROP_SHEET);
    }
}
