package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.ui.tests.WorkbenchTest.ui;

import java.util.List;

import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.kerbscope.ui.internal.KerbscopePreferencePage;

/** Window > Preferences > Kerbscope: a decode-as rule the installed dissectors cannot apply is said, not stored. */
class PreferencePageTest {

    @Test
    void aDecodeAsRuleWithATypoKeepsThePageFromBeingApplied() throws Exception {
        WorkbenchTest.waitForWorkbench();
        List<Object> seen = onPage(page -> {
            Text rules = decodeAsField((Composite) page.getControl());
            boolean validAtFirst = page.isValid();
            rules.setText("udp.port=60088:kerberos\ntcp.port=8081:htp");
            boolean validWithTypo = page.isValid();
            String typo = page.getErrorMessage();
            rules.setText("udp.port=60088:kerberos\n\ntcp.port=8081:http\n");
            return List.of(validAtFirst, validWithTypo, String.valueOf(typo), page.isValid(),
                    String.valueOf(page.getErrorMessage()));
        });
        assertEquals(true, seen.get(0), "the stored rules are valid");
        assertFalse((Boolean) seen.get(1), "a rule naming no installed dissector");
        assertTrue(((String) seen.get(2)).startsWith("Decode as: 'tcp.port=8081:htp': no dissector 'htp' is installed ("),
                (String) seen.get(2));
        assertTrue((Boolean) seen.get(3), "fixed, and a blank line between the rules is no rule");
        assertEquals("null", seen.get(4));
    }

    /** The browser's TLS key log is kept as a path, and the next analysis reads the HTTPS it opens. */
    @Test
    void aTlsKeyLogIsKeptAsAPath() throws Exception {
        WorkbenchTest.waitForWorkbench();
        String keylog = "/home/support/case-1234/sslkeys.log";
        List<Object> seen = onPage(page -> {
            Text logs = field((Composite) page.getControl(), "TLS key logs");
            String before = logs.getText();
            logs.setText(keylog + "\n\n");
            page.performOk();
            List<java.nio.file.Path> kept = org.kerbscope.ui.internal.Preferences.options().tlsKeylogs();
            logs.setText(before);
            page.performOk();
            return List.of(before, kept, org.kerbscope.ui.internal.Preferences.options().tlsKeylogs());
        });
        assertEquals("", seen.get(0));
        assertEquals(List.of(java.nio.file.Path.of(keylog)), seen.get(1));
        assertEquals(List.of(), seen.get(2));
    }

    /** Opens the page in a shell of the workbench window, lets {@code use} work with it on the UI thread, closes it. */
    private static List<Object> onPage(java.util.function.Function<KerbscopePreferencePage, List<Object>> use) {
        return ui(() -> {
            Shell shell = new Shell(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell());
            try {
                KerbscopePreferencePage page = new KerbscopePreferencePage();
                page.init(PlatformUI.getWorkbench());
                page.createControl(shell);
                return use.apply(page);
            } finally {
                shell.dispose();
            }
        });
    }

    /** The multi-line field after the label that starts with "Decode as". */
    private static Text decodeAsField(Composite page) {
        return field(page, "Decode as");
    }

    /** The multi-line field after the label that starts with {@code label} (and its Add button, if any). */
    private static Text field(Composite page, String label) {
        Control[] all = allControls(page).toArray(Control[]::new);
        for (int i = 0; i + 1 < all.length; i++) {
            if (all[i] instanceof Label l && l.getText().startsWith(label)) {
                for (int j = i + 1; j < all.length && j <= i + 2; j++) {
                    if (all[j] instanceof Text t) {
                        return t;
                    }
                }
            }
        }
        throw new AssertionError("no field " + label + " on the page");
    }

    private static List<Control> allControls(Composite c) {
        List<Control> out = new java.util.ArrayList<>();
        for (Control k : c.getChildren()) {
            out.add(k);
            if (k instanceof Composite cc) {
                out.addAll(allControls(cc));
            }
        }
        return out;
    }
}
