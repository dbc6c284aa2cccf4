package org.kerbscope.ui.internal;

import org.eclipse.jface.preference.PreferencePage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.DecodeAsRules;

/**
 * Kerbscope preferences: keytab and TLS key log paths (never their contents), decode-as rules, skew tolerance,
 * redaction.
 */
public final class KerbscopePreferencePage extends PreferencePage implements IWorkbenchPreferencePage {
    private Text keytabs;
    private Text tlsKeylogs;
    private Text decodeAs;
    private Spinner skew;
    private Button redact;

    @Override
    public void init(IWorkbench workbench) {
        setDescription("Keytabs and TLS key logs are read where they are; Kerbscope stores only their paths.");
    }

    @Override
    protected Control createContents(Composite parent) {
        AnalysisOptions o = Preferences.options();
        Composite c = new Composite(parent, SWT.NONE);
        c.setLayout(new GridLayout(2, false));
        keytabs = paths(c, "Keytab files (one path per line):", 80, o.keytabs(), "*.keytab");
        tlsKeylogs = paths(c, "TLS key logs (the browser's SSLKEYLOGFILE; one path per line):", 40, o.tlsKeylogs(), "*.log");
        Label l = new Label(c, SWT.NONE);
        l.setText("Decode as (e.g. udp.port=60088:kerberos, one per line):");
        l.setLayoutData(new GridData(SWT.LEFT, SWT.CENTER, false, false, 2, 1));
        decodeAs = new Text(c, SWT.MULTI | SWT.BORDER | SWT.V_SCROLL);
        decodeAs.setLayoutData(gd(60));
        StringBuilder rules = new StringBuilder();
        o.decodeAs().forEach((k, v) -> rules.append(k).append(':').append(v).append('\n'));
        decodeAs.setText(rules.toString().trim());
        decodeAs.addListener(SWT.Modify, e -> checkDecodeAs());
        new Label(c, SWT.NONE).setText("Clock-skew tolerance (seconds):");
        skew = new Spinner(c, SWT.BORDER);
        skew.setValues(o.skewSeconds(), 1, 86400, 0, 30, 300);
        redact = new Button(c, SWT.CHECK);
        redact.setText("Redact tickets and NTLM responses in exported reports");
        redact.setSelection(o.redact());
        redact.setLayoutData(new GridData(SWT.LEFT, SWT.CENTER, false, false, 2, 1));
        return c;
    }

    /** A labelled list of file paths, one per line, with an Add... button that appends the file the user picks. */
    private Text paths(Composite c, String label, int height, java.util.List<java.nio.file.Path> current, String extension) {
        new Label(c, SWT.NONE).setText(label);
        Button add = new Button(c, SWT.PUSH);
        add.setText("Add...");
        Text paths = new Text(c, SWT.MULTI | SWT.BORDER | SWT.V_SCROLL);
        paths.setLayoutData(gd(height));
        paths.setText(String.join("\n", current.stream().map(Object::toString).toList()));
        add.addListener(SWT.Selection, e -> {
            FileDialog d = new FileDialog(getShell(), SWT.OPEN);
            d.setFilterExtensions(new String[] {extension, "*.*"});
            String f = d.open();
            if (f != null) {
                paths.append((paths.getText().isEmpty() ? "" : "\n") + f);
            }
        });
        return paths;
    }

    /** A rule the installed dissectors cannot apply keeps the page from being applied, and says why. */
    private void checkDecodeAs() {
        String problem = null;
        var dissectors = Registries.platform().dissectors();
        for (String line : Preferences.decodeAsLines(decodeAs.getText())) {
            problem = DecodeAsRules.problem(line, dissectors);
            if (problem != null) {
                break;
            }
        }
        setErrorMessage(problem == null ? null : "Decode as: " + problem);
        setValid(problem == null);
    }

    private static GridData gd(int h) {
        GridData g = new GridData(SWT.FILL, SWT.FILL, true, false, 2, 1);
        g.heightHint = h;
        return g;
    }

    @Override
    public boolean performOk() {
        Preferences.save(keytabs.getText(), tlsKeylogs.getText(), decodeAs.getText(), skew.getSelection(),
                redact.getSelection());
        if (!AnalysisService.get().sessions().isEmpty()) {
            AnalysisService.get().run();
        }
        return true;
    }
}
