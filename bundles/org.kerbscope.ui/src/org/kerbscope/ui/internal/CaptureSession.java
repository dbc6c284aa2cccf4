package org.kerbscope.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.widgets.Display;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.FrameIndex;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.ConversationSpans;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;

/**
 * One open capture (or evidence without a capture, from the wizard): the file, the evidence added to it, and the
 * analysis the engine computed for them. Loading runs in a cancellable Job in two phases: the frame index first,
 * so that the packet list shows every row while the (slower) analysis still runs, then the analysis.
 */
public final class CaptureSession {

    /** Told on the UI thread when the frames can be listed, and when an analysis is ready or failed. */
    public interface Listener {
        void fileReady(CaptureSession session);

        void analysisReady(CaptureSession session);
    }

    private final Path path;
    private volatile String label;
    private final List<EvidenceInput> evidence = new ArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile CaptureFile file;
    private volatile Analysis analysis;
    /** {@link #analysis}' events by frame, for the packet list. */
    private volatile FrameEvents frameEvents;
    /** The analyzer that made {@link #analysis}, with its options: frame details are dissected as it read. */
    private volatile Analyzer analyzer;
    /** The analysis being made, and the spans it fills as it reads: frame details before it has finished. */
    private volatile Analyzer reading;
    private volatile ConversationSpans readSoFar;
    private volatile String problem;
    private volatile long analysedFrames;
    private volatile boolean loading;
    private long loadedModified = -1;
    private long loadedSize = -1;
    private Job running;
    private boolean closed;

    /** When the session was made (the user opened the capture), for {@link Timing}. */
    private final long opened = System.nanoTime();

    CaptureSession(Path path, String label) {
        this.path = path;
        this.label = label;
    }

    /** The capture file, or null for evidence alone. */
    public Path path() {
        return path;
    }

    /** The capture's name as the user gave it. */
    public String label() {
        return label;
    }

    void setLabel(String label) {
        this.label = label;
    }

    /** The open capture for random access to its frames (the packet list), or null until indexed. */
    public CaptureFile file() {
        return file;
    }

    /** The latest analysis, or null before the first one finished. */
    public Analysis analysis() {
        return analysis;
    }

    /** Why the capture could not be read (a sentence), or null. */
    public String problem() {
        return problem;
    }

    /** Frames the running analysis has read so far (the packet list's tests watch the loader with it). */
    public long analysedFrames() {
        return analysedFrames;
    }

    /** The analysis' events by frame (with {@link #analysis()}), or null. */
    public FrameEvents frameEvents() {
        return frameEvents;
    }

    /** {@link System#nanoTime()} when the capture was opened. */
    public long openedNanos() {
        return opened;
    }

    /** True while the index or the analysis is being computed. */
    public boolean loading() {
        return loading;
    }

    public synchronized List<EvidenceInput> evidence() {
        return List.copyOf(evidence);
    }

    synchronized void setEvidence(List<EvidenceInput> ev) {
        evidence.clear();
        evidence.addAll(ev);
    }

    synchronized void addEvidence(EvidenceInput in) {
        evidence.add(in);
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** True when the file on disk is not the one last read (a recording written again under the same name). */
    synchronized boolean changedOnDisk() {
        if (path == null || file == null) {
            return false;
        }
        try {
            return Files.getLastModifiedTime(path).toMillis() != loadedModified || Files.size(path) != loadedSize;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * (Re)reads the capture — its index only when {@code reindex} or not read yet — and analyses it with the
     * current evidence and preferences. A load still running is cancelled first.
     *
     * @return the Job (the wizard waits on it)
     */
    public synchronized Job load(boolean reindex) {
        if (running != null) {
            running.cancel();
        }
        boolean index = path != null && (reindex || file == null || !file.indexed());
        String name = label != null ? label : Messages.evidenceOnly;
        List<EvidenceInput> ev = List.copyOf(evidence);
        Job job = new Job(NLS.bind(Messages.analyzing, name)) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask(getName(), 1000);
                try {
                    if (index) {
                        monitor.subTask(Messages.indexing);
                        long modified = Files.getLastModifiedTime(path).toMillis();
                        long size = Files.size(path);
                        CaptureFile f = CaptureFile.open(path);
                        // listed at once: the packet list shows the frames indexed so far while the pass goes on
                        swapFile(f, modified, size);
                        long started = System.nanoTime();
                        FrameIndex idx = f.index(() -> {
                            FrameIndex so = f.indexSoFar();
                            monitor.subTask(NLS.bind(Messages.framesIndexed, so != null ? so.size() : 0));
                            return monitor.isCanceled();
                        });
                        if (idx == null) {
                            return Status.CANCEL_STATUS;
                        }
                        Timing.print("%s: indexed %d frames in %.2f s (%.2f s after it was opened)", name, idx.size(),
                                Timing.since(started), Timing.since(opened));
                        announce(true);
                    }
                    monitor.worked(100);
                    ConversationSpans live = ConversationSpans.filling();
                    Analyzer analyzer = new Analyzer(Registries.platform(), Preferences.options()).keepSpansIn(live);
                    synchronized (CaptureSession.this) {
                        reading = analyzer;
                        readSoFar = live;
                    }
                    long total = file != null ? Math.max(1, file.index().size()) : 1;
                    analysedFrames = 0;
                    Progress progress = new Progress() {
                        long last;

                        @Override
                        public void worked(long frames, long size) {
                            analysedFrames = frames;
                            monitor.subTask(NLS.bind(Messages.framesRead, frames, total));
                            long pos = Math.min(900, frames * 900 / total);
                            if (pos > last) {
                                monitor.worked((int) (pos - last));
                                last = pos;
                            }
                        }

                        @Override
                        public boolean cancelled() {
                            return monitor.isCanceled();
                        }
                    };
                    // the file the list shows, when there is one: mapped (and decompressed) once
                    CaptureFile listed = file;
                    Analysis a = listed != null ? analyzer.analyzeOpen(listed, name, ev, progress)
                            : analyzer.analyze(path, name, ev, progress);
                    if (monitor.isCanceled()) {
                        return Status.CANCEL_STATUS;
                    }
                    problem = null;
                    FrameEvents fe = FrameEvents.of(a);
                    synchronized (CaptureSession.this) {
                        CaptureSession.this.analyzer = analyzer;
                        frameEvents = fe;
                        analysis = a;
                    }
                    Timing.print("%s: analysed %d frames, %d attempts, %d findings (%.2f s after it was opened)", name,
                            a.capture() != null ? a.capture().frames() : 0, a.attempts().size(), a.findings().size(),
                            Timing.since(opened));
                    announce(false);
                    return Status.OK_STATUS;
                } catch (IOException e) {
                    problem = NLS.bind(Messages.cannotOpen, name, e.getMessage());
                    announce(false);
                    return Status.error(problem);
                } finally {
                    monitor.done();
                }
            }
        };
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                ended(event.getJob(), event.getResult());
            }
        });
        job.setUser(true);
        running = job;
        loading = true;
        problem = null;
        job.schedule();
        return job;
    }

    /**
     * A load ended (also one cancelled before it started). When it was cancelled and no newer load replaced it, the
     * editor says so; a newer load speaks for itself.
     */
    private void ended(Job job, IStatus result) {
        boolean tell;
        synchronized (this) {
            if (running != job) {
                return;
            }
            loading = false;
            tell = result != null && result.getSeverity() == IStatus.CANCEL && !closed;
            if (tell) {
                problem = Messages.analysisCancelled;
            }
        }
        if (tell) {
            announce(false);
        }
    }

    private synchronized void swapFile(CaptureFile f, long modified, long size) throws IOException {
        if (closed) {
            f.close();
            return;
        }
        CaptureFile old = file;
        file = f;
        loadedModified = modified;
        loadedSize = size;
        if (old != null) {
            // frames already handed out stay readable until the garbage collector unmaps them
            old.close();
        }
        announce(true);
    }

    private void announce(boolean fileReady) {
        Display d = Display.getDefault();
        d.asyncExec(() -> {
            for (Listener l : listeners) {
                if (fileReady) {
                    l.fileReady(this);
                } else {
                    l.analysisReady(this);
                }
            }
        });
    }

    /**
     * The dissection tree of frame {@code n} (for the details pane; call it off the UI thread), or null when no
     * dissector read anything in it. Only the frame's conversation is read again, from where it starts, once the
     * analysis has read that frame (also while it still runs); before that, the capture up to the frame.
     */
    public org.kerbscope.core.model.FieldNode tree(long n) throws IOException {
        return tree(n, () -> false);
    }

    /**
     * Whether the details of frame {@code n} wait for the running analysis to reach it (see
     * {@link #tree(long, java.util.function.BooleanSupplier)}); the details pane says so meanwhile.
     */
    public boolean awaitsAnalysis(long n) {
        ConversationSpans live;
        synchronized (this) {
            live = reading != null && reading != analyzer ? readSoFar : null;
        }
        return live != null && live.worthAwaiting(n);
    }

    /**
     * {@link #tree(long)}, giving up (null) when {@code cancelled} says so. A frame the running analysis has not
     * read yet is waited for when it is at least half way there, else read from the first frame (see
     * {@code Analyzer.dissect(CaptureFile, long, ConversationSpans, BooleanSupplier)}).
     */
    public org.kerbscope.core.model.FieldNode tree(long n, java.util.function.BooleanSupplier cancelled)
            throws IOException {
        CaptureFile f;
        Analyzer an, running;
        Analysis a;
        ConversationSpans live;
        synchronized (this) {
            f = file;
            an = analyzer;
            a = analysis;
            running = reading;
            live = readSoFar;
        }
        if (f == null) {
            return null;
        }
        if (an != null && a != null && (running == null || running == an)) {
            return an.dissect(f, n, a);
        }
        if (running != null) {
            return running.dissect(f, n, live, cancelled); // the frames the running analysis has read: spans final
        }
        return new Analyzer(Registries.platform(), Preferences.options()).dissect(f, n, null, cancelled);
    }

    /** Stops loading and releases the file (its editor closed). */
    synchronized void close() {
        closed = true;
        if (running != null) {
            running.cancel();
        }
        CaptureFile f = file;
        if (f != null) {
            try {
                f.close();
            } catch (IOException e) {
                // the mapping goes away with its last reference
            }
        }
    }

    @Override
    public String toString() {
        return label != null ? label : String.valueOf(path);
    }
}
