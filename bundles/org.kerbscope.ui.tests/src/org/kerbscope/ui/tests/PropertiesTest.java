package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.ui.tests.WorkbenchTest.ui;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.views.properties.PropertySheet;
import org.eclipse.ui.views.properties.PropertySheetPage;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.ui.Views;
import org.kerbscope.ui.editors.CaptureEditor;
import org.kerbscope.ui.views.FindingsView;

/** The Properties view follows the selection: a frame clicked in the packet list, a finding clicked in Findings. */
class PropertiesTest {

    /** The rows of the Properties view as shown: property name → value. */
    static Map<String, String> shownProperties() {
        return ui(() -> {
            IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
            PropertySheet sheet = (PropertySheet) page.findView(IPageLayout.ID_PROP_SHEET);
            Tree tree = (Tree) ((PropertySheetPage) sheet.getCurrentPage()).getControl();
            Map<String, String> out = new LinkedHashMap<>();
            for (TreeItem i : tree.getItems()) {
                out.put(i.getText(0), i.getText(1));
            }
            return out;
        });
    }

    static Map<String, String> waitFor(String key, String value) throws InterruptedException {
        Map<String, String> shown = shownProperties();
        for (int i = 0; i < 100 && !value.equals(shown.get(key)); i++) {
            Thread.sleep(50);
            shown = shownProperties();
        }
        return shown;
    }

    @Test
    void theSelectedFrameAndFindingAreDescribed() throws Exception {
        Path sample = SampleCaptureTest.sample("spn-unknown");
        Analysis a = SampleCaptureTest.openAndWait(sample);
        CaptureEditor ed = SampleCaptureTest.editor(sample);
        assertNotNull(ed);
        ui(() -> {
            IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
            try {
                page.showView(IPageLayout.ID_PROP_SHEET, null, IWorkbenchPage.VIEW_VISIBLE);
            } catch (org.eclipse.ui.PartInitException e) {
                throw new IllegalStateException(e);
            }
            page.activate(ed);
            return null;
        });
        org.kerbscope.core.model.Event error = a.events("kerberos").stream().filter(e -> e.integer("errorCode", 0) == 7)
                .findFirst().orElseThrow(() -> new AssertionError("the sample has a KRB-ERROR 7"));
        long frame = error.frame();
        ui(() -> {
            var list = ed.packets().list();
            list.setFocus();
            list.setSelection((int) frame - 1);
            list.notifyListeners(SWT.Selection, new Event()); // the click
            return null;
        });
        Map<String, String> shown = waitFor("Number", Long.toString(frame));
        assertEquals(Long.toString(frame), shown.get("Number"), "the frame's number: " + shown);
        assertEquals(error.src().address(), shown.get("Source"), shown.toString());
        assertEquals(error.dst().address(), shown.get("Destination"), shown.toString());
        assertEquals("KERBEROS", shown.get("Protocol"), shown.toString());
        assertTrue(shown.get("Info").contains("KRB-ERROR") || shown.get("Info").contains("7"), shown.toString());
        assertTrue(Integer.parseInt(shown.get("Length")) > 0, shown.toString());
        assertTrue(shown.get("Time").matches("\\d+\\.\\d{6}"), shown.toString());

        org.kerbscope.core.model.FieldNode tree = null;
        for (int i = 0; i < 400 && tree == null; i++) {
            Thread.sleep(50);
            tree = ui(() -> ed.packets().shownTree());
        }
        assertNotNull(tree, "the frame is dissected");
        org.kerbscope.core.model.FieldNode code = tree.find("kerberos.error_code");
        assertNotNull(code, "the tree has the error code");
        ui(() -> {
            ed.packets().selectField(code);
            return null;
        });
        shown = waitFor("Name", "kerberos.error_code");
        assertEquals("kerberos.error_code", shown.get("Name"), shown.toString());
        assertEquals(code.label(), shown.get("Label"), shown.toString());
        assertEquals(String.valueOf(code.value()), shown.get("Value"), shown.toString());
        assertTrue(shown.get("Bytes").startsWith(code.range().offset() + "-" + (code.range().end() - 1)), shown.toString());

        FindingsView findings = SampleCaptureTest.view(Views.FINDINGS, FindingsView.class);
        Finding spn = ui(findings::shown).stream().filter(f -> f.id().equals("kerberos.spn-unknown")).findFirst()
                .orElseThrow();
        ui(() -> {
            findings.select(spn);
            return null;
        });
        shown = waitFor("Id", "kerberos.spn-unknown");
        assertEquals("kerberos.spn-unknown", shown.get("Id"), shown.toString());
        assertEquals("error", shown.get("Severity"), shown.toString());
        assertEquals(spn.step().number() + " " + spn.step().title(), shown.get("Step"), shown.toString());
        assertEquals(spn.title(), shown.get("Title"), shown.toString());
        assertEquals("0", shown.get("Attempt"), "the attempt whose ticket step failed: " + shown);
        assertTrue(shown.get("Evidence").contains(Long.toString(frame)), "the KRB-ERROR frame is evidence: " + shown);
        assertTrue(!spn.remediation().isEmpty() && shown.get("Remediation").contains(spn.remediation().get(0)),
                shown.toString());
    }
}
