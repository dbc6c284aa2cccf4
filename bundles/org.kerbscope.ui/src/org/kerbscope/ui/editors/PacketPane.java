package org.kerbscope.ui.editors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.ListenerList;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.fieldassist.ContentProposalAdapter;
import org.eclipse.jface.fieldassist.SimpleContentProposalProvider;
import org.eclipse.jface.fieldassist.TextContentAdapter;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.ISelectionChangedListener;
import org.eclipse.jface.viewers.ISelectionProvider;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.SelectionChangedEvent;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.ByteRange;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.engine.FrameHeaders;
import org.kerbscope.engine.filter.DisplayFilter;
import org.kerbscope.engine.filter.FilterExpressions;
import org.kerbscope.engine.filter.FollowStream;
import org.kerbscope.engine.report.JsonReport;
import org.kerbscope.net.FrameLayers;
import org.kerbscope.ui.internal.CaptureSession;
import org.kerbscope.ui.internal.FrameEvents;
import org.kerbscope.ui.internal.Messages;
import org.kerbscope.ui.internal.Timing;

/**
 * The three panes of a capture: the packet list (with its display filter bar), the selected frame's details tree
 * and its hex/ASCII dump, the field selected in the tree lit in the dump. The list shows every frame as soon as
 * the capture is indexed; the dissectors' columns fill in when the analysis is ready. Publishes the selected frame
 * ({@link FrameSummary}) or field ({@link FieldNode}) for the Properties view.
 */
public final class PacketPane {
    private static final int LINE = 6 + 48 + 1 + 16 + 1;
    private final CaptureSession session;
    private final Text filter;
    private final PacketList list;
    private final TreeViewer tree;
    private final StyledText hex;
    private final Label status;
    private final SelectionProvider selection = new SelectionProvider();
    private FieldNode shownTree;
    /** How long details may take before the pane says they are being made. */
    private static final int PENDING_AFTER_MS = 150;
    /** The job making the details of the frame selected last (cancelled when another is selected). */
    private Job detailsJob;
    private final Map<FieldNode, FieldNode> parents = new java.util.IdentityHashMap<>();
    private long shownFrame;
    private byte[] shownBytes = new byte[0];
    /** The analysis' events by frame (built by the loading job, not on the UI thread). */
    private FrameEvents byFrame = FrameEvents.NONE;
    /** The rows when a display filter is applied (its frames, or every frame but the hidden ones); null: every frame. */
    private FilterRows rowFrames;
    private CaptureFile file;
    private long frames;
    private boolean firstRowsTimed;
    private long firstTime;
    private String filterState = "";
    private ContentProposalAdapter completion;
    private PacketMenus menus;

    public PacketPane(Composite parent, CaptureSession session) {
        this.session = session;
        Composite c = new Composite(parent, SWT.NONE);
        GridLayout gl = new GridLayout(1, false);
        gl.marginWidth = gl.marginHeight = 0;
        c.setLayout(gl);
        filter = new Text(c, SWT.BORDER | SWT.SEARCH | SWT.ICON_CANCEL);
        filter.setMessage(Messages.filterHint);
        filter.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        filter.addListener(SWT.DefaultSelection, e -> applyFilter(filter.getText()));
        SashForm sash = new SashForm(c, SWT.VERTICAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        list = new PacketList(sash, new String[] {"No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"},
                new int[] {80, 100, 170, 170, 80, 70, 600}, new boolean[] {true, false, false, false, false, true, false});
        list.setRows(new PacketList.Rows() {
            @Override
            public String[] cells(int row) {
                FrameSummary s = summary(frameOfRow(row));
                return s != null ? s.cells() : new String[0];
            }

            @Override
            public boolean alert(int row) {
                Event e = byFrame.first(frameOfRow(row));
                return e != null && (e.fields().get("errorCode") != null || e.integer("status", 0) == 401
                        || e.integer("rcode", 0) == 3);
            }
        });
        if (Timing.ON) {
            list.addListener(SWT.Paint, e -> {
                if (!firstRowsTimed && !list.paintedRows().isEmpty()) {
                    firstRowsTimed = true;
                    Timing.print(
                            "%s: first rows shown %.2f s after it was opened (%d frames listed; %.2f s after the launch)",
                            session.label(), Timing.since(session.openedNanos()), frames,
                            Timing.sinceLaunch());
                }
            });
        }
        list.addListener(SWT.Selection, e -> {
            long n = frameOfRow(list.getSelectionIndex());
            showDetail(n);
            FrameSummary s = summary(n);
            selection.set(s != null ? new StructuredSelection(s) : StructuredSelection.EMPTY);
        });
        SashForm lower = new SashForm(sash, SWT.HORIZONTAL);
        tree = new TreeViewer(lower, SWT.SINGLE | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER);
        tree.setContentProvider(new ITreeContentProvider() {
            @Override
            public Object[] getElements(Object input) {
                // the input is a list holding the root: were the root itself the input, JFace would take it for
                // the tree and could not reveal its descendants
                return input instanceof List<?> l ? l.toArray() : new Object[0];
            }

            @Override
            public Object[] getChildren(Object parent) {
                return ((FieldNode) parent).children().toArray();
            }

            @Override
            public Object getParent(Object element) {
                // known, so that a field deep in the tree can be selected and revealed (a click in the hex pane)
                return parents.get(element);
            }

            @Override
            public boolean hasChildren(Object element) {
                return !((FieldNode) element).children().isEmpty();
            }
        });
        tree.setLabelProvider(new LabelProvider() {
            @Override
            public String getText(Object element) {
                return ((FieldNode) element).label();
            }
        });
        tree.addSelectionChangedListener(e -> {
            FieldNode n = selectedNode();
            highlight(n);
            if (n != null) {
                selection.set(new StructuredSelection(n));
            }
        });
        hex = new StyledText(lower, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER);
        hex.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        hex.addListener(SWT.MouseUp, e -> selectNodeAtCaret());
        menus = new PacketMenus(this, tree.getControl(), list);
        lower.setWeights(55, 45);
        sash.setWeights(60, 40);
        status = new Label(c, SWT.NONE);
        status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        showStatus();
    }

    /** The details' context menu (Apply as Filter …), for the editor to register with its site. */
    public org.eclipse.jface.action.MenuManager detailsMenu() {
        return menus.details;
    }

    /** The packet list's context menu (Conversation Filter …). */
    public org.eclipse.jface.action.MenuManager listMenu() {
        return menus.list;
    }

    /** The field selected in the details, or null. */
    FieldNode selectedField() {
        return selectedNode();
    }

    /** The filter that keeps the frames where {@code node}, a field of the shown frame, has its value; or null. */
    String filterOf(FieldNode node) {
        if (node == null || file == null || shownFrame < 1 || shownFrame > frames) {
            return null;
        }
        return FilterExpressions.of(node, byFrame.fieldNames(), byFrame.of(shownFrame),
                FilterExpressions.layersOf(file.frame(shownFrame)));
    }

    /** The layers of the frame selected in the list, as the display filter reads them; null when none is selected. */
    DisplayFilter.Layers layersOfSelectedFrame() {
        long n = selectedFrame();
        return file == null || n < 1 || n > frames ? null : FilterExpressions.layersOf(file.frame(n));
    }

    /** The text in the filter bar. */
    public String filterText() {
        return filter.getText();
    }

    /** Puts a filter in the bar and applies it (a context menu's "Apply as Filter"). */
    void applyFilterFromMenu(String text) {
        filter.setText(text);
        applyFilter(text);
    }

    /** The last "Follow … Stream" window opened (for tests), or null. */
    private FollowStreamDialog lastFollow;

    /**
     * Follows the TCP or UDP conversation of the selected frame, as Wireshark: its frames filtered ({@code tcp.stream eq
     * N}) and its bytes shown in a window; read in the background (every frame before it numbers the conversations).
     */
    void follow(String kind) {
        CaptureFile cf = file;
        long n = selectedFrame();
        if (cf == null || n < 1 || n > frames) {
            return;
        }
        Job job = new Job(NLS.bind(Messages.followReading, kind.toUpperCase(java.util.Locale.ROOT), n)) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                FollowStream.Stream s;
                try {
                    s = FollowStream.of(cf, n, kind, monitor::isCanceled);
                } catch (java.io.IOException e) {
                    return Status.error(NLS.bind(Messages.cannotReadFrame, n, e.getMessage()));
                }
                if (s == null) {
                    return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
                }
                list.getDisplay().asyncExec(() -> {
                    if (list.isDisposed()) {
                        return;
                    }
                    applyFilterFromMenu(s.filter());
                    FollowStreamDialog d = new FollowStreamDialog(list.getShell(), PacketPane.this, kind, s);
                    lastFollow = d;
                    d.open();
                });
                return Status.OK_STATUS;
            }
        };
        job.setUser(true);
        job.schedule();
    }

    /** For tests: the last "Follow … Stream" window opened, or null. */
    public FollowStreamDialog lastFollow() {
        return lastFollow;
    }

    /** Puts a filter in the bar, not applied, for the user to edit ("Prepare as Filter"). */
    void prepareFilter(String text) {
        filter.setText(text);
        filter.setFocus();
        filter.setSelection(text.length());
    }

    /** The list, tree and hex pane together: the editor's control. */
    public Composite control() {
        return filter.getParent();
    }

    /** The selection the Properties view follows. */
    public ISelectionProvider selectionProvider() {
        return selection;
    }

    /** The packet list widget (tests scroll it as a user would). */
    public PacketList list() {
        return list;
    }

    private long frameOfRow(int row) {
        if (row < 0) {
            return 0;
        }
        return rowFrames == null ? row + 1L : rowFrames.frameOf(row);
    }

    private int rowOfFrame(long frame) {
        if (rowFrames == null) {
            return (int) frame - 1;
        }
        return rowFrames.rowOf(frame);
    }

    /** The row of frame {@code n} as the list shows it, or null beyond the capture. */
    public FrameSummary summary(long n) {
        if (file == null || n < 1 || n > frames) {
            return null;
        }
        var idx = file.indexSoFar();
        Event e = byFrame.first(n);
        String time = String.format("%.6f", (idx.timeNanos(n) - firstTime) / 1e9);
        String arrival = JsonReport.time(idx.timeNanos(n));
        if (e == null) {
            // no dissector read it: the network layers say what they can, as Wireshark's list does, and the analysis
            // whether it repeated a packet captured just before (which it analysed once, in the earlier frame)
            FrameHeaders h = FrameHeaders.of(file.frame(n));
            var analysis = session.analysis();
            long repeated = analysis != null ? analysis.repeatOf(n) : 0;
            String info = repeated > 0 ? NLS.bind(Messages.repeatOf, repeated, h.info()) : h.info();
            return new FrameSummary(n, time, arrival, h.source(), h.destination(), h.protocol(), idx.originalLength(n),
                    info);
        }
        return new FrameSummary(n, time, arrival, e.src() != null ? e.src().address() : "",
                e.dst() != null ? e.dst().address() : "", protocolColumn(e), idx.originalLength(n), info(e));
    }

    /**
     * The capture is being indexed, or was: the frames indexed so far are listed, more as they come (every
     * {@link #TICK} ms), all of them before the analysis has finished.
     */
    public void fileReady() {
        if (list.isDisposed()) {
            return;
        }
        file = session.file();
        rowFrames = null;
        frames = 0;
        listIndexed();
        list.clearAll();
        tick();
    }

    /** Lists the frames indexed so far (the filter's rows, when one is applied, come with the analysis). */
    private void listIndexed() {
        var idx = file != null ? file.indexSoFar() : null;
        long n = idx != null ? idx.size() : 0;
        if (n == frames && (n > 0 || file == null)) {
            return;
        }
        if (frames == 0 && n > 0) {
            firstTime = idx.timeNanos(1);
        }
        frames = n;
        if (rowFrames == null) {
            list.setItemCount((int) Math.min(Integer.MAX_VALUE, frames));
        }
        showStatus();
    }

    /** How often the list grows while the capture is indexed, in milliseconds. */
    static final int TICK = 100;
    private long tickDue;
    private long latestTick;
    /** When the latest tick ran, in seconds after the capture was opened. */
    private double latestTickAt;
    private boolean ticking;

    /**
     * While the capture loads: lists the frames indexed since the last tick and measures how late the event loop
     * ran this timer (printed with {@code -Dkerbscope.timing=true} when the analysis is ready).
     */
    private void tick() {
        if (ticking || list.isDisposed()) {
            return;
        }
        ticking = true;
        tickDue = System.nanoTime() + TICK * 1_000_000L;
        list.getDisplay().timerExec(TICK, () -> {
            ticking = false;
            if (list.isDisposed()) {
                return;
            }
            long late = System.nanoTime() - tickDue;
            if (late > latestTick) {
                latestTick = late;
                latestTickAt = Timing.since(session.openedNanos());
            }
            if (file != null && file == session.file()) {
                listIndexed();
            }
            if (session.loading() || file != null && !file.indexed()) {
                tick();
            }
        });
    }

    /** The analysis is ready (or failed): the dissectors' columns, the filter's fields. */
    public void analysisReady() {
        if (list.isDisposed()) {
            return;
        }
        if (file != session.file()) {
            fileReady();
        }
        listIndexed();
        Timing.print(
                "%s: the event loop ran a %d ms timer at most %d ms late while the capture loaded (%.1f s after it was opened)",
                session.label(), TICK, latestTick / 1_000_000, latestTickAt);
        long started = System.nanoTime();
        FrameEvents fe = session.frameEvents();
        byFrame = fe != null ? fe : FrameEvents.NONE;
        if (!filter.getText().isBlank()) {
            applyFilter(filter.getText());
        } else {
            list.clearAll();
        }
        installCompletion();
        showStatus();
        if (Timing.ON) {
            Timing.print("%s: the analysis shown in the packet list in %.0f ms (UI thread)",
                    session.label(), Timing.since(started) * 1000);
            // the other views take the analysis in the same turn of the event loop: how late is the next timer?
            long due = System.nanoTime() + TICK * 1_000_000L;
            list.getDisplay().timerExec(TICK, () -> Timing.print(
                    "%s: after the views took the analysis, a %d ms timer ran %d ms late", session.label(), TICK,
                    (System.nanoTime() - due) / 1_000_000));
        }
    }

    private void showStatus() {
        if (status.isDisposed()) {
            return;
        }
        String s;
        if (session.problem() != null) {
            s = session.problem();
        } else if (file == null) {
            s = NLS.bind(Messages.opening, session.label());
        } else if (!file.indexed() && session.loading()) {
            s = NLS.bind(Messages.framesListing, frames, String.valueOf(session.path()));
        } else {
            s = NLS.bind(Messages.framesListed, frames, String.valueOf(session.path()));
            if (session.analysis() == null) {
                s += " " + Messages.analysisRunning;
            } else if (!session.analysis().diagnostics().isEmpty()) {
                s += " " + NLS.bind(Messages.diagnosticsNoted, session.analysis().diagnostics().size());
            }
        }
        if (!filterState.isEmpty()) {
            s = filterState + "   " + s;
        }
        status.setText(s);
    }

    /** The status line under the panes (frames, analysis, filter). */
    public String statusText() {
        return status.getText();
    }

    /**
     * Applies a display filter: only frames whose events match stay in the list. A wrong filter turns the bar red
     * and says where and why; an empty one shows every frame again.
     */
    public String applyFilter(String text) {
        var display = filter.getDisplay();
        if (layerJob != null) {
            layerJob.cancel(); // a filter of the frames' headers still reading: another one replaces it
            layerJob = null;
        }
        if (text == null || text.isBlank()) {
            rowFrames = null;
            filter.setBackground(null);
            filter.setToolTipText(null);
            filterState = "";
            list.setItemCount((int) Math.min(Integer.MAX_VALUE, frames));
            list.clearAll();
            showStatus();
            return null;
        }
        DisplayFilter f;
        try {
            f = DisplayFilter.parse(text);
        } catch (DisplayFilter.FilterException e) {
            filter.setBackground(display.getSystemColor(SWT.COLOR_RED));
            String why = "at " + (e.position() + 1) + ": " + e.getMessage();
            filter.setToolTipText(why);
            filterState = NLS.bind(Messages.badFilter, why);
            showStatus();
            return why;
        }
        // a field of the frame's own layers that the filter does not read (tcp.analysis.*): it would hide every frame
        // without saying why; the bar turns yellow, as Wireshark's does for a doubtful filter
        List<String> layers = f.layerNames();
        String layerWarning = layers.isEmpty() ? null : NLS.bind(Messages.layerFilter, String.join(", ", layers));
        filter.setBackground(display.getSystemColor(layers.isEmpty() ? SWT.COLOR_GREEN : SWT.COLOR_YELLOW));
        filter.setToolTipText(layerWarning);
        if (f.readsLayers() && file != null) {
            filterByHeaders(f, text, layerWarning);
            return null;
        }
        long started = System.nanoTime();
        boolean emptyMatches = f.matches(List.of());
        // only the frames with events are asked: the others all match or all do not, as the empty list does; the
        // rows are then the matching frames, or every frame but those that do not match
        int withEvents = byFrame.size();
        long[] out = new long[withEvents];
        int k = 0;
        for (int i = 0; i < withEvents; i++) {
            long n = byFrame.frame(i);
            if (n > frames) {
                break;
            }
            if (f.matches(byFrame.eventsAt(i)) != emptyMatches) {
                out[k++] = n;
            }
        }
        long[] listed = java.util.Arrays.copyOf(out, k);
        rowFrames = emptyMatches ? FilterRows.allBut(frames, listed) : FilterRows.only(listed);
        k = rowFrames.count();
        Timing.print("filter '%s': %d of %d frames in %.0f ms (UI thread)", text, k, frames,
                Timing.since(started) * 1000);
        list.setSelection(-1);
        list.setItemCount(k);
        list.clearAll();
        filterState = NLS.bind(Messages.filterMatches, new Object[] {k, frames, text})
                + (layerWarning != null ? " " + layerWarning : "");
        showStatus();
        return null;
    }

    /** The filter reading every frame's headers (ip.addr, tcp.port …), while it runs. */
    private Job layerJob;

    /**
     * Applies a filter that names fields of the frames' own layers: every frame is asked, with its headers read from
     * the file in a background job (the list keeps its rows meanwhile, the status line says it is filtering).
     */
    private void filterByHeaders(DisplayFilter f, String text, String warning) {
        CaptureFile cf = file;
        FrameEvents events = byFrame;
        long upTo = frames;
        long started = System.nanoTime();
        filterState = NLS.bind(Messages.filteringHeaders, upTo, text);
        showStatus();
        Job job = new Job(NLS.bind(Messages.filteringHeaders, upTo, text)) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                long[] kept;
                try {
                    kept = f.framesMatching(cf, upTo, events::of, monitor::isCanceled);
                } catch (java.io.IOException e) {
                    return Status.error(NLS.bind(Messages.badFilter, e.getMessage()));
                }
                if (kept == null) {
                    return Status.CANCEL_STATUS;
                }
                Job self = this;
                list.getDisplay().asyncExec(() -> {
                    if (list.isDisposed() || layerJob != self) {
                        return; // another filter came meanwhile
                    }
                    layerJob = null;
                    rowFrames = FilterRows.only(kept);
                    Timing.print("filter '%s': %d of %d frames by their headers in %.0f ms (background)", text,
                            kept.length, upTo, Timing.since(started) * 1000);
                    list.setSelection(-1);
                    list.setItemCount(rowFrames.count());
                    list.clearAll();
                    filterState = NLS.bind(Messages.filterMatches, new Object[] {rowFrames.count(), upTo, text})
                            + (warning != null ? " " + warning : "");
                    showStatus();
                });
                return Status.OK_STATUS;
            }
        };
        job.setSystem(true);
        layerJob = job;
        job.schedule();
    }

    /** For tests: the frame the list shows in row {@code row}. */
    public long frameAt(int row) {
        return frameOfRow(row);
    }

    /** For tests: whether a filter of the frames' headers is still reading. */
    public boolean filtering() {
        return layerJob != null;
    }

    /** Field names for completion: what the dissectors declare and what this capture's events hold. */
    public List<String> filterFields() {
        // and the frames' own addresses and ports (ip.addr, tcp.port …)
        TreeSet<String> names = new TreeSet<>(DisplayFilter.LAYER_FIELDS);
        names.addAll(DisplayFilter.WIRESHARK_NAMES); // and Wireshark's names of the messages' fields (http.response.code …)
        if (byFrame != FrameEvents.NONE) {
            names.addAll(byFrame.fieldNames());
        } else {
            for (var d : Registries.platform().dissectors()) {
                d.fields().forEach(e -> names.add(e.getKey()));
            }
        }
        return new ArrayList<>(names);
    }

    /** The Protocol column: the event's protocol, or KPASSWD for the Kerberos messages of a password change. */
    static String protocolColumn(Event e) {
        return e.fields().get("kpasswd") != null ? "KPASSWD" : e.protocol().toUpperCase();
    }

    static String info(Event e) {
        return switch (e.protocol()) {
            case "kerberos" -> e.string("msgType") + (e.fields().get("errorCode") != null ? " " + e.fields().get("errorCode")
                    + " " + e.string("errorName") : "") + (e.string("sname") != null ? " sname " + e.string("sname") : "")
                    + (e.string("cname") != null ? " cname " + e.string("cname") : "")
                    + (e.fields().get("kpasswd") instanceof Map<?, ?> k ? kpasswd(k) : "");
            case "http" -> "request".equals(e.string("kind")) ? e.string("method") + " " + e.string("uri")
                    + (e.fields().get("authorization") instanceof Map<?, ?> m ? "  Authorization: " + m.get("scheme")
                            + " (" + m.get("token") + ")" : "")
                    : e.integer("status", 0) + (e.list("wwwAuthenticate").isEmpty() ? "" : "  WWW-Authenticate: " + e.list("wwwAuthenticate"));
            case "dns" -> e.string("kind") + " " + e.string("name") + " type " + e.fields().get("type")
                    + ("response".equals(e.string("kind")) ? " rcode " + e.fields().get("rcode") + " " + e.list("answers") : "");
            case "ntlm" -> "NTLMSSP " + e.string("messageType") + (e.string("user") != null ? " " + e.string("domain") + "\\" + e.string("user") : "");
            case "tls" -> tlsInfo(e);
            case "http2" -> ("goaway".equals(e.string("kind")) ? "GOAWAY, last stream " + e.fields().get("lastStream")
                    : "RST_STREAM, stream " + e.fields().get("stream")) + ": " + e.string("error");
            default -> e.fields().toString();
        };
    }

    /** As Wireshark's Info: "Client Hello (SNI=web.contoso.com)", "Server Hello", "Alert (Level: Fatal, …)". */
    static String tlsInfo(Event e) {
        return switch (String.valueOf(e.string("kind"))) {
            case "clientHello" -> "Client Hello" + (e.string("sni") != null ? " (SNI=" + e.string("sni") + ")" : "")
                    + (e.string("version") != null ? "  " + e.string("version") : "");
            case "serverHello" -> (Boolean.TRUE.equals(e.get("helloRetry")) ? "Hello Retry Request" : "Server Hello")
                    + (e.string("version") != null ? "  " + e.string("version") : "");
            case "alert" -> "Alert (Level: " + e.string("level") + ", Description: " + e.string("description") + ")";
            case "encryptedExtensions" -> "Encrypted Extensions" + (e.list("alpn").isEmpty() ? ""
                    : " (ALPN " + String.join(", ", e.list("alpn").stream().map(String::valueOf).toList()) + ")");
            default -> e.fields().toString();
        };
    }

    /** "  change-password request", "  KRB5_KPASSWD_SOFTERROR "Password too short"". */
    private static String kpasswd(Map<?, ?> k) {
        if (k.get("operation") != null) {
            return "  " + k.get("operation") + " request";
        }
        return k.get("resultName") != null ? "  " + k.get("resultName") + (k.get("resultText") != null ? " \"" + k.get("resultText")
                + "\"" : "") : "";
    }

    private void showDetail(long n) {
        if (file == null || n < 1 || n > frames) {
            hex.setText("");
            tree.setInput(null);
            shownTree = null;
            return;
        }
        var data = file.frame(n).data();
        shownBytes = new byte[data.limit()];
        data.get(0, shownBytes);
        shownFrame = n;
        shownTree = null;
        hex.setText(dump(shownBytes));
        tree.setInput(null);
        long selected = System.nanoTime();
        if (detailsJob != null) {
            detailsJob.cancel(); // the user moved on: a frame still being read or waited for is not wanted any more
        }
        // details that take a while (a frame the running analysis has not read yet) are announced, with what the list
        // knows of the frame meanwhile; quick ones (nearly all) replace nothing
        String pending = session.awaitsAnalysis(n) ? NLS.bind(Messages.awaitingAnalysis, session.analysedFrames(), frames)
                : NLS.bind(Messages.readingUpTo, n);
        list.getDisplay().timerExec(PENDING_AFTER_MS, () -> {
            if (!tree.getControl().isDisposed() && shownFrame == n && shownTree == null) {
                FieldNode waiting = summaryNode(n);
                waiting.add("frame.pending", pending, null, 0, 0);
                tree.setInput(List.of(waiting));
                tree.expandToLevel(2);
            }
        });
        Job job = new Job(NLS.bind(Messages.dissecting, n)) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                FieldNode root;
                try {
                    root = session.tree(n, monitor::isCanceled);
                } catch (java.io.IOException e) {
                    return Status.error(NLS.bind(Messages.cannotReadFrame, n, e.getMessage()));
                }
                if (monitor.isCanceled()) {
                    return Status.CANCEL_STATUS;
                }
                FieldNode shown = root != null ? root : summaryNode(n);
                if (root != null) {
                    repeated(root, n);
                }
                list.getDisplay().asyncExec(() -> {
                    if (!tree.getControl().isDisposed() && shownFrame == n) {
                        shownTree = shown;
                        List<FieldNode> top = topLevel(shown);
                        parents.clear();
                        top.forEach(PacketPane.this::index);
                        tree.setInput(top);
                        // as Wireshark opens them: the frame and its own layers (Ethernet, IP, TCP …) one line each,
                        // what the dissectors read unfolded
                        for (FieldNode c : top) {
                            if (c != top.get(0) && !FrameLayers.isLayer(c) && !c.children().isEmpty()) {
                                tree.expandToLevel(c, 2);
                            }
                        }
                        Timing.print("frame %d: details shown %.0f ms after it was selected%s", n,
                                Timing.since(selected) * 1000, root != null ? "" : " (no dissector read it)");
                    }
                });
                return Status.OK_STATUS;
            }
        };
        job.setSystem(true);
        detailsJob = job;
        job.schedule();
    }

    /** What the frame's arrival, number and lengths say, as fields of the frame's own line, as in Wireshark. */
    private static final Set<String> FRAME_FIELDS = Set.of("frame.time", "frame.number", "frame.len",
            "frame.cap_len");

    /**
     * The details' top lines, as Wireshark lists them: the frame (its arrival, number and lengths folded under it), then
     * each of its layers and what the dissectors read in it.
     */
    static List<FieldNode> topLevel(FieldNode root) {
        FieldNode frame = new FieldNode(root.name(), root.label(), root.value(), root.range());
        List<FieldNode> top = new ArrayList<>();
        top.add(frame);
        for (FieldNode c : root.children()) {
            if (FRAME_FIELDS.contains(c.name())) {
                frame.add(c.name(), c.label(), c.value(), c.range().offset(), c.range().length());
            } else {
                top.add(c);
            }
        }
        return top;
    }

    private void index(FieldNode n) {
        for (FieldNode c : n.children()) {
            parents.put(c, n);
            index(c);
        }
    }

    private FieldNode summaryNode(long n) {
        var idx = file.indexSoFar();
        FieldNode root = new FieldNode("frame", "Frame " + n + ": " + idx.originalLength(n) + " bytes on wire, "
                + idx.capturedLength(n) + " captured, at " + JsonReport.time(idx.timeNanos(n)), n,
                new ByteRange(0, idx.capturedLength(n)));
        Event e = byFrame.first(n);
        if (e != null) {
            FieldNode ev = root.add(e.protocol(), e.protocol() + " " + e.src() + " → " + e.dst(), null, 0, 0);
            e.fields().forEach((k, v) -> ev.add(e.protocol() + "." + k, k + ": " + v, v, 0, 0));
        }
        repeated(root, n);
        return root;
    }

    /** Says under {@code root} which frame frame {@code n} repeats, when the analysis found it a repeat. */
    private void repeated(FieldNode root, long n) {
        var analysis = session.analysis();
        long repeated = analysis != null ? analysis.repeatOf(n) : 0;
        if (repeated > 0) {
            root.add("frame.repeat_of", NLS.bind(Messages.repeatDetail, repeated), repeated, 0, 0);
        }
    }

    static String dump(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 4 + 16);
        for (int off = 0; off < b.length; off += 16) {
            s.append(String.format("%04x  ", off));
            StringBuilder ascii = new StringBuilder(16);
            for (int i = off; i < off + 16; i++) {
                if (i < b.length) {
                    int v = b[i] & 0xff;
                    s.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16)).append(' ');
                    ascii.append(v >= 32 && v < 127 ? (char) v : '.');
                } else {
                    s.append("   ");
                }
            }
            s.append(' ').append(ascii).append('\n');
        }
        return s.toString();
    }

    /** Text offset of byte {@code i} in the hex part of the dump, and in the ASCII part. */
    static int hexPos(int i) {
        return i / 16 * LINE + 6 + i % 16 * 3;
    }

    static int asciiPos(int i) {
        return i / 16 * LINE + 6 + 48 + 1 + i % 16;
    }

    private FieldNode selectedNode() {
        return tree.getStructuredSelection().getFirstElement() instanceof FieldNode f ? f : null;
    }

    /** Marks the bytes of a field in the hex pane (fields of reassembled data have no bytes in this frame). */
    private void highlight(FieldNode node) {
        hex.setStyleRanges(new StyleRange[0]);
        if (node == null || !"frame".equals(node.source()) || node.range().length() == 0) {
            return;
        }
        int from = node.range().offset(), to = Math.min(shownBytes.length, node.range().end());
        var bg = hex.getDisplay().getSystemColor(SWT.COLOR_LIST_SELECTION);
        var fg = hex.getDisplay().getSystemColor(SWT.COLOR_LIST_SELECTION_TEXT);
        List<StyleRange> ranges = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ranges.add(new StyleRange(hexPos(i), 2, fg, bg));
            ranges.add(new StyleRange(asciiPos(i), 1, fg, bg));
        }
        ranges.sort(java.util.Comparator.comparingInt(r -> r.start));
        hex.setStyleRanges(ranges.toArray(StyleRange[]::new));
        if (from < to) {
            hex.setTopIndex(Math.max(0, from / 16 - 2));
        }
    }

    /** A click in the hex pane selects the innermost field that covers that byte. */
    private void selectNodeAtCaret() {
        int caret = hex.getCaretOffset();
        int line = caret / LINE, col = caret % LINE;
        int b = col >= 6 && col < 54 ? (col - 6) / 3 : col >= 55 && col < 71 ? col - 55 : -1;
        if (b < 0 || shownTree == null) {
            return;
        }
        FieldNode hit = innermost(shownTree, line * 16 + b);
        if (hit != null) {
            tree.setSelection(new StructuredSelection(hit), true);
        }
    }

    private static FieldNode innermost(FieldNode n, int offset) {
        for (FieldNode c : n.children()) {
            if ("frame".equals(c.source()) && c.range().length() > 0 && offset >= c.range().offset() && offset < c.range().end()) {
                FieldNode deeper = innermost(c, offset);
                return deeper != null ? deeper : c;
            }
        }
        return null;
    }

    /** Selects frame {@code frame} as a double-click on a finding or a flow arrow asks (clearing a filter that hides it). */
    public void reveal(long frame) {
        if (list.isDisposed() || frame < 1 || frame > frames) {
            return;
        }
        int row = rowOfFrame(frame);
        if (row < 0) {
            filter.setText("");
            applyFilter("");
            row = (int) frame - 1;
        }
        list.setSelection(row);
        list.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
    }

    /** For tests: the field tree shown for the selected frame (null until dissected). */
    public FieldNode shownTree() {
        return shownTree;
    }

    /** For tests: the names of the details' nodes that are unfolded. */
    public List<String> expandedFields() {
        List<String> out = new ArrayList<>();
        for (Object o : tree.getExpandedElements()) {
            if (o instanceof FieldNode f) {
                out.add(f.name());
            }
        }
        return out;
    }

    /** For tests: selects the field as a user would click it in the tree. */
    public void selectField(FieldNode node) {
        tree.setSelection(new StructuredSelection(node), true);
    }

    /** For tests: the byte offsets highlighted in the hex pane. */
    public Set<Integer> highlightedBytes() {
        Set<Integer> out = new TreeSet<>();
        for (StyleRange r : hex.getStyleRanges()) {
            int col = r.start % LINE;
            if (col >= 6 && col < 54) {
                out.add(r.start / LINE * 16 + (col - 6) / 3);
            }
        }
        return out;
    }

    /** The selected frame number (0 when none). */
    public long selectedFrame() {
        return frameOfRow(list.getSelectionIndex());
    }

    /** The row count. */
    public int rows() {
        return list.getItemCount();
    }

    public void setFocus() {
        list.setFocus();
    }

    private void installCompletion() {
        String[] names = filterFields().toArray(String[]::new);
        if (completion != null) {
            ((SimpleContentProposalProvider) completion.getContentProposalProvider()).setProposals(names);
            return;
        }
        var provider = new SimpleContentProposalProvider(names);
        provider.setFiltering(true);
        completion = new ContentProposalAdapter(filter, new TextContentAdapter(), provider,
                org.eclipse.jface.bindings.keys.KeyStroke.getInstance(SWT.CTRL, ' '), null);
        completion.setProposalAcceptanceStyle(ContentProposalAdapter.PROPOSAL_REPLACE);
    }

    /** The pane's selection: the frame selected in the list, or the field selected in the tree. */
    private static final class SelectionProvider implements ISelectionProvider {
        private final ListenerList<ISelectionChangedListener> listeners = new ListenerList<>();
        private ISelection current = StructuredSelection.EMPTY;

        void set(ISelection s) {
            current = s;
            SelectionChangedEvent e = new SelectionChangedEvent(this, s);
            for (ISelectionChangedListener l : listeners) {
                l.selectionChanged(e);
            }
        }

        @Override
        public void addSelectionChangedListener(ISelectionChangedListener l) {
            listeners.add(l);
        }

        @Override
        public ISelection getSelection() {
            return current;
        }

        @Override
        public void removeSelectionChangedListener(ISelectionChangedListener l) {
            listeners.remove(l);
        }

        @Override
        public void setSelection(ISelection s) {
            set(s);
        }
    }
}
