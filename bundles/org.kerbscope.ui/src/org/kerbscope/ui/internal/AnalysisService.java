package org.kerbscope.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.widgets.Display;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;

/**
 * What the workbench shows: the open capture, the evidence added to it, and the analysis the engine computed
 * for them (the same {@link Analyzer} the CLI runs). Views listen; analysis runs in a cancellable Job.
 */
public final class AnalysisService {
    private static final AnalysisService INSTANCE = new AnalysisService();

    /** Told on the UI thread whenever a new analysis is ready (or the capture was closed). */
    public interface Listener {
        void analysisChanged(Analysis analysis);
    }

    /** Told on the UI thread when some view asks to show a frame (a finding's evidence, a flow arrow). */
    public interface FrameListener {
        void frameSelected(long frame);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<FrameListener> frameListeners = new CopyOnWriteArrayList<>();
    private volatile long selectedFrame;
    private final List<EvidenceInput> evidence = new ArrayList<>();
    private volatile Analysis analysis;
    private volatile Path capture;
    private volatile String label;
    private volatile CaptureFile file;
    private Job running;

    public static AnalysisService get() {
        return INSTANCE;
    }

    private AnalysisService() {
        // a plug-in installed into (or removed from) the running workbench changes what the analysis can read
        Registries.platform().addChangeListener(() -> {
            if (capture != null || !evidence.isEmpty()) {
                run();
            }
        });
    }

    public Analysis analysis() {
        return analysis;
    }

    public Path capture() {
        return capture;
    }

    /** The open capture for random access to its frames (the packet list), or null. */
    public CaptureFile file() {
        return file;
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

    /** Shows frame {@code n} in the packet list (call on the UI thread). */
    public static void selectFrame(long n) {
        INSTANCE.selectedFrame = n;
        INSTANCE.frameListeners.forEach(l -> l.frameSelected(n));
    }

    public synchronized void open(Path path, String name) {
        this.capture = path;
        this.label = name;
        CaptureFile old = file;
        file = null;
        if (old != null) {
            try {
                old.close();
            } catch (IOException e) {
                // the old mapping goes away with its last reference
            }
        }
        evidence.clear();
        run();
    }

    /** The capture's name as the user gave it. */
    public String label() {
        return label;
    }

    /** Opens a capture (or none) with exactly this evidence, and returns the analysis job (the wizard waits on it). */
    public synchronized Job openWith(Path path, String name, List<EvidenceInput> ev) {
        if (path != null && !path.equals(capture)) {
            CaptureFile old = file;
            file = null;
            if (old != null) {
                try {
                    old.close();
                } catch (IOException e) {
                    // the old mapping goes away with its last reference
                }
            }
        }
        this.capture = path;
        this.label = name;
        evidence.clear();
        evidence.addAll(ev);
        return run();
    }

    /** Where text pasted into the wizard is kept: the workspace's metadata, never beside the user's own files. */
    public static Path pastedEvidenceFolder() {
        try {
            return Path.of(org.eclipse.core.runtime.Platform.getStateLocation(
                    org.osgi.framework.FrameworkUtil.getBundle(AnalysisService.class)).toFile().toURI()).resolve("pasted");
        } catch (RuntimeException e) {
            return Path.of(System.getProperty("java.io.tmpdir"), "kerbscope-pasted");
        }
    }

    public synchronized void addEvidence(String kind, Path path) {
        evidence.add(new EvidenceInput(kind, path));
        run();
    }

    public synchronized List<EvidenceInput> evidence() {
        return List.copyOf(evidence);
    }

    /** Re-runs the analysis with the current inputs (after preferences or plug-ins changed). */
    public synchronized Job run() {
        if (running != null) {
            running.cancel();
        }
        Path p = capture;
        String name = label;
        List<EvidenceInput> ev = List.copyOf(evidence);
        Job job = new Job(NLS.bind(Messages.analyzing, name != null ? name : "evidence")) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask(getName(), 1000);
                try {
                    CaptureFile f = p != null ? CaptureFile.open(p) : null;
                    Analyzer analyzer = new Analyzer(Registries.platform(), Preferences.options());
                    Analysis a = analyzer.analyze(p, name, ev, new Progress() {
                        long last;

                        @Override
                        public void worked(long frames, long total) {
                            monitor.subTask(frames + " frames");
                            long pos = Math.min(1000, frames / 1000);
                            if (pos > last) {
                                monitor.worked((int) (pos - last));
                                last = pos;
                            }
                        }

                        @Override
                        public boolean cancelled() {
                            return monitor.isCanceled();
                        }
                    });
                    if (monitor.isCanceled()) {
                        if (f != null) {
                            f.close();
                        }
                        return Status.CANCEL_STATUS;
                    }
                    publish(a, f);
                    return Status.OK_STATUS;
                } catch (IOException e) {
                    return Status.error(NLS.bind(Messages.cannotOpen, name, e.getMessage()));
                } finally {
                    monitor.done();
                }
            }
        };
        job.setUser(true);
        running = job;
        job.schedule();
        return job;
    }

    private void publish(Analysis a, CaptureFile f) {
        analysis = a;
        file = f;
        Display d = Display.getDefault();
        d.asyncExec(() -> listeners.forEach(l -> l.analysisChanged(a)));
    }

    /** For tests and the CLI-equivalence check: the options in force. */
    public static AnalysisOptions options() {
        return Preferences.options();
    }
}
