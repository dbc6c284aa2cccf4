package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.ui.tests.WorkbenchTest.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.ui.editors.CaptureEditor;

/** File menu's recent captures: an opened capture is listed and reopens; a vanished one is explained and dropped. */
class RecentCapturesTest {

    /** The File menu's item texts, after the menu was shown as a click on "File" shows it. */
    static List<String> fileMenu() {
        return ui(() -> {
            Menu m = fileMenuWidget();
            List<String> out = new ArrayList<>();
            for (MenuItem i : m.getItems()) {
                out.add(i.getText());
            }
            return out;
        });
    }

    private static Menu fileMenuWidget() {
        Shell shell = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
        for (MenuItem top : shell.getMenuBar().getItems()) {
            if (top.getText().replace("&", "").equals("File")) {
                Menu m = top.getMenu();
                m.notifyListeners(SWT.Show, new Event());
                m.notifyListeners(SWT.Hide, new Event());
                return m;
            }
        }
        throw new AssertionError("no File menu");
    }

    /** Clicks the File menu item whose text contains {@code text}, without waiting for what it opens. */
    static void clickLater(String text) {
        ui(() -> {
            Menu m = fileMenuWidget();
            for (MenuItem i : m.getItems()) {
                if (i.getText().contains(text)) {
                    Display.getCurrent().asyncExec(() -> i.notifyListeners(SWT.Selection, new Event()));
                    return null;
                }
            }
            throw new AssertionError("no File menu item with " + text);
        });
    }

    static void closeAllEditors() {
        ui(() -> PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false));
    }

    @Test
    void anOpenedCaptureIsListedAndReopens() throws Exception {
        Path sample = SampleCaptureTest.sample("spn-unknown");
        SampleCaptureTest.openAndWait(sample);
        closeAllEditors();
        assertNull(SampleCaptureTest.editor(sample), "closed");
        List<String> items = fileMenu();
        assertTrue(items.stream().anyMatch(t -> t.contains("spn-unknown.pcapng")), "File lists the capture: " + items);
        assertTrue(items.stream().filter(t -> t.matches("&[1-9] .*")).count() <= 8, "at most 8 recent captures: " + items);

        clickLater("spn-unknown.pcapng");
        CaptureEditor ed = null;
        for (int i = 0; i < 200 && ed == null; i++) {
            Thread.sleep(50);
            ed = SampleCaptureTest.editor(sample);
        }
        assertNotNull(ed, "the recent capture opened again in a capture editor");
        CaptureEditor e = ed;
        for (int i = 0; i < 400 && ui(() -> e.packets().rows()) == 0; i++) {
            Thread.sleep(50);
        }
        assertTrue(ui(() -> e.packets().rows()) > 0, "its frames are listed");
        String first = fileMenu().stream().filter(t -> t.startsWith("&1 ")).findFirst().orElse("");
        assertTrue(first.contains("spn-unknown.pcapng"), "the reopened capture is first: " + first);
    }

    @Test
    void aCaptureThatNoLongerExistsIsExplainedAndDropped(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("vanishing-capture.pcapng");
        Files.copy(SampleCaptureTest.sample("spn-unknown"), copy);
        SampleCaptureTest.openAndWait(copy);
        closeAllEditors();
        assertTrue(fileMenu().stream().anyMatch(t -> t.contains("vanishing-capture.pcapng")));
        Files.delete(copy);

        clickLater("vanishing-capture.pcapng");
        String message = null;
        for (int i = 0; i < 200 && message == null; i++) {
            Thread.sleep(50);
            message = ui(() -> {
                for (Shell s : Display.getCurrent().getShells()) {
                    if (!s.isDisposed() && s.isVisible() && "Recent capture".equals(s.getText())) {
                        List<String> labels = new ArrayList<>();
                        collect(s, labels);
                        pressOk(s);
                        return String.join("\n", labels);
                    }
                }
                return null;
            });
        }
        assertNotNull(message, "a message says what happened");
        assertTrue(message.contains(copy.toString()) && message.contains("no longer exists"), message);
        assertFalse(message.contains("Exception"), message);
        assertFalse(fileMenu().stream().anyMatch(t -> t.contains("vanishing-capture.pcapng")), "the entry is gone");
        assertNull(SampleCaptureTest.editor(copy), "nothing opened");
        assertEquals(0, (int) ui(() -> PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage()
                .getEditorReferences().length), "no editor opened");
    }

    static void collect(Control c, List<String> labels) {
        if (c instanceof Label l) {
            labels.add(l.getText());
        }
        if (c instanceof Composite comp) {
            for (Control child : comp.getChildren()) {
                collect(child, labels);
            }
        }
    }

    static boolean pressOk(Control c) {
        if (c instanceof Button b && b.getText().replace("&", "").equals("OK")) {
            b.notifyListeners(SWT.Selection, new Event());
            return true;
        }
        if (c instanceof Composite comp) {
            for (Control child : comp.getChildren()) {
                if (pressOk(child)) {
                    return true;
                }
            }
        }
        return false;
    }
}
