package org.kerbscope.ui.editors;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorSite;
import org.eclipse.ui.IPartListener;
import org.eclipse.ui.IPathEditorInput;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.EditorPart;
import org.kerbscope.ui.internal.AnalysisService;
import org.kerbscope.ui.internal.CaptureSession;

/**
 * A capture in the editor area, like Wireshark's main window: packet list, details tree, hex/ASCII dump. The
 * capture is only read: the editor is never dirty and never saves. While it is the active editor, the Flow,
 * Findings and Evidence views show its analysis.
 */
public final class CaptureEditor extends EditorPart implements CaptureSession.Listener, AnalysisService.FrameListener {
    public static final String ID = "org.kerbscope.ui.editors.capture";

    private CaptureSession session;
    private PacketPane pane;
    private final IPartListener activation = new IPartListener() {
        @Override
        public void partActivated(IWorkbenchPart part) {
            if (part == CaptureEditor.this) {
                AnalysisService.get().setActive(session);
            }
        }

        @Override
        public void partBroughtToTop(IWorkbenchPart part) {
            if (part == CaptureEditor.this && getSite().getPage().getActiveEditor() == CaptureEditor.this) {
                AnalysisService.get().setActive(session);
            }
        }

        @Override
        public void partClosed(IWorkbenchPart part) {
            // dispose() releases the capture
        }

        @Override
        public void partDeactivated(IWorkbenchPart part) {
            // the views keep showing this capture until another editor is activated
        }

        @Override
        public void partOpened(IWorkbenchPart part) {
            // nothing to do before the editor is activated
        }
    };

    @Override
    public void init(IEditorSite site, IEditorInput input) throws PartInitException {
        if (!(input instanceof IPathEditorInput p)) {
            throw new PartInitException("The capture editor opens capture files.");
        }
        setSite(site);
        setInput(input);
        java.nio.file.Path path = p instanceof CaptureEditorInput c ? c.file() : p.getPath().toPath();
        String label = p instanceof CaptureEditorInput c ? c.label() : path.toString();
        session = AnalysisService.get().session(path, label);
        setPartName(input.getName());
        setTitleToolTip(input.getToolTipText());
    }

    @Override
    public void createPartControl(Composite parent) {
        pane = new PacketPane(parent, session);
        getSite().setSelectionProvider(pane.selectionProvider());
        // a plug-in may add to the details' and the list's context menus (popup:org.kerbscope.ui.packetDetails …)
        getSite().registerContextMenu(PacketMenus.DETAILS_ID, pane.detailsMenu(), pane.selectionProvider());
        getSite().registerContextMenu(PacketMenus.LIST_ID, pane.listMenu(), pane.selectionProvider());
        session.addListener(this);
        AnalysisService.get().addFrameListener(this);
        getSite().getPage().addPartListener(activation);
        if (session.file() != null) {
            pane.fileReady();
        }
        if (session.analysis() != null || session.problem() != null) {
            pane.analysisReady();
        }
        // an editor opened for a capture nobody loads yet (the workbench restored it, another plug-in opened it)
        if (session.file() == null && !session.loading() && session.problem() == null) {
            session.load(true);
        }
    }

    /** The capture's session: its file, evidence and analysis. */
    public CaptureSession session() {
        return session;
    }

    /** The packet list, details and hex panes. */
    public PacketPane packets() {
        return pane;
    }

    @Override
    public void fileReady(CaptureSession s) {
        pane.fileReady();
    }

    @Override
    public void analysisReady(CaptureSession s) {
        pane.analysisReady();
    }

    @Override
    public void frameSelected(long frame) {
        if (AnalysisService.get().active() != session) {
            return;
        }
        getSite().getPage().bringToTop(this);
        pane.reveal(frame);
    }

    @Override
    public void setFocus() {
        pane.setFocus();
    }

    @Override
    public void dispose() {
        if (session != null) {
            session.removeListener(this);
            AnalysisService.get().removeFrameListener(this);
            getSite().getPage().removePartListener(activation);
            AnalysisService.get().closed(session);
        }
        super.dispose();
    }

    @Override
    public void doSave(IProgressMonitor monitor) {
        // a capture is evidence: never written
    }

    @Override
    public void doSaveAs() {
        // a capture is evidence: never written
    }

    @Override
    public boolean isDirty() {
        return false;
    }

    @Override
    public boolean isSaveAsAllowed() {
        return false;
    }
}
