package org.kerbscope.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.ActionContributionItem;
import org.eclipse.jface.action.IContributionItem;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.actions.CompoundContributionItem;
import org.osgi.service.prefs.BackingStoreException;

/**
 * The captures opened last, newest first, kept in the UI bundle's preferences, and the File menu's list of them:
 * a click opens the capture again; one that no longer exists is explained and dropped from the list.
 */
public final class RecentCaptures {
    static final String KEY = "recentCaptures";
    /** How many the File menu lists. */
    public static final int MAX = 8;

    private RecentCaptures() {
    }

    /** The recent captures, newest first. */
    public static List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (String s : Preferences.node().get(KEY, "").split("\n")) {
            if (!s.isBlank()) {
                try {
                    out.add(Path.of(s));
                } catch (java.nio.file.InvalidPathException e) {
                    // a path from another system: not listed
                }
            }
        }
        return out;
    }

    /** Puts {@code p} first (an opened capture). */
    public static synchronized void add(Path p) {
        if (p == null) {
            return;
        }
        Path abs = p.toAbsolutePath().normalize();
        List<Path> l = list();
        l.remove(abs);
        l.add(0, abs);
        save(l.subList(0, Math.min(MAX, l.size())));
    }

    public static synchronized void remove(Path p) {
        List<Path> l = list();
        l.remove(p);
        save(l);
    }

    private static void save(List<Path> l) {
        var n = Preferences.node();
        n.put(KEY, String.join("\n", l.stream().map(Path::toString).toList()));
        try {
            n.flush();
        } catch (BackingStoreException e) {
            // kept in memory for this session; the next change tries again
        }
    }

    /** Opens a recent capture, or says it is gone and drops it from the list. */
    static void reopen(Shell shell, Path p) {
        if (!Files.isRegularFile(p)) {
            remove(p);
            MessageDialog.openInformation(shell, Messages.recentTitle, NLS.bind(Messages.recentMissing, p));
            return;
        }
        AnalysisService.get().open(p, p.toString());
    }

    /** The File menu's entries, made again each time the menu opens. */
    static final class MenuItems extends CompoundContributionItem {
        private final java.util.function.Supplier<Shell> shell;

        MenuItems(java.util.function.Supplier<Shell> shell) {
            super("org.kerbscope.ui.recentCaptures");
            this.shell = shell;
        }

        @Override
        protected IContributionItem[] getContributionItems() {
            List<Path> l = list();
            IContributionItem[] items = new IContributionItem[l.size()];
            for (int i = 0; i < l.size(); i++) {
                Path p = l.get(i);
                String name = String.valueOf(p.getFileName()).replace("&", "&&");
                Path dir = p.getParent();
                Action a = new Action("&" + (i + 1) + " " + name + (dir != null ? "  [" + dir.toString().replace("&", "&&") + "]" : "")) {
                    @Override
                    public void run() {
                        reopen(shell.get(), p);
                    }
                };
                a.setToolTipText(p.toString());
                items[i] = new ActionContributionItem(a);
            }
            return items;
        }
    }
}
