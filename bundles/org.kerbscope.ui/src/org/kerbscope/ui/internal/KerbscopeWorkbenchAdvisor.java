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
        for (String a : args) {
            if (!a.startsWith("-") && Files.isRegularFile(Path.of(a))) {
                AnalysisService.get().open(Path.of(a), a);
                break;
            }
        }
    }
}
