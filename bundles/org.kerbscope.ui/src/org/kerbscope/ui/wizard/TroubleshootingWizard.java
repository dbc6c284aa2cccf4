package org.kerbscope.ui.wizard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.wizard.Wizard;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.report.HtmlReport;
import org.kerbscope.ui.internal.AnalysisService;

/**
 * The guide, interactive: inputs, the environment, then one page per section of "Troubleshoot the authentication
 * workflow" (network connectivity, the ticket on the client, the site with default credentials, the Security
 * event log, other services on the server), and a summary that exports the HTML report. Every page shows what
 * the analysis found for its step, the verdict, and the commands to run; missing evidence can be pasted or
 * added as a file, and the analysis runs again. Cancel loses nothing already imported.
 */
public final class TroubleshootingWizard extends Wizard {
    private final InputsPage inputs = new InputsPage();
    private final EnvironmentPage environment = new EnvironmentPage();
    private final List<GuidePage> guide = new ArrayList<>();
    private final SummaryPage summary = new SummaryPage();

    public TroubleshootingWizard() {
        setWindowTitle("Troubleshoot Kerberos authentication");
        setNeedsProgressMonitor(true);
        guide.add(new GuidePage(GuideSection.CONNECTIVITY));
        guide.add(new GuidePage(GuideSection.TICKET));
        guide.add(new GuidePage(GuideSection.DEFAULT_CREDENTIALS));
        guide.add(new GuidePage(GuideSection.EVENT_LOG));
        guide.add(new GuidePage(GuideSection.OTHER_SERVICES));
    }

    @Override
    public void addPages() {
        addPage(inputs);
        addPage(environment);
        guide.forEach(this::addPage);
        addPage(summary);
    }

    /** The pages in order, for tests that drive the wizard as a user would. */
    public InputsPage inputsPage() {
        return inputs;
    }

    public List<GuidePage> guidePages() {
        return guide;
    }

    public SummaryPage summaryPage() {
        return summary;
    }

    static Analysis analysis() {
        return AnalysisService.get().analysis();
    }

    /** Runs the analysis with the current inputs and waits for it, showing progress in the wizard. */
    void analyze(Path capture, String label, List<EvidenceInput> evidence) {
        try {
            getContainer().run(true, false, monitor -> {
                monitor.beginTask("Analyzing", IProgressMonitorUnknown.UNKNOWN);
                Job job = AnalysisService.get().openWith(capture, label, evidence);
                try {
                    job.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                monitor.done();
            });
        } catch (java.lang.reflect.InvocationTargetException | InterruptedException e) {
            inputs.setErrorMessage("The analysis failed: " + e.getMessage());
        }
    }

    /** Adds pasted text as an evidence file (kept in the workspace, never beside the user's files) and re-runs. */
    void addPasted(String kind, String text) {
        try {
            Path dir = AnalysisService.pastedEvidenceFolder();
            Files.createDirectories(dir);
            Path f = Files.createTempFile(dir, kind + "-", ".txt");
            Files.writeString(f, text);
            List<EvidenceInput> ev = new ArrayList<>(AnalysisService.get().evidence());
            ev.add(new EvidenceInput(kind, f));
            analyze(AnalysisService.get().capture(), AnalysisService.get().label(), ev);
        } catch (IOException e) {
            summary.setErrorMessage("Cannot keep the pasted text: " + e.getMessage());
        }
    }

    void addFile(String kind, Path file) {
        List<EvidenceInput> ev = new ArrayList<>(AnalysisService.get().evidence());
        ev.add(new EvidenceInput(kind, file));
        analyze(AnalysisService.get().capture(), AnalysisService.get().label(), ev);
    }

    /** Writes the HTML report to {@code file}. */
    static void export(Path file) throws IOException {
        Analysis a = analysis();
        if (a != null) {
            Files.writeString(file, HtmlReport.render(a, AnalysisService.options().redact()));
        }
    }

    @Override
    public boolean performFinish() {
        return true;
    }

    /** IProgressMonitor.UNKNOWN, named for readability. */
    private interface IProgressMonitorUnknown {
        int UNKNOWN = org.eclipse.core.runtime.IProgressMonitor.UNKNOWN;
    }
}
