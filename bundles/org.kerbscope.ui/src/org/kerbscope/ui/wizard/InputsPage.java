package org.kerbscope.ui.wizard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.ui.internal.AnalysisService;

/** Page 1: the capture (or a sample) and the outside evidence, as files. */
public final class InputsPage extends WizardPage {
    private Text capture;
    private Text tlsKeylog;
    private final Map<String, Text> evidence = new LinkedHashMap<>();
    private String analyzed = "";

    InputsPage() {
        super("inputs", "What did you gather?", null);
        setDescription("A capture of the failing attempt (the guide's Network Monitor trace), and what else you have.");
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        c.setLayout(new GridLayout(3, false));
        capture = row(c, "Capture (pcapng, pcap, .cap):", true);
        new Label(c, SWT.NONE);
        Button record = new Button(c, SWT.PUSH);
        record.setText(org.kerbscope.ui.internal.Messages.recordOneNow);
        record.setLayoutData(new GridData(SWT.LEFT, SWT.CENTER, false, false, 2, 1));
        record.addListener(SWT.Selection, e -> {
            org.kerbscope.ui.record.RecordDialog d = new org.kerbscope.ui.record.RecordDialog(getShell());
            if (d.open() == org.eclipse.jface.window.Window.OK && d.recorded() != null) {
                capture.setText(d.recorded().toString());
            }
        });
        Path current = AnalysisService.get().capture();
        if (current != null) {
            capture.setText(current.toString());
        }
        evidence.put("klist", row(c, "klist output (optional):", false));
        evidence.put("eventlog", row(c, "Security event log, .evtx or XML (optional):", false));
        evidence.put("dns", row(c, "Resolve-DnsName output (optional):", false));
        evidence.put("port-test", row(c, "Test-NetConnection output (optional):", false));
        // an HTTPS site: the browser's key log opens the encrypted steps (kept in Preferences for later analyses)
        tlsKeylog = row(c, "TLS key log, the browser's SSLKEYLOGFILE (optional):", false);
        Label hint = new Label(c, SWT.WRAP);
        hint.setText("Before recording, the guide has you run on the client: ipconfig /flushdns and klist purge, then open the"
                + " site. Missing pieces can be added on the later pages.");
        GridData gd = new GridData(SWT.FILL, SWT.TOP, true, false, 3, 1);
        gd.widthHint = 600;
        hint.setLayoutData(gd);
        setControl(c);
        validate();
    }

    private Text row(Composite c, String label, boolean required) {
        new Label(c, SWT.NONE).setText(label);
        Text t = new Text(c, SWT.BORDER);
        t.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        t.addListener(SWT.Modify, e -> validate());
        Button b = new Button(c, SWT.PUSH);
        b.setText("Browse...");
        b.addListener(SWT.Selection, e -> {
            FileDialog d = new FileDialog(getShell(), SWT.OPEN);
            String f = d.open();
            if (f != null) {
                t.setText(f);
            }
        });
        return t;
    }

    private void validate() {
        String problem = null;
        String cap = capture.getText().trim();
        if (!cap.isEmpty() && !Files.isRegularFile(Path.of(cap))) {
            problem = "No such capture file: " + cap;
        }
        List<Text> files = new ArrayList<>(evidence.values());
        if (tlsKeylog != null) {
            files.add(tlsKeylog);
        }
        for (Text t : files) {
            String v = t.getText().trim();
            if (!v.isEmpty() && !Files.isRegularFile(Path.of(v))) {
                problem = "No such file: " + v;
            }
        }
        if (cap.isEmpty() && evidence.values().stream().allMatch(t -> t.getText().isBlank())) {
            problem = "Give a capture (or at least one evidence file).";
        }
        setErrorMessage(problem);
        setPageComplete(problem == null);
    }

    /** For tests and for the user: fills the capture field. */
    public void setCapture(String path) {
        capture.setText(path);
    }

    public void setEvidence(String kind, String path) {
        evidence.get(kind).setText(path);
    }

    /** For tests and for the user: fills the TLS key log field. */
    public void setTlsKeylog(String path) {
        tlsKeylog.setText(path);
    }

    @Override
    public boolean canFlipToNextPage() {
        // (the default asks getNextPage(), which must stay cheap: the analysis runs when the next page shows)
        return isPageComplete();
    }

    /** Runs the analysis when what was given changed since the last run (called as the next page shows). */
    void analyzeIfChanged() {
        String key = capture.getText() + evidence.values().stream().map(Text::getText).toList() + tlsKeylog.getText();
        if (!isPageComplete() || key.equals(analyzed)) {
            return;
        }
        analyzed = key;
        if (!tlsKeylog.getText().isBlank()) {
            org.kerbscope.ui.internal.Preferences.addTlsKeylog(Path.of(tlsKeylog.getText().trim()));
        }
        List<EvidenceInput> ev = new ArrayList<>();
        evidence.forEach((kind, t) -> {
            if (!t.getText().isBlank()) {
                ev.add(new EvidenceInput(kind, Path.of(t.getText().trim())));
            }
        });
        String cap = capture.getText().trim();
        ((TroubleshootingWizard) getWizard()).analyze(cap.isEmpty() ? null : Path.of(cap), cap.isEmpty() ? null : cap, ev);
    }
}
