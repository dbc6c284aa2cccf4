package org.kerbscope.ui.internal;

import org.eclipse.core.runtime.Platform;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.ui.IWorkbenchWindow;
import org.kerbscope.core.registry.Contribution;
import org.kerbscope.core.registry.Registries;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/** Help > About Kerbscope: version, the installed Kerbscope plug-ins, and any contribution that failed. */
public final class AboutAction extends Action {
    private final IWorkbenchWindow window;

    AboutAction(IWorkbenchWindow window) {
        super("&About Kerbscope");
        this.window = window;
        setId("org.kerbscope.ui.about");
    }

    /** The About text: version, installed Kerbscope plug-ins, failed contributions. */
    public static String text() {
        Bundle self = FrameworkUtil.getBundle(AboutAction.class);
        StringBuilder b = new StringBuilder("Kerbscope ").append(self != null ? self.getVersion() : "")
                .append("\nTroubleshoots Kerberos / Negotiate authentication from captures and Windows evidence.\n\nInstalled plug-ins:\n");
        if (self != null) {
            for (Bundle x : self.getBundleContext().getBundles()) {
                if (x.getSymbolicName() != null && x.getSymbolicName().startsWith("org.kerbscope.")) {
                    b.append("  ").append(x.getSymbolicName()).append(' ').append(x.getVersion()).append('\n');
                }
            }
        }
        var broken = Registries.platform().broken();
        if (!broken.isEmpty()) {
            b.append("\nContributions that failed and are skipped:\n");
            for (Contribution<?> c : broken) {
                b.append("  ").append(c).append(": ").append(c.failure()).append('\n');
            }
        }
        b.append("\nJava ").append(System.getProperty("java.version")).append(", ").append(Platform.getOS()).append('/')
                .append(Platform.getOSArch());
        return b.toString();
    }

    @Override
    public void run() {
        MessageDialog.openInformation(window.getShell(), "About Kerbscope", text());
    }
}
