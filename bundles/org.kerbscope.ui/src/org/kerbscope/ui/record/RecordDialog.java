package org.kerbscope.ui.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.kerbscope.capture.live.CaptureInterface;
import org.kerbscope.capture.live.LiveCapture;
import org.kerbscope.capture.live.LiveCaptureException;
import org.kerbscope.capture.live.LiveCaptureListener;
import org.kerbscope.core.model.Frame;
import org.kerbscope.ui.internal.AnalysisService;
import org.kerbscope.ui.internal.Messages;

/**
 * File > Record...: the guide's Network Monitor step. Shows the commands to run on the client first (with a Copy
 * button), lists the interfaces libpcap can open, takes a BPF filter (the ports Kerbscope understands by default)
 * and an output file (a new file in the workspace by default; an existing file is replaced only when the user
 * says so). Start records in a Job that counts the packets; Stop closes the file and the dialog, and the caller
 * opens the capture. Without the capture privilege the dialog says what the live capture API says to do (root,
 * setcap, Npcap), never a stack trace.
 */
public final class RecordDialog extends TitleAreaDialog {
    /** The commands the guide has the user run on the client before recording. */
    public static final String PREPARATION = "ipconfig /flushdns" + System.lineSeparator() + "klist purge";
    static final int START = IDialogConstants.CLIENT_ID + 1;
    static final int STOP = IDialogConstants.CLIENT_ID + 2;

    /** A recording under way. */
    public interface Recording {
        long frames();

        boolean running();

        /** Stops and closes the file (waits for the capture thread). */
        void stop();

        /** What ended the recording unasked, or null. */
        Exception failure();
    }

    /** What the dialog records with: the live capture API (tests give a stand-in to play a machine without privilege). */
    public interface Backend {
        List<CaptureInterface> interfaces() throws LiveCaptureException;

        Recording start(String iface, String filter, Path output) throws LiveCaptureException;
    }

    /** The real one: pcap4j through {@link LiveCapture}. */
    public static final Backend LIVE = new Backend() {
        @Override
        public List<CaptureInterface> interfaces() throws LiveCaptureException {
            return LiveCapture.interfaces();
        }

        @Override
        public Recording start(String iface, String filter, Path output) throws LiveCaptureException {
            Exception[] failure = new Exception[1];
            LiveCapture c = LiveCapture.start(iface, filter, output, new LiveCaptureListener() {
                @Override
                public void frame(Frame frame) {
                    // counted by LiveCapture.frames()
                }

                @Override
                public void stopped(Exception error) {
                    failure[0] = error;
                }
            });
            return new Recording() {
                @Override
                public long frames() {
                    return c.frames();
                }

                @Override
                public boolean running() {
                    return c.running();
                }

                @Override
                public void stop() {
                    c.stop();
                }

                @Override
                public Exception failure() {
                    return failure[0];
                }
            };
        }
    };

    private final Backend backend;
    private List<CaptureInterface> interfaces = List.of();
    private Table ifaceTable;
    private Text filter;
    private Text output;
    private Label state;
    private Text problem;
    private Recording recording;
    private Job job;
    private volatile boolean stopRequested;
    private Path recordingTo;
    private Path recorded;
    private boolean confirmedReplace;

    public RecordDialog(Shell parent) {
        this(parent, LIVE);
    }

    public RecordDialog(Shell parent, Backend backend) {
        super(parent);
        this.backend = backend;
        setShellStyle(getShellStyle() | SWT.RESIZE);
    }

    /** Records with the user and opens what was recorded in the capture editor. */
    public static void recordAndOpen(Shell shell) {
        RecordDialog d = new RecordDialog(shell);
        if (d.open() == OK && d.recorded() != null) {
            AnalysisService.get().open(d.recorded(), d.recorded().toString());
        }
    }

    /** The capture written, once stopped; null when cancelled. */
    public Path recorded() {
        return recorded;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(Messages.recordTitle);
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        setTitle(Messages.recordTitle);
        setMessage(Messages.recordMessage);
        Composite c = new Composite(area, SWT.NONE);
        c.setLayout(new GridLayout(3, false));
        c.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));

        Group prep = new Group(c, SWT.NONE);
        prep.setText(Messages.recordPrepareTitle);
        prep.setLayout(new GridLayout(2, false));
        prep.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 3, 1));
        Label how = new Label(prep, SWT.WRAP);
        how.setText(Messages.recordPrepare);
        GridData hw = new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1);
        hw.widthHint = 560;
        how.setLayoutData(hw);
        Text commands = new Text(prep, SWT.MULTI | SWT.READ_ONLY | SWT.BORDER);
        commands.setText(PREPARATION);
        commands.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        commands.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        Button copy = new Button(prep, SWT.PUSH);
        copy.setText(Messages.recordCopy);
        copy.setLayoutData(new GridData(SWT.LEFT, SWT.TOP, false, false));
        copy.addListener(SWT.Selection, e -> copy(PREPARATION));

        Label il = new Label(c, SWT.NONE);
        il.setText(Messages.recordInterface);
        il.setLayoutData(new GridData(SWT.LEFT, SWT.TOP, false, false));
        ifaceTable = new Table(c, SWT.SINGLE | SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL);
        GridData tg = new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1);
        tg.heightHint = 110;
        ifaceTable.setLayoutData(tg);
        new Label(c, SWT.NONE).setText(Messages.recordFilter);
        filter = new Text(c, SWT.BORDER);
        filter.setText(LiveCapture.DEFAULT_FILTER);
        filter.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        new Label(c, SWT.NONE).setText(Messages.recordOutput);
        output = new Text(c, SWT.BORDER);
        output.setText(defaultOutput().toString());
        output.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        output.addListener(SWT.Modify, e -> confirmedReplace = false);
        Button browse = new Button(c, SWT.PUSH);
        browse.setText(Messages.recordBrowse);
        browse.addListener(SWT.Selection, e -> {
            FileDialog d = new FileDialog(getShell(), SWT.SAVE);
            d.setFilterExtensions(new String[] {"*.pcapng", "*.*"});
            d.setFileName(String.valueOf(Path.of(output.getText()).getFileName()));
            d.setOverwrite(true);
            String f = d.open();
            if (f != null) {
                output.setText(f);
                // the file dialog has asked already
                confirmedReplace = true;
            }
        });
        state = new Label(c, SWT.WRAP);
        GridData sg = new GridData(SWT.FILL, SWT.TOP, true, false, 3, 1);
        sg.widthHint = 560;
        state.setLayoutData(sg);
        state.setText(Messages.recordIdle);
        problem = new Text(c, SWT.MULTI | SWT.WRAP | SWT.READ_ONLY | SWT.BORDER);
        GridData pg = new GridData(SWT.FILL, SWT.TOP, true, false, 3, 1);
        pg.widthHint = 560;
        pg.exclude = true;
        problem.setLayoutData(pg);
        problem.setVisible(false);
        loadInterfaces();
        return area;
    }

    private void loadInterfaces() {
        try {
            interfaces = backend.interfaces();
        } catch (LiveCaptureException e) {
            showProblem(e.getMessage());
            return;
        } catch (RuntimeException | LinkageError e) {
            showProblem(NLS.bind(Messages.recordFailed, e.getMessage()));
            return;
        }
        if (interfaces.isEmpty()) {
            showProblem(Messages.recordNoInterfaces);
            return;
        }
        int pick = 0;
        for (int i = 0; i < interfaces.size(); i++) {
            CaptureInterface ci = interfaces.get(i);
            TableItem item = new TableItem(ifaceTable, SWT.NONE);
            item.setText(ci.label());
            if (pick == 0 && ci.up() && !ci.loopback() && !ci.addresses().isEmpty()) {
                pick = i;
            }
        }
        ifaceTable.select(pick);
    }

    private static Path defaultOutput() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return AnalysisService.stateFolder("recordings").resolve("kerbscope-" + stamp + ".pcapng");
    }

    private void showProblem(String sentence) {
        setErrorMessage(Messages.recordCannot);
        problem.setText(sentence);
        ((GridData) problem.getLayoutData()).exclude = false;
        problem.setVisible(true);
        problem.getParent().layout(true, true);
        Button start = getButton(START);
        if (start != null) {
            start.setEnabled(false);
        }
    }

    private void copy(String text) {
        Clipboard cb = new Clipboard(getShell().getDisplay());
        try {
            cb.setContents(new Object[] {text}, new Transfer[] {TextTransfer.getInstance()});
        } finally {
            cb.dispose();
        }
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        Button start = createButton(parent, START, Messages.recordStart, true);
        start.setEnabled(!interfaces.isEmpty() && !problem.getVisible());
        createButton(parent, STOP, Messages.recordStop, false).setEnabled(false);
        createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, false);
    }

    @Override
    protected void buttonPressed(int id) {
        if (id == START) {
            start();
        } else if (id == STOP) {
            stopRequested = true;
            getButton(STOP).setEnabled(false);
            state.setText(Messages.recordStopping);
        } else {
            super.buttonPressed(id);
        }
    }

    private void start() {
        int i = ifaceTable.getSelectionIndex();
        if (i < 0 || i >= interfaces.size()) {
            setErrorMessage(Messages.recordChooseInterface);
            return;
        }
        Path out;
        try {
            out = Path.of(output.getText().trim()).toAbsolutePath();
        } catch (InvalidPathException e) {
            setErrorMessage(NLS.bind(Messages.recordBadOutput, output.getText()));
            return;
        }
        if (Files.exists(out) && !confirmedReplace
                && !MessageDialog.openQuestion(getShell(), Messages.recordTitle, NLS.bind(Messages.recordReplace, out))) {
            return;
        }
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            setErrorMessage(NLS.bind(Messages.recordBadOutput, out));
            return;
        }
        String iface = interfaces.get(i).name();
        try {
            recording = backend.start(iface, filter.getText(), out);
        } catch (LiveCaptureException e) {
            showProblem(e.getMessage());
            return;
        } catch (RuntimeException | LinkageError e) {
            showProblem(NLS.bind(Messages.recordFailed, e.getMessage()));
            return;
        }
        setErrorMessage(null);
        recordingTo = out;
        getButton(START).setEnabled(false);
        getButton(STOP).setEnabled(true);
        ifaceTable.setEnabled(false);
        filter.setEnabled(false);
        output.setEnabled(false);
        Recording r = recording;
        org.eclipse.swt.widgets.Display display = getShell().getDisplay();
        job = new Job(NLS.bind(Messages.recordJob, iface)) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask(getName(), IProgressMonitor.UNKNOWN);
                try {
                    while (!stopRequested && !monitor.isCanceled() && r.running()) {
                        monitor.subTask(NLS.bind(Messages.recordPackets, r.frames()));
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    r.stop();
                    monitor.done();
                }
                return Status.OK_STATUS;
            }
        };
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                display.asyncExec(RecordDialog.this::ended);
            }
        });
        job.schedule();
        tick(iface);
    }

    /** Shows the packet count while recording. */
    private void tick(String iface) {
        if (state.isDisposed() || recording == null || job == null || job.getState() == Job.NONE) {
            return;
        }
        if (!stopRequested) {
            state.setText(NLS.bind(Messages.recordRunning, iface, recording.frames()));
        }
        state.getDisplay().timerExec(250, () -> tick(iface));
    }

    private void ended() {
        Shell shell = getShell();
        if (shell == null || shell.isDisposed()) {
            return;
        }
        Exception failure = recording.failure();
        recorded = recordingTo;
        if (failure != null && !stopRequested) {
            // the capture ended by itself (interface gone, disk full): say so, keep what was written
            getButton(STOP).setEnabled(false);
            showProblem(NLS.bind(Messages.recordStopped, failure.getMessage()));
            getButton(IDialogConstants.CANCEL_ID).setText(IDialogConstants.CLOSE_LABEL);
            return;
        }
        setReturnCode(OK);
        close();
    }

    /** For tests: the packet count line, as shown. */
    public String stateText() {
        return state.getText();
    }

    /** For tests: the sentence explaining why recording is not possible, or empty. */
    public String problemText() {
        return problem.getVisible() ? problem.getText() : "";
    }

    /** For tests: the interfaces as listed. */
    public List<String> listedInterfaces() {
        List<String> out = new ArrayList<>();
        for (TableItem i : ifaceTable.getItems()) {
            out.add(i.getText());
        }
        return out;
    }

    /** For tests: selects the interface whose name is {@code name}, as a click would. */
    public void selectInterface(String name) {
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).name().equals(name)) {
                ifaceTable.select(i);
            }
        }
    }

    /** For tests: sets the output file as typed. */
    public void setOutput(Path p) {
        output.setText(p.toString());
    }

    /** For tests: presses Start or Stop. */
    public void press(boolean start) {
        buttonPressed(start ? START : STOP);
    }

    @Override
    public boolean close() {
        if (recording != null && job != null && job.getState() != Job.NONE) {
            // closing the dialog (Cancel, Escape) ends the recording; what was written stays where it is
            stopRequested = true;
        }
        return super.close();
    }
}
