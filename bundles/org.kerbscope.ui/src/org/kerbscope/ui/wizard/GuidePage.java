package org.kerbscope.ui.wizard;

import java.nio.file.Path;

import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;

/**
 * One section of the guide: what the capture and the evidence show for it, the verdict, the commands to run,
 * and a place to paste their output (or add it as a file) so the analysis runs again.
 */
public final class GuidePage extends WizardPage {
    private final GuideSection section;
    private Text found;
    private Label verdict;
    private Text commands;
    private Text paste;

    GuidePage(GuideSection section) {
        super(section.name(), section.title, null);
        this.section = section;
        setDescription(section.question);
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        c.setLayout(new GridLayout(2, false));
        verdict = new Label(c, SWT.WRAP);
        verdict.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1));
        found = new Text(c, SWT.MULTI | SWT.READ_ONLY | SWT.WRAP | SWT.V_SCROLL | SWT.BORDER);
        GridData g = new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1);
        g.heightHint = 160;
        g.widthHint = 640;
        found.setLayoutData(g);
        new Label(c, SWT.NONE).setText("Run on the client (or server):");
        Button copy = new Button(c, SWT.PUSH);
        copy.setText("Copy");
        copy.addListener(SWT.Selection, e -> {
            Clipboard cb = new Clipboard(getShell().getDisplay());
            cb.setContents(new Object[] {commands.getText()}, new Transfer[] {TextTransfer.getInstance()});
            cb.dispose();
        });
        commands = new Text(c, SWT.MULTI | SWT.READ_ONLY | SWT.BORDER);
        commands.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1));
        new Label(c, SWT.NONE).setText("Paste the output here (or add it as a file):");
        new Label(c, SWT.NONE);
        paste = new Text(c, SWT.MULTI | SWT.BORDER | SWT.V_SCROLL);
        GridData pg = new GridData(SWT.FILL, SWT.FILL, true, false, 2, 1);
        pg.heightHint = 70;
        paste.setLayoutData(pg);
        Button add = new Button(c, SWT.PUSH);
        add.setText("Add pasted output");
        add.addListener(SWT.Selection, e -> addPasted(paste.getText()));
        Button file = new Button(c, SWT.PUSH);
        file.setText("Add file...");
        file.addListener(SWT.Selection, e -> {
            String f = new FileDialog(getShell(), SWT.OPEN).open();
            if (f != null) {
                ((TroubleshootingWizard) getWizard()).addFile(section.evidenceKind, Path.of(f));
                refresh();
            }
        });
        setControl(c);
    }

    /** Adds pasted command output as evidence of this section's kind and re-runs the analysis. */
    public void addPasted(String text) {
        if (text != null && !text.isBlank()) {
            ((TroubleshootingWizard) getWizard()).addPasted(section.evidenceKind, text);
            paste.setText("");
            refresh();
        }
    }

    @Override
    public void setVisible(boolean visible) {
        if (visible) {
            refresh();
        }
        super.setVisible(visible);
    }

    private EnvironmentPage environment() {
        return (EnvironmentPage) getWizard().getPage("environment");
    }

    void refresh() {
        Analysis a = TroubleshootingWizard.analysis();
        EnvironmentPage env = environment();
        String host = env.host() != null && !env.host().isBlank() ? env.host() : "<server>";
        commands.setText(section.commands.replace("{host}", host).replace("{port}", Integer.toString(env.port()))
                .replace("{spn}", env.spn().isBlank() ? "HTTP/" + host : env.spn()));
        StringBuilder b = new StringBuilder();
        String failed = null;
        boolean anyOk = false;
        boolean anySeen = false;
        boolean encrypted = false;
        AuthAttempt at = a == null || a.attempts().isEmpty() ? null : a.attempts().get(0);
        if (a != null) {
            for (AuthAttempt x : a.attempts()) {
                if (x.failedStep() != null) {
                    at = x;
                    break;
                }
            }
        }
        if (at != null && !section.steps.isEmpty()) {
            b.append("In the capture (attempt ").append(at.index()).append(", ").append(at.client()).append(" → ")
                    .append(at.server()).append("):\n");
            for (Step s : section.steps) {
                StepResult r = at.step(s);
                if (r == null) {
                    continue;
                }
                b.append("  ").append(mark(r.status())).append(' ').append(s.number()).append(". ").append(s.title())
                        .append(": ").append(r.note()).append(r.frames().isEmpty() ? "" : " (frames " + r.frames() + ")").append('\n');
                anySeen |= r.status() == StepStatus.OK || r.status() == StepStatus.FAILED;
                anyOk |= r.status() == StepStatus.OK;
                encrypted |= r.encrypted();
                if (r.status() == StepStatus.FAILED && failed == null) {
                    failed = s.number() + ". " + s.title() + ": " + r.note();
                }
            }
        }
        int evidenceCount = 0;
        if (a != null) {
            for (EvidenceItem i : a.evidence()) {
                if (section.evidenceSections.contains(i.section())) {
                    if (evidenceCount++ == 0) {
                        b.append("\nFrom the evidence you gave:\n");
                    }
                    if (evidenceCount <= 30) {
                        Object sum = i.fields().get("summary");
                        b.append("  ").append(sum != null ? sum : i.section() + " " + i.fields()).append('\n');
                    }
                }
            }
        }
        StringBuilder findings = new StringBuilder();
        if (a != null) {
            for (Finding f : a.findings()) {
                if (section.findingPrefixes.stream().anyMatch(p -> f.id().startsWith(p))) {
                    findings.append("  ").append(f.severity().id().toUpperCase()).append(' ').append(f.id()).append(": ")
                            .append(f.title()).append("\n    ").append(f.explanation()).append('\n');
                    if (!f.remediation().isEmpty()) {
                        findings.append("    Fix: ").append(String.join(" ; ", f.remediation())).append('\n');
                    }
                }
            }
        }
        if (findings.length() > 0) {
            b.append("\nFindings:\n").append(findings);
        }
        String v;
        if (failed != null) {
            v = "Verdict: this is where it breaks — " + failed;
        } else if (findings.length() > 0) {
            v = "Verdict: see the findings below.";
        } else if (encrypted && !anyOk && evidenceCount == 0) {
            // HTTPS: the step is inside TLS; the browser's key log or the site's Security log answers it
            v = "Verdict: encrypted (HTTPS). Add the browser's TLS key log (SSLKEYLOGFILE) in Preferences > Kerbscope >"
                    + " TLS key logs to read it, or the site's Security log (4624/4625) as evidence.";
        } else if (anyOk || evidenceCount > 0) {
            v = "Verdict: nothing wrong here.";
        } else {
            v = "Verdict: no evidence for this step yet. Run the commands below on the client and paste their output.";
        }
        if (!anySeen && evidenceCount == 0 && failed == null && findings.length() == 0) {
            b.append("Nothing in the capture or the evidence speaks to this step.\n");
        }
        verdict.setText(v);
        found.setText(b.toString());
        verdict.getParent().layout(true);
    }

    private static String mark(StepStatus s) {
        return switch (s) {
            case OK -> "[ok]";
            case FAILED -> "[FAILED]";
            case NOT_SEEN -> "[not seen]";
            case NOT_APPLICABLE -> "[n/a]";
        };
    }

    /** For tests: the verdict line and the text shown. */
    public String verdictText() {
        return verdict.getText();
    }

    public String shownText() {
        return found.getText();
    }

    public String commandsText() {
        return commands.getText();
    }
}
