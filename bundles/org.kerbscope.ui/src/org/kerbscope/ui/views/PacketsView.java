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
import org.eclipse.swt.widgets.Text;
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
    private Text detail;
    private final Map<Long, Event> byFrame = new HashMap<>();
    private CaptureFile file;
    private long frames;
    private long firstTime;

    @Override
    void create(Composite parent) {
        SashForm sash = new SashForm(parent, SWT.VERTICAL);
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
        table.addListener(SWT.SetData, e -> fill((TableItem) e.item, table.indexOf((TableItem) e.item) + 1));
        table.addListener(SWT.Selection, e -> showDetail(table.getSelectionIndex() + 1));
        detail = new Text(sash, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER);
        detail.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        sash.setWeights(70, 30);
        AnalysisService.get().addFrameListener(this);
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
        Event e = byFrame.get(n);
        if (file == null || n < 1 || n > frames) {
            detail.setText("");
            return;
        }
        StringBuilder b = new StringBuilder("Frame ").append(n).append(": ").append(file.index().originalLength(n))
                .append(" bytes on wire, ").append(file.index().capturedLength(n)).append(" captured, at ")
                .append(JsonReport.time(file.index().timeNanos(n))).append('\n');
        if (e != null) {
            b.append(e.protocol()).append(' ').append(e.src()).append(" → ").append(e.dst()).append('\n');
            e.fields().forEach((k, v) -> b.append("    ").append(k).append(": ").append(v).append('\n'));
        }
        b.append('\n');
        var data = file.frame(n).data();
        for (int off = 0; off < data.limit(); off += 16) {
            b.append(String.format("%04x  ", off));
            StringBuilder ascii = new StringBuilder();
            for (int i = off; i < off + 16; i++) {
                if (i < data.limit()) {
                    int v = data.get(i) & 0xff;
                    b.append(String.format("%02x ", v));
                    ascii.append(v >= 32 && v < 127 ? (char) v : '.');
                } else {
                    b.append("   ");
                }
            }
            b.append(' ').append(ascii).append('\n');
        }
        detail.setText(b.toString());
    }

    @Override
    public void analysisChanged(Analysis a) {
        if (table.isDisposed()) {
            return;
        }
        byFrame.clear();
        file = AnalysisService.get().file();
        if (a != null) {
            for (List<Event> l : a.events().values()) {
                for (Event e : l) {
                    byFrame.putIfAbsent(e.frame(), e);
                }
            }
        }
        frames = file != null ? file.index().size() : 0;
        firstTime = frames > 0 ? file.index().timeNanos(1) : 0;
        table.clearAll();
        table.setItemCount((int) Math.min(Integer.MAX_VALUE, frames));
        setContentDescription(a != null && a.capture() != null ? a.capture().file() + " — " + frames + " frames" : "");
    }

    @Override
    public void frameSelected(long frame) {
        if (table.isDisposed() || frame < 1 || frame > frames) {
            return;
        }
        getSite().getPage().activate(this);
        table.setSelection((int) frame - 1);
        showDetail(frame);
    }

    /** For tests: the selected frame number (0 when none). */
    public long selectedFrame() {
        return table.getSelectionIndex() + 1L;
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
