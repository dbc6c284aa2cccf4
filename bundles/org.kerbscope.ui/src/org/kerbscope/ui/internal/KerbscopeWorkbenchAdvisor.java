package org.kerbscope.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;
import org.kerbscope.ui.Perspective;

/** Opens the Kerbscope perspective; a capture named on the command line is opened at start. */
public final class KerbscopeWorkbenchAdvisor extends WorkbenchAdvisor {
    private final String[] args;

    public KerbscopeWorkbenchAdvisor(String[] args) {
        this.args = args;
    }

    @Override
    public String getInitialWindowPerspectiveId() {
        return Perspective.ID;
    }

    @Override
    public WorkbenchWindowAdvisor createWorkbenchWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
        return new KerbscopeWindowAdvisor(configurer);
    }

    @Override
    public void postStartup() {
        String show = null;
        for (int i = 0; i < args.length; i++) {
            if ("--show".equals(args[i]) && i + 1 < args.length) {
                show = args[++i];
            } else if (!args[i].startsWith("-") && Files.isRegularFile(Path.of(args[i]))) {
                AnalysisService.get().open(Path.of(args[i]), args[i]);
            }
        }
        if (show != null) {
            show(show);
        }
    }

    /**
     * {@code kerbscope CAPTURE --show flow|findings|diagnostics|wizard|record}: starts on that part (the README's screenshots
     * are made this way): the flow of the failing attempt, the first error finding with its evidence frame, the
     * wizard at its ticket page, or the record dialog.
     */
    private void show(String what) {
        var window = org.eclipse.ui.PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        AnalysisService.Listener[] once = new AnalysisService.Listener[1];
        once[0] = a -> {
            if (a == null) {
                // another capture editor became active before the analysis was ready: wait for it
                return;
            }
            AnalysisService.get().removeListener(once[0]);
            try {
                switch (what) {
                    case "flow" -> window.getActivePage().showView(org.kerbscope.ui.Views.FLOW);
                    case "diagnostics" -> window.getActivePage().showView(org.kerbscope.ui.Views.DIAGNOSTICS);
                    case "record" -> {
                        var d = new org.kerbscope.ui.record.RecordDialog(window.getShell());
                        d.setBlockOnOpen(false);
                        d.open();
                    }
                    case "wizard" -> {
                        var w = new org.kerbscope.ui.wizard.TroubleshootingWizard();
                        var d = new org.eclipse.jface.wizard.WizardDialog(window.getShell(), w);
                        d.setBlockOnOpen(false);
                        d.open();
                        if (AnalysisService.get().capture() != null) {
                            w.inputsPage().setCapture(AnalysisService.get().capture().toString());
                        }
                        for (int i = 0; i < 3; i++) {
                            d.showPage(d.getCurrentPage().getNextPage());
                        }
                    }
                    default -> {
                        var findings = (org.kerbscope.ui.views.FindingsView) window.getActivePage()
                                .showView(org.kerbscope.ui.Views.FINDINGS);
                        a.findings().stream().filter(f -> f.severity() == org.kerbscope.core.model.Severity.ERROR)
                                .findFirst().ifPresent(findings::open);
                    }
                }
            } catch (org.eclipse.ui.PartInitException e) {
                org.eclipse.core.runtime.ILog.of(getClass()).error("cannot show " + what, e);
            }
        };
        if (AnalysisService.get().analysis() != null) {
            once[0].analysisChanged(AnalysisService.get().analysis());
        } else {
            AnalysisService.get().addListener(once[0]);
        }
    }
}
