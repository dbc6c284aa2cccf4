package org.kerbscope.ui.views;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.engine.report.JsonReport;
import org.kerbscope.ui.internal.AnalysisService;

/**
 * The packet list (a virtual table: rows are made only when shown, so a capture of millions of frames scrolls
 * without delay), with what the dissectors found in each frame; authentication failures in red.
 */
public final class PacketsView extends AnalysisViewPart implements AnalysisService.FrameListener {
    private Table table;
    private TreeViewer tree;
    private StyledText hex;
    private FieldNode shownTree;
    private long shownFrame;
    private byte[] shownBytes = new byte[0];
    private final Map<Long, Event> byFrame = new HashMap<>();
    private final Map<Long, List<Event>> eventsByFrame = new HashMap<>();
    private org.eclipse.swt.widgets.Text filter;
    /** Frame numbers of the rows when a display filter is applied; null shows every frame. */
    private long[] rowFrames;
    private CaptureFile file;
    private long frames;
    private long firstTime;

    @Override
    protected void create(Composite parent) {
        parent.setLayout(new org.eclipse.swt.layout.GridLayout(1, false));
        filter = new org.eclipse.swt.widgets.Text(parent, SWT.BORDER | SWT.SEARCH | SWT.ICON_CANCEL);
        filter.setMessage("Display filter, e.g. kerberos.errorCode == 7 or http.status == 401 (Enter applies)");
        filter.setLayoutData(new org.eclipse.swt.layout.GridData(SWT.FILL, SWT.CENTER, true, false));
        filter.addListener(SWT.DefaultSelection, e -> applyFilter(filter.getText()));
        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        sash.setLayoutData(new org.eclipse.swt.layout.GridData(SWT.FILL, SWT.FILL, true, true));
        table = new Table(sash, SWT.VIRTUAL | SWT.FULL_SELECTION | SWT.SINGLE | SWT.V_SCROLL | SWT.H_SCROLL);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        String[] cols = {"No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"};
        int[] widths = {70, 100, 170, 170, 80, 70, 600};
        for (int i = 0; i < cols.length; i++) {
            TableColumn c = new TableColumn(table, i == 0 || i == 5 ? SWT.RIGHT : SWT.LEFT);
            c.setText(cols[i]);
            c.setWidth(widths[i]);
        }
        table.addListener(SWT.SetData, e -> fill((TableItem) e.item, frameOfRow(table.indexOf((TableItem) e.item))));
        table.addListener(SWT.Selection, e -> showDetail(frameOfRow(table.getSelectionIndex())));
        SashForm lower = new SashForm(sash, SWT.HORIZONTAL);
        tree = new TreeViewer(lower, SWT.SINGLE | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER);
        tree.setContentProvider(new ITreeContentProvider() {
            @Override
            public Object[] getElements(Object input) {
                return input instanceof FieldNode n ? new Object[] {n} : new Object[0];
            }

            @Override
            public Object[] getChildren(Object parent) {
                return ((FieldNode) parent).children().toArray();
            }

            @Override
            public Object getParent(Object element) {
                return null;
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
        tree.addSelectionChangedListener(e -> highlight(selectedNode()));
        hex = new StyledText(lower, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER);
        hex.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        hex.addListener(SWT.MouseUp, e -> selectNodeAtCaret());
        lower.setWeights(55, 45);
        sash.setWeights(60, 40);
        AnalysisService.get().addFrameListener(this);
    }

    private long frameOfRow(int row) {
        if (row < 0) {
            return 0;
        }
        return rowFrames == null ? row + 1L : row < rowFrames.length ? rowFrames[row] : 0;
    }

    private int rowOfFrame(long frame) {
        if (rowFrames == null) {
            return (int) frame - 1;
        }
        int i = java.util.Arrays.binarySearch(rowFrames, frame);
        return i >= 0 ? i : -1;
    }

    /**
     * Applies a display filter: only frames whose events match stay in the list. A wrong filter turns the bar red
     * and says where and why; an empty one shows every frame again.
     */
    public String applyFilter(String text) {
        var display = filter.getDisplay();
        if (text == null || text.isBlank()) {
            rowFrames = null;
            filter.setBackground(null);
            filter.setToolTipText(null);
            table.clearAll();
            table.setItemCount((int) Math.min(Integer.MAX_VALUE, frames));
            return null;
        }
        org.kerbscope.engine.filter.DisplayFilter f;
        try {
            f = org.kerbscope.engine.filter.DisplayFilter.parse(text);
        } catch (org.kerbscope.engine.filter.DisplayFilter.FilterException e) {
            filter.setBackground(display.getSystemColor(SWT.COLOR_RED));
            String why = "at " + (e.position() + 1) + ": " + e.getMessage();
            filter.setToolTipText(why);
            setContentDescription("Bad filter " + why);
            return why;
        }
        filter.setBackground(display.getSystemColor(SWT.COLOR_GREEN));
        filter.setToolTipText(null);
        boolean emptyMatches = f.matches(List.of());
        long[] out = new long[(int) Math.min(frames, 1 << 24)];
        int k = 0;
        for (long n = 1; n <= frames && k < out.length; n++) {
            List<Event> ev = eventsByFrame.get(n);
            if (ev == null ? emptyMatches : f.matches(ev)) {
                out[k++] = n;
            }
        }
        rowFrames = java.util.Arrays.copyOf(out, k);
        table.clearAll();
        table.setItemCount(k);
        setContentDescription(k + " of " + frames + " frames match " + text);
        return null;
    }

    /** Field names for completion: what the dissectors declare and what this capture's events hold. */
    public List<String> filterFields() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (var d : Registries.platform().dissectors()) {
            d.fields().forEach(e -> names.add(e.getKey()));
        }
        java.util.List<Event> all = new java.util.ArrayList<>();
        eventsByFrame.values().forEach(all::addAll);
        names.addAll(org.kerbscope.engine.filter.DisplayFilter.fieldNames(all));
        return new java.util.ArrayList<>(names);
    }

    private void fill(TableItem item, long n) {
        if (file == null || n > frames) {
            return;
        }
        long t = file.index().timeNanos(n);
        Event e = byFrame.get(n);
        item.setText(0, Long.toString(n));
        item.setText(1, String.format("%.6f", (t - firstTime) / 1e9));
        item.setText(5, Integer.toString(file.index().originalLength(n)));
        if (e != null) {
            item.setText(2, e.src() != null ? e.src().address() : "");
            item.setText(3, e.dst() != null ? e.dst().address() : "");
            item.setText(4, e.protocol().toUpperCase());
            item.setText(6, info(e));
            if (e.fields().containsKey("errorCode") && e.fields().get("errorCode") != null
                    || e.integer("status", 0) == 401 || e.integer("rcode", 0) == 3) {
                Color red = table.getDisplay().getSystemColor(SWT.COLOR_RED);
                item.setForeground(red);
            }
        }
    }

    static String info(Event e) {
        return switch (e.protocol()) {
            case "kerberos" -> e.string("msgType") + (e.fields().get("errorCode") != null ? " " + e.fields().get("errorCode")
                    + " " + e.string("errorName") : "") + (e.string("sname") != null ? " sname " + e.string("sname") : "")
                    + (e.string("cname") != null ? " cname " + e.string("cname") : "");
            case "http" -> "request".equals(e.string("kind")) ? e.string("method") + " " + e.string("uri")
                    + (e.fields().get("authorization") instanceof Map<?, ?> m ? "  Authorization: " + m.get("scheme")
                            + " (" + m.get("token") + ")" : "")
                    : e.integer("status", 0) + (e.list("wwwAuthenticate").isEmpty() ? "" : "  WWW-Authenticate: " + e.list("wwwAuthenticate"));
            case "dns" -> e.string("kind") + " " + e.string("name") + " type " + e.fields().get("type")
                    + ("response".equals(e.string("kind")) ? " rcode " + e.fields().get("rcode") + " " + e.list("answers") : "");
            case "ntlm" -> "NTLMSSP " + e.string("messageType") + (e.string("user") != null ? " " + e.string("domain") + "\\" + e.string("user") : "");
            default -> e.fields().toString();
        };
    }

    private void showDetail(long n) {
        if (file == null || n < 1 || n > frames) {
            hex.setText("");
            tree.setInput(null);
            return;
        }
        var data = file.frame(n).data();
        shownBytes = new byte[data.limit()];
        data.get(0, shownBytes);
        shownFrame = n;
        hex.setText(dump(shownBytes));
        tree.setInput(null);
        java.nio.file.Path capture = AnalysisService.get().capture();
        Job job = new Job("Dissecting frame " + n) {
            @Override
            protected IStatus run(org.eclipse.core.runtime.IProgressMonitor monitor) {
                FieldNode root;
                try {
                    root = new Analyzer(Registries.platform(), AnalysisService.options()).dissect(capture, n);
                } catch (java.io.IOException e) {
                    return Status.error("Cannot read frame " + n + ": " + e.getMessage());
                }
                FieldNode shown = root != null ? root : summaryNode(n);
                table.getDisplay().asyncExec(() -> {
                    if (!tree.getControl().isDisposed() && shownFrame == n) {
                        shownTree = shown;
                        tree.setInput(shown);
                        tree.expandToLevel(3);
                    }
                });
                return Status.OK_STATUS;
            }
        };
        job.setSystem(true);
        job.schedule();
    }

    private FieldNode summaryNode(long n) {
        FieldNode root = new FieldNode("frame", "Frame " + n + ": " + file.index().originalLength(n) + " bytes on wire, "
                + file.index().capturedLength(n) + " captured, at " + JsonReport.time(file.index().timeNanos(n)), n,
                new org.kerbscope.core.model.ByteRange(0, file.index().capturedLength(n)));
        Event e = byFrame.get(n);
        if (e != null) {
            FieldNode ev = root.add(e.protocol(), e.protocol() + " " + e.src() + " → " + e.dst(), null, 0, 0);
            e.fields().forEach((k, v) -> ev.add(e.protocol() + "." + k, k + ": " + v, v, 0, 0));
        }
        return root;
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
        int line = i / 16, col = i % 16;
        return line * (6 + 48 + 1 + 16 + 1) + 6 + col * 3;
    }

    static int asciiPos(int i) {
        int line = i / 16, col = i % 16;
        return line * (6 + 48 + 1 + 16 + 1) + 6 + 48 + 1 + col;
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
        java.util.List<StyleRange> ranges = new java.util.ArrayList<>();
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
        int lineLen = 6 + 48 + 1 + 16 + 1;
        int line = caret / lineLen, col = caret % lineLen;
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

    /** For tests: the field tree shown for the selected frame (null until dissected) and the highlighted bytes. */
    public FieldNode shownTree() {
        return shownTree;
    }

    /** For tests: selects the field as a user would click it in the tree. */
    public void selectField(FieldNode node) {
        tree.setSelection(new StructuredSelection(node), true);
        highlight(node);
    }

    /** For tests: the byte offsets highlighted in the hex pane. */
    public java.util.Set<Integer> highlightedBytes() {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (StyleRange r : hex.getStyleRanges()) {
            int lineLen = 6 + 48 + 1 + 16 + 1;
            int col = r.start % lineLen;
            if (col >= 6 && col < 54) {
                out.add(r.start / lineLen * 16 + (col - 6) / 3);
            }
        }
        return out;
    }

    @Override
    public void analysisChanged(Analysis a) {
        if (table.isDisposed()) {
            return;
        }
        byFrame.clear();
        eventsByFrame.clear();
        rowFrames = null;
        file = AnalysisService.get().file();
        if (a != null) {
            for (List<Event> l : a.events().values()) {
                for (Event e : l) {
                    byFrame.putIfAbsent(e.frame(), e);
                    eventsByFrame.computeIfAbsent(e.frame(), k -> new java.util.ArrayList<>(2)).add(e);
                }
            }
        }
        frames = file != null ? file.index().size() : 0;
        firstTime = frames > 0 ? file.index().timeNanos(1) : 0;
        table.clearAll();
        table.setItemCount((int) Math.min(Integer.MAX_VALUE, frames));
        setContentDescription(a != null && a.capture() != null ? a.capture().file() + " — " + frames + " frames" : "");
        if (!filter.getText().isBlank()) {
            applyFilter(filter.getText());
        }
        installCompletion();
    }

    @Override
    public void frameSelected(long frame) {
        if (table.isDisposed() || frame < 1 || frame > frames) {
            return;
        }
        getSite().getPage().activate(this);
        int row = rowOfFrame(frame);
        if (row < 0) {
            applyFilter("");
            filter.setText("");
            row = (int) frame - 1;
        }
        table.setSelection(row);
        showDetail(frame);
    }

    private org.eclipse.jface.fieldassist.ContentProposalAdapter completion;

    private void installCompletion() {
        String[] names = filterFields().toArray(String[]::new);
        if (completion != null) {
            ((org.eclipse.jface.fieldassist.SimpleContentProposalProvider) completion.getContentProposalProvider()).setProposals(names);
            return;
        }
        var provider = new org.eclipse.jface.fieldassist.SimpleContentProposalProvider(names);
        provider.setFiltering(true);
        completion = new org.eclipse.jface.fieldassist.ContentProposalAdapter(filter,
                new org.eclipse.jface.fieldassist.TextContentAdapter(), provider,
                org.eclipse.jface.bindings.keys.KeyStroke.getInstance(SWT.CTRL, ' '), null);
        completion.setProposalAcceptanceStyle(org.eclipse.jface.fieldassist.ContentProposalAdapter.PROPOSAL_REPLACE);
    }

    /** For tests: the selected frame number (0 when none). */
    public long selectedFrame() {
        return frameOfRow(table.getSelectionIndex());
    }

    /** For tests: the row count. */
    public int rows() {
        return table.getItemCount();
    }

    @Override
    public void dispose() {
        AnalysisService.get().removeFrameListener(this);
        super.dispose();
    }

    @Override
    public void setFocus() {
        table.setFocus();
    }
}
