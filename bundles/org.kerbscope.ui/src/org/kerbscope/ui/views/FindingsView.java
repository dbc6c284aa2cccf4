package org.kerbscope.ui.views;

import java.util.List;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.ISharedImages;
import org.eclipse.ui.PlatformUI;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.ui.internal.AnalysisService;

/** Findings, like the Problems view: severity, title, step, id; double-click shows the evidence frame. */
public final class FindingsView extends AnalysisViewPart {
    private TableViewer viewer;
    private Text detail;

    @Override
    protected void create(Composite parent) {
        SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
        viewer = new TableViewer(sash, SWT.FULL_SELECTION | SWT.SINGLE | SWT.V_SCROLL | SWT.H_SCROLL);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        // as the Problems view: what is wrong first, where after it
        column(viewer, Finding.class, "Severity", 80, f -> f.severity().id(), FindingsView::icon);
        var title = column(viewer, Finding.class, "Title", 520, Finding::title, null).getColumn();
        column(viewer, Finding.class, "Step", 110, f -> f.step() != null ? f.step().number() + " " + f.step().id() : "", null);
        column(viewer, Finding.class, "Id", 210, Finding::id, null);
        // the title takes the width the other columns leave (at least 250 pixels)
        viewer.getTable().addListener(SWT.Resize, e -> {
            var table = viewer.getTable();
            int others = 0;
            for (var c : table.getColumns()) {
                others += c == title ? 0 : c.getWidth();
            }
            title.setWidth(Math.max(250, table.getClientArea().width - others));
        });
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        Composite right = new Composite(sash, SWT.NONE);
        right.setLayout(new GridLayout(1, false));
        detail = new Text(right, SWT.MULTI | SWT.WRAP | SWT.READ_ONLY | SWT.V_SCROLL | SWT.BORDER);
        detail.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        Button copy = new Button(right, SWT.PUSH);
        copy.setText("Copy commands");
        copy.addListener(SWT.Selection, e -> copyCommands());
        sash.setWeights(60, 40);
        viewer.addSelectionChangedListener(e -> showDetail(selected()));
        viewer.addDoubleClickListener(e -> {
            Finding f = selected();
            if (f != null && !f.evidence().isEmpty()) {
                f.evidence().stream().filter(x -> x.frame() > 0).reduce((x, y) -> y)
                        .ifPresent(x -> AnalysisService.selectFrame(x.frame()));
            }
        });
        getSite().setSelectionProvider(viewer);
        Action copyAction = new Action("Copy commands") {
            @Override
            public void run() {
                copyCommands();
            }
        };
        getViewSite().getActionBars().getToolBarManager().add(copyAction);
    }

    private static Image icon(Finding f) {
        ISharedImages images = PlatformUI.getWorkbench().getSharedImages();
        return switch (f.severity()) {
            case ERROR -> images.getImage(ISharedImages.IMG_OBJS_ERROR_TSK);
            case WARNING -> images.getImage(ISharedImages.IMG_OBJS_WARN_TSK);
            case INFO -> images.getImage(ISharedImages.IMG_OBJS_INFO_TSK);
        };
    }

    Finding selected() {
        return ((IStructuredSelection) viewer.getSelection()).getFirstElement() instanceof Finding f ? f : null;
    }

    private void showDetail(Finding f) {
        if (f == null) {
            detail.setText("");
            return;
        }
        StringBuilder b = new StringBuilder(f.title()).append("\n\n").append(f.explanation()).append("\n\nEvidence:\n");
        for (Finding.Evidence e : f.evidence()) {
            b.append("  ").append(e.frame() > 0 ? "frame " + e.frame() : e.file()).append(": ").append(e.what()).append('\n');
        }
        if (!f.remediation().isEmpty()) {
            b.append("\nFix:\n");
            f.remediation().forEach(r -> b.append("  ").append(r).append('\n'));
        }
        detail.setText(b.toString());
    }

    private void copyCommands() {
        Finding f = selected();
        if (f == null || f.remediation().isEmpty()) {
            return;
        }
        Clipboard cb = new Clipboard(viewer.getControl().getDisplay());
        try {
            cb.setContents(new Object[] {String.join(System.lineSeparator(), f.remediation())},
                    new Transfer[] {TextTransfer.getInstance()});
        } finally {
            cb.dispose();
        }
    }

    @Override
    public void analysisChanged(Analysis a) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        List<Finding> findings = a != null ? a.findings() : List.of();
        viewer.setInput(findings);
        setContentDescription(findings.isEmpty() ? (a == null ? "" : "No finding.") : findings.size() + " findings");
    }

    /** For tests: the findings as shown. */
    public List<Finding> shown() {
        @SuppressWarnings("unchecked")
        List<Finding> in = (List<Finding>) viewer.getInput();
        return in != null ? in : List.of();
    }

    /** For tests: selects a finding as a user would click it (the Properties view follows). */
    public void select(Finding f) {
        viewer.getControl().setFocus();
        viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(f), true);
    }

    /** For tests: select a finding as a user would click it, and double-click it. */
    public void open(Finding f) {
        viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(f), true);
        f.evidence().stream().filter(x -> x.frame() > 0).reduce((x, y) -> y)
                .ifPresent(x -> AnalysisService.selectFrame(x.frame()));
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
