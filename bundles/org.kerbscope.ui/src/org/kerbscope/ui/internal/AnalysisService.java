package org.kerbscope.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.ui.editors.CaptureEditor;
import org.kerbscope.ui.editors.CaptureEditorInput;

/**
 * What the workbench shows: the open captures (one {@link CaptureSession} per capture editor) and which one is
 * active. The Flow, Findings and Evidence views follow the active editor's analysis through {@link Listener}; the
 * wizard's evidence without a capture is a session of its own. Loading and analysis run in cancellable Jobs.
 */
public final class AnalysisService implements CaptureSession.Listener {
    private static final AnalysisService INSTANCE = new AnalysisService();

    /** Told on the UI thread whenever the active analysis changed (a new one is ready, or another editor is active). */
    public interface Listener {
        void analysisChanged(Analysis analysis);
    }

    /** Told on the UI thread when some view asks to show a frame (a finding's evidence, a flow arrow). */
    public interface FrameListener {
        void frameSelected(long frame);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<FrameListener> frameListeners = new CopyOnWriteArrayList<>();
    private final List<CaptureSession> sessions = new CopyOnWriteArrayList<>();
    private volatile CaptureSession active;
    private volatile long selectedFrame;

    public static AnalysisService get() {
        return INSTANCE;
    }

    private AnalysisService() {
        // a plug-in installed into (or removed from) the running workbench changes what the analysis can read
        Registries.platform().addChangeListener(this::run);
    }

    /** The session of the active capture editor (or of the wizard's evidence), or null. */
    public CaptureSession active() {
        return active;
    }

    public Analysis analysis() {
        CaptureSession s = active;
        return s != null ? s.analysis() : null;
    }

    public Path capture() {
        CaptureSession s = active;
        return s != null ? s.path() : null;
    }

    /** The active capture for random access to its frames, or null. */
    public CaptureFile file() {
        CaptureSession s = active;
        return s != null ? s.file() : null;
    }

    /** The active capture's name as the user gave it. */
    public String label() {
        CaptureSession s = active;
        return s != null ? s.label() : null;
    }

    public List<EvidenceInput> evidence() {
        CaptureSession s = active;
        return s != null ? s.evidence() : List.of();
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    public void addFrameListener(FrameListener l) {
        frameListeners.add(l);
    }

    public void removeFrameListener(FrameListener l) {
        frameListeners.remove(l);
    }

    public long selectedFrame() {
        return selectedFrame;
    }

    /** Shows frame {@code n} of the active capture in its editor (call on the UI thread). */
    public static void selectFrame(long n) {
        INSTANCE.selectedFrame = n;
        INSTANCE.frameListeners.forEach(l -> l.frameSelected(n));
    }

    /** The session of {@code path}, made when none is open yet (the capture editor asks for it). */
    public synchronized CaptureSession session(Path file, String label) {
        Path path = file != null ? file.toAbsolutePath().normalize() : null;
        for (CaptureSession s : sessions) {
            if (path != null && path.equals(s.path())) {
                return s;
            }
        }
        CaptureSession s = new CaptureSession(path, label);
        s.addListener(this);
        sessions.add(s);
        return s;
    }

    /** The open sessions (one per capture editor, and the wizard's evidence-only one). */
    public List<CaptureSession> sessions() {
        return List.copyOf(sessions);
    }

    /** The capture editor closed: its file is released, and the views follow the next active editor. */
    public void closed(CaptureSession s) {
        sessions.remove(s);
        s.removeListener(this);
        s.close();
        if (active == s) {
            setActive(null);
        }
    }

    /** Makes {@code s} the session the views show (an editor was activated), and tells them. */
    public void setActive(CaptureSession s) {
        if (active == s) {
            return;
        }
        active = s;
        fire();
    }

    private void fire() {
        Analysis a = analysis();
        listeners.forEach(l -> l.analysisChanged(a));
    }

    @Override
    public void fileReady(CaptureSession session) {
        // the editor lists the frames itself; the views wait for the analysis
    }

    @Override
    public void analysisReady(CaptureSession session) {
        if (session == active) {
            fire();
        }
    }

    /**
     * Opens a capture in a capture editor (File > Open, drag and drop, samples, recent files, a recording) and
     * analyses it. A capture already open is brought to the front, read again only if the file changed since.
     */
    public void open(Path path, String name) {
        onUi(() -> {
            CaptureSession s = session(path, name);
            // not read yet, or its last load failed or was cancelled
            boolean fresh = !s.loading() && s.analysis() == null;
            boolean changed = s.changedOnDisk();
            if (fresh || changed) {
                s.setEvidence(List.of());
                s.load(true);
            }
            showEditor(s);
            RecentCaptures.add(path);
            if (!fresh && !changed && active == s) {
                fire();
            }
            setActive(s);
        });
    }

    /** Opens a capture (or none) with exactly this evidence, and returns the analysis job (the wizard waits on it). */
    public Job openWith(Path path, String name, List<EvidenceInput> ev) {
        AtomicReference<Job> job = new AtomicReference<>();
        onUi(() -> {
            CaptureSession s;
            if (path != null) {
                s = session(path, name);
            } else {
                s = evidenceSession();
            }
            s.setLabel(name);
            s.setEvidence(ev);
            job.set(s.load(s.changedOnDisk()));
            if (path != null) {
                showEditor(s);
                RecentCaptures.add(path);
            }
            setActive(s);
        });
        return job.get();
    }

    /** The session that holds evidence given without a capture (the wizard, File > Add Evidence with no capture). */
    private synchronized CaptureSession evidenceSession() {
        for (CaptureSession s : sessions) {
            if (s.path() == null) {
                return s;
            }
        }
        return session(null, null);
    }

    /** Where text pasted into the wizard is kept: the workspace's metadata, never beside the user's own files. */
    public static Path pastedEvidenceFolder() {
        return stateFolder("pasted");
    }

    /** A folder of the workspace's metadata (recordings, pasted evidence), or of the temporary folder. */
    public static Path stateFolder(String name) {
        try {
            return Path.of(org.eclipse.core.runtime.Platform.getStateLocation(
                    org.osgi.framework.FrameworkUtil.getBundle(AnalysisService.class)).toFile().toURI()).resolve(name);
        } catch (RuntimeException e) {
            return Path.of(System.getProperty("java.io.tmpdir"), "kerbscope-" + name);
        }
    }

    /** Adds an evidence file to the active capture (or to the evidence without a capture) and analyses again. */
    public void addEvidence(String kind, Path path) {
        onUi(() -> {
            CaptureSession s = active != null ? active : evidenceSession();
            s.addEvidence(new EvidenceInput(kind, path));
            s.load(false);
            setActive(s);
        });
    }

    /** Re-runs every open analysis with the current inputs (after preferences or plug-ins changed). */
    public Job run() {
        Job activeJob = null;
        for (CaptureSession s : sessions) {
            Job j = s.load(false);
            if (s == active) {
                activeJob = j;
            }
        }
        return activeJob;
    }

    /** For tests and the CLI-equivalence check: the options in force. */
    public static AnalysisOptions options() {
        return Preferences.options();
    }

    private static void showEditor(CaptureSession s) {
        if (!PlatformUI.isWorkbenchRunning()) {
            return;
        }
        IWorkbenchWindow w = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        if (w == null && PlatformUI.getWorkbench().getWorkbenchWindowCount() > 0) {
            w = PlatformUI.getWorkbench().getWorkbenchWindows()[0];
        }
        IWorkbenchPage page = w != null ? w.getActivePage() : null;
        if (page == null) {
            return;
        }
        try {
            page.openEditor(new CaptureEditorInput(s.path(), s.label()), CaptureEditor.ID, true);
        } catch (PartInitException e) {
            org.eclipse.core.runtime.ILog.of(AnalysisService.class).error("cannot open the capture editor", e);
        }
    }

    private static void onUi(Runnable r) {
        Display d = Display.getDefault();
        if (Display.getCurrent() == d) {
            r.run();
        } else {
            List<RuntimeException> failure = new ArrayList<>(1);
            d.syncExec(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    failure.add(e);
                }
            });
            if (!failure.isEmpty()) {
                throw failure.get(0);
            }
        }
    }
}
