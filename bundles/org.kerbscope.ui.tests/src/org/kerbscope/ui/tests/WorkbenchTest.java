package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.kerbscope.ui.Perspective;
import org.kerbscope.ui.Views;

/** The product's workbench on real SWT (Xvfb in CI): it starts in the Kerbscope perspective with its views. */
class WorkbenchTest {

    static <T> T ui(java.util.function.Supplier<T> s) {
        AtomicReference<T> r = new AtomicReference<>();
        AtomicReference<Throwable> err = new AtomicReference<>();
        Display.getDefault().syncExec(() -> {
            try {
                r.set(s.get());
            } catch (Throwable t) {
                err.set(t);
            }
        });
        if (err.get() != null) {
            throw new AssertionError(err.get());
        }
        return r.get();
    }

    static void waitForWorkbench() throws InterruptedException {
        for (int i = 0; i < 600 && !(PlatformUI.isWorkbenchRunning()
                && ui(() -> PlatformUI.getWorkbench().getActiveWorkbenchWindow() != null)); i++) {
            Thread.sleep(100);
        }
    }

    @Test
    void startsInTheKerbscopePerspectiveWithItsViews() throws Exception {
        waitForWorkbench();
        assertTrue(PlatformUI.isWorkbenchRunning(), "the workbench runs");
        String perspective = ui(() -> PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage()
                .getPerspective().getId());
        assertEquals(Perspective.ID, perspective);
        assertTrue(ui(() -> PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().isEditorAreaVisible()),
                "the editor area, where captures open, is visible");
        assertNotNull(ui(() -> PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage()
                .findView(org.eclipse.ui.IPageLayout.ID_PROP_SHEET)), "the Properties view is in the perspective");
        for (String id : new String[] {Views.FINDINGS, Views.FLOW, Views.EVIDENCE, Views.DIAGNOSTICS}) {
            Object part = ui(() -> {
                IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
                try {
                    return page.showView(id);
                } catch (org.eclipse.ui.PartInitException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertNotNull(part, id + " opens");
        }
        String title = ui(() -> PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell().getText());
        assertTrue(title.contains("Kerbscope"), "window title: " + title);
    }

    /** The workbench's command of this id (on the UI thread). */
    private static org.eclipse.core.commands.Command command(String id) {
        return PlatformUI.getWorkbench().getService(org.eclipse.ui.commands.ICommandService.class).getCommand(id);
    }

    @Test
    void ctrlOOpensACaptureAsInWireshark() throws Exception {
        waitForWorkbench();
        assertTrue(ui(() -> command("org.kerbscope.ui.open").isDefined()),
                "File > Open Capture... has a command (its action names it)");
        String keys = ui(() -> {
            org.eclipse.ui.keys.IBindingService b = PlatformUI.getWorkbench()
                    .getService(org.eclipse.ui.keys.IBindingService.class);
            org.eclipse.jface.bindings.TriggerSequence t = b.getBestActiveBindingFor("org.kerbscope.ui.open");
            return t == null ? null : t.format();
        });
        String expected = org.eclipse.jface.bindings.keys.KeySequence.getInstance(
                org.eclipse.jface.bindings.keys.KeyStroke.getInstance(org.eclipse.swt.SWT.MOD1, 'O')).format();
        assertEquals(expected, keys, "the key that opens a capture");
        assertTrue(ui(() -> command("org.kerbscope.ui.open").isHandled()), "the key runs the File menu's action");
    }

    @Test
    void helpOffersInstallNewSoftwareAndAboutListsThePlugins() throws Exception {
        waitForWorkbench();
        assertTrue(ui(() -> command("org.eclipse.equinox.p2.ui.sdk.install").isDefined()),
                "p2's Install New Software command is there");
        String about = ui(org.kerbscope.ui.internal.AboutAction::text);
        assertTrue(about.contains("org.kerbscope.core") && about.contains("org.kerbscope.dissect.kerberos"), about);
    }
}
