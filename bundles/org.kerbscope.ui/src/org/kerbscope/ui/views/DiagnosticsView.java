package org.kerbscope.ui.views;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.viewers.ILazyContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Text;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.ui.internal.AnalysisService;

/**
 * What the analysis could not read, like Wireshark's Expert Information: malformed PDUs, a capture damaged part-way,
 * limits reached, services that no installed plug-in reads, unreadable evidence lines. Double-click selects the frame.
 * The table is virtual: an analysis lists up to a thousand diagnostics of its dissectors and a thousand of its network
 * layers, and each evidence file up to two hundred.
 */
public final class DiagnosticsView extends AnalysisViewPart {
    /** One row: where (a frame of the capture, or a line of an evidence file), what read it, what it says. */
    public record Row(long frame, String file, long line, String protocol, String message) {
        String where() {
            if (file != null) {
                return line > 0 ? file + ":" + line : file;
            }
            return frame > 0 ? Long.toString(frame) : "";
        }
    }

    private TableViewer viewer;
    private Text detail;
    private List<Row> rows = List.of();

    @Override
    protected void create(Composite parent) {
        SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
        viewer = new TableViewer(sash, SWT.FULL_SELECTION | SWT.SINGLE | SWT.V_SCROLL | SWT.H_SCROLL | SWT.VIRTUAL);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        viewer.setUseHashlookup(true);
        column(viewer, Row.class, "Frame", 110, Row::where, null);
        column(viewer, Row.class, "Protocol", 90, Row::protocol, null);
        column(viewer, Row.class, "Message", 900, Row::message, null);
        viewer.setContentProvider((ILazyContentProvider) index -> {
            if (index < rows.size()) {
                viewer.replace(rows.get(index), index);
            }
        });
        // the whole message, wrapped, beside the table (a message can name a plug-in and how to install it)
        detail = new Text(sash, SWT.MULTI | SWT.WRAP | SWT.READ_ONLY | SWT.V_SCROLL | SWT.BORDER);
        sash.setWeights(65, 35);
        viewer.addSelectionChangedListener(e -> showDetail(selected()));
        viewer.addDoubleClickListener(e -> open(selected()));
        getSite().setSelectionProvider(viewer);
    }

    private Row selected() {
        return ((IStructuredSelection) viewer.getSelection()).getFirstElement() instanceof Row r ? r : null;
    }

    private void showDetail(Row r) {
        detail.setText(r == null ? "" : (r.where().isEmpty() ? "" : (r.file() != null ? "" : "Frame ") + r.where() + ", ")
                + r.protocol() + ":\n\n" + r.message());
    }

    /** For tests: the text beside the table. */
    public String detail() {
        return detail.getText();
    }

    /** The rows of an analysis: the capture's diagnostics in frame order, then each evidence file's. */
    static List<Row> rows(Analysis a) {
        List<Row> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        for (Diagnostic d : a.diagnostics()) {
            out.add(new Row(d.frame(), null, 0, d.protocol(), d.message()));
        }
        for (EvidenceFile f : a.evidenceFiles()) {
            for (Diagnostic d : f.diagnostics()) {
                out.add(new Row(0, f.file(), d.frame(), d.protocol() != null ? d.protocol() : f.kind(), d.message()));
            }
        }
        return out;
    }

    @Override
    public void analysisChanged(Analysis a) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        rows = rows(a);
        detail.setText("");
        viewer.setInput(rows);
        viewer.setItemCount(rows.size());
        viewer.refresh();
        setContentDescription(a == null ? "" : rows.isEmpty() ? "Everything in the input could be read."
                : rows.size() == 1 ? "1 diagnostic" : rows.size() + " diagnostics");
    }

    /** For tests: the rows as listed. */
    public List<Row> shown() {
        return rows;
    }

    /** For tests, and what a double-click does: selects the row and shows its frame in the capture. */
    public void open(Row r) {
        if (r == null) {
            return;
        }
        viewer.setSelection(new StructuredSelection(r), true);
        showDetail(r);
        if (r.frame() > 0) {
            AnalysisService.selectFrame(r.frame());
        }
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
