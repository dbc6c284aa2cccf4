package org.kerbscope.ui.wizard;

import java.io.IOException;
import java.nio.file.Path;

import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Text;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Finding;

/** The last page: every attempt's outcome and every finding with its fix, and the HTML report to send. */
public final class SummaryPage extends WizardPage {
    private Text text;

    SummaryPage() {
        super("summary", "Summary", null);
        setDescription("What broke, why, and what fixes it. Export the report to send it on.");
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        c.setLayout(new GridLayout(1, false));
        text = new Text(c, SWT.MULTI | SWT.READ_ONLY | SWT.WRAP | SWT.V_SCROLL | SWT.BORDER);
        GridData g = new GridData(SWT.FILL, SWT.FILL, true, true);
        g.heightHint = 300;
        g.widthHint = 640;
        text.setLayoutData(g);
        Button export = new Button(c, SWT.PUSH);
        export.setText("Export HTML report...");
        export.addListener(SWT.Selection, e -> {
            FileDialog d = new FileDialog(getShell(), SWT.SAVE);
            d.setFilterExtensions(new String[] {"*.html"});
            d.setFileName("kerbscope-report.html");
            d.setOverwrite(true);
            String f = d.open();
            if (f != null) {
                export(Path.of(f));
            }
        });
        setControl(c);
    }

    /** Writes the report; returns whether it worked (the page shows why not). */
    public boolean export(Path file) {
        try {
            TroubleshootingWizard.export(file);
            setMessage("Report written to " + file);
            return true;
        } catch (IOException e) {
            setErrorMessage("Cannot write " + file + ": " + e.getMessage());
            return false;
        }
    }

    @Override
    public void setVisible(boolean visible) {
        if (visible) {
            Analysis a = TroubleshootingWizard.analysis();
            StringBuilder b = new StringBuilder();
            if (a != null) {
                for (AuthAttempt at : a.attempts()) {
                    b.append("Attempt ").append(at.index()).append(": ").append(at.client()).append(" → ").append(at.server())
                            .append(at.spn() != null ? " (" + at.spn() + ")" : "").append(" — ").append(at.outcome().id());
                    if (at.failedStep() != null) {
                        b.append(", failed at step ").append(at.failedStep().step().number()).append(" (")
                                .append(at.failedStep().step().title()).append(")");
                    }
                    b.append('\n');
                }
                b.append('\n');
                for (Finding f : a.findings()) {
                    b.append(f.severity().id().toUpperCase()).append(' ').append(f.id()).append(": ").append(f.title()).append('\n');
                    f.remediation().forEach(r -> b.append("    ").append(r).append('\n'));
                }
                if (a.findings().isEmpty()) {
                    b.append("No finding: the flow looks healthy.\n");
                }
            }
            text.setText(b.toString());
        }
        super.setVisible(visible);
    }

    public String shownText() {
        return text.getText();
    }
}
