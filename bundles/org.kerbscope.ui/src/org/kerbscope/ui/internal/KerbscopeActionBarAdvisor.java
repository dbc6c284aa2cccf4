package org.kerbscope.ui.internal;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.GroupMarker;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.ICoolBarManager;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.action.ToolBarManager;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchActionConstants;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.actions.ContributionItemFactory;
import org.eclipse.ui.application.ActionBarAdvisor;
import org.eclipse.ui.application.IActionBarConfigurer;
import org.eclipse.ui.dialogs.ElementListSelectionDialog;
import org.eclipse.jface.viewers.LabelProvider;

/** Menus: File (open capture, sample, evidence, record, recent captures), Window (views, reset perspective, preferences), Help (About, p2's install items). */
final class KerbscopeActionBarAdvisor extends ActionBarAdvisor {
    private IAction open, openSample, addEvidence, record, wizard, exit, prefs, about, resetPerspective;
    private IWorkbenchWindow window;

    KerbscopeActionBarAdvisor(IActionBarConfigurer configurer) {
        super(configurer);
    }

    @Override
    protected void makeActions(IWorkbenchWindow w) {
        this.window = w;
        open = new Action(Messages.openCapture) {
            @Override
            public void run() {
                FileDialog d = new FileDialog(shell(), SWT.OPEN);
                d.setFilterExtensions(new String[] {"*.pcapng;*.pcap;*.cap;*.snoop;*.pcapng.gz;*.pcap.gz;*.cap.gz;*.pcapng.zst;*.pcap.zst;*.pcapng.lz4;*.pcap.lz4", "*.*"});
                d.setFilterNames(new String[] {"Captures (pcapng, pcap, Network Monitor, snoop; also gzip-compressed)", "All files"});
                String f = d.open();
                if (f != null) {
                    AnalysisService.get().open(Path.of(f), f);
                }
            }
        };
        open.setId("org.kerbscope.ui.open");
        open.setActionDefinitionId("org.kerbscope.ui.open");
        openSample = new Action(Messages.openSample) {
            @Override
            public void run() {
                openSample(shell());
            }
        };
        openSample.setId("org.kerbscope.ui.openSample");
        addEvidence = new Action(Messages.addEvidence) {
            @Override
            public void run() {
                FileDialog d = new FileDialog(shell(), SWT.OPEN | SWT.MULTI);
                d.setFilterExtensions(new String[] {"*.evtx;*.xml;*.txt;*.log", "*.*"});
                if (d.open() != null) {
                    for (String n : d.getFileNames()) {
                        AnalysisService.get().addEvidence(null, Path.of(d.getFilterPath(), n));
                    }
                }
            }
        };
        addEvidence.setId("org.kerbscope.ui.addEvidence");
        record = new Action(Messages.record) {
            @Override
            public void run() {
                org.kerbscope.ui.record.RecordDialog.recordAndOpen(shell());
            }
        };
        record.setId("org.kerbscope.ui.record");
        record.setToolTipText(Messages.recordTitle);
        wizard = new Action("&Troubleshoot...") {
            @Override
            public void run() {
                new org.eclipse.jface.wizard.WizardDialog(shell(), new org.kerbscope.ui.wizard.TroubleshootingWizard()).open();
            }
        };
        wizard.setId("org.kerbscope.ui.wizard");
        exit = ActionFactory.QUIT.create(w);
        prefs = ActionFactory.PREFERENCES.create(w);
        // a workspace keeps its layout: views added by a newer version (or closed by the user) come back with a reset
        resetPerspective = ActionFactory.RESET_PERSPECTIVE.create(w);
        about = new AboutAction(w);
        register(open); // its key binding (plugin.xml) runs it
        register(exit);
        register(prefs);
        register(resetPerspective);

    }

    private Shell shell() {
        return window.getShell();
    }

    /** File > Open Sample…: the lab's scenario captures. */
    static void openSample(Shell shell) {
        List<String> names = SampleCatalog.names();
        if (names.isEmpty()) {
            MessageDialog.openInformation(shell, "Kerbscope", Messages.noSamples);
            return;
        }
        ElementListSelectionDialog d = new ElementListSelectionDialog(shell, new LabelProvider() {
            @Override
            public String getText(Object element) {
                return SampleCatalog.describe((String) element);
            }
        });
        d.setTitle("Open Sample");
        d.setMessage("A lab scenario recorded with a real KDC, DNS and web server:");
        d.setElements(names.toArray());
        d.setMultipleSelection(false);
        if (d.open() == Window.OK && d.getFirstResult() instanceof String name) {
            Path p = SampleCatalog.find(name);
            if (p != null) {
                AnalysisService.get().open(p, name + ".pcapng");
            }
        }
    }

    @Override
    protected void fillMenuBar(IMenuManager menuBar) {
        MenuManager file = new MenuManager("&File", IWorkbenchActionConstants.M_FILE);
        file.add(open);
        file.add(openSample);
        file.add(addEvidence);
        file.add(record);
        file.add(new Separator());
        file.add(wizard);
        file.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
        file.add(new Separator("recent"));
        file.add(new RecentCaptures.MenuItems(this::shell));
        file.add(new Separator());
        file.add(exit);
        MenuManager win = new MenuManager("&Window", IWorkbenchActionConstants.M_WINDOW);
        MenuManager show = new MenuManager("Show &View");
        show.add(ContributionItemFactory.VIEWS_SHORTLIST.create(window));
        win.add(show);
        win.add(resetPerspective);
        win.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
        win.add(new Separator());
        win.add(prefs);
        MenuManager help = new MenuManager("&Help", IWorkbenchActionConstants.M_HELP);
        help.add(new GroupMarker(IWorkbenchActionConstants.HELP_START));
        help.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
        help.add(new GroupMarker(IWorkbenchActionConstants.HELP_END));
        help.add(new Separator());
        help.add(about);
        menuBar.add(file);
        menuBar.add(win);
        menuBar.add(help);
    }

    @Override
    protected void fillCoolBar(ICoolBarManager coolBar) {
        ToolBarManager tb = new ToolBarManager(SWT.FLAT | SWT.RIGHT);
        tb.add(open);
        tb.add(openSample);
        tb.add(addEvidence);
        tb.add(record);
        tb.add(wizard);
        coolBar.add(tb);
    }
}
