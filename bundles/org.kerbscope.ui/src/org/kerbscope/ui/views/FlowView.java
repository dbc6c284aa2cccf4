package org.kerbscope.ui.views;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.engine.report.FlowDiagram;
import org.kerbscope.ui.internal.AnalysisService;

/**
 * The attempt as the guide's sequence diagram: lanes Client, DNS, KDC, Server; the failing step's arrow red
 * with its finding; steps not seen dashed. A click on an arrow shows its frame.
 */
public final class FlowView extends AnalysisViewPart {
    private Combo attempts;
    private Label outcome;
    private Canvas canvas;
    private Analysis analysis;
    private final List<int[]> hit = new ArrayList<>();
    private List<FlowDiagram.Arrow> arrows = List.of();
    private String[] laneNames = FlowDiagram.LANES;
    /** Pixels scrolled down: below the capture editor the view is often shorter than the whole flow. */
    private int scrollY;
    private boolean userScrolled;
    private final List<String> painted = new ArrayList<>();
    private static final int TOP = 40;
    private static final int ROW = 30;

    @Override
    protected void create(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        c.setLayout(new GridLayout(2, false));
        attempts = new Combo(c, SWT.READ_ONLY);
        attempts.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        attempts.addListener(SWT.Selection, e -> redraw());
        // a line of its own under the attempt: the outcome and the finding's title are longer than what is left
        // beside the attempt; the view's width decides, not the text's (the whole text is the tooltip)
        outcome = new Label(c, SWT.NONE);
        GridData line = new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1);
        line.widthHint = 1;
        outcome.setLayoutData(line);
        canvas = new Canvas(c, SWT.DOUBLE_BUFFERED | SWT.V_SCROLL);
        canvas.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1));
        canvas.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_WHITE));
        canvas.addPaintListener(e -> paint(e.gc));
        canvas.addListener(SWT.MouseDown, e -> click(e.x, e.y));
        canvas.addListener(SWT.Resize, e -> revealFailure());
        canvas.getVerticalBar().addListener(SWT.Selection, e -> {
            userScrolled = true;
            scrollY = canvas.getVerticalBar().getSelection();
            canvas.redraw();
        });
    }

    private AuthAttempt current() {
        int i = attempts.getSelectionIndex();
        return analysis != null && i >= 0 && i < analysis.attempts().size() ? analysis.attempts().get(i) : null;
    }

    /** For tests: the arrows drawn for the selected attempt. */
    public List<FlowDiagram.Arrow> arrows() {
        return arrows;
    }

    /** For tests: chooses attempt {@code i} as a user would in the selector. */
    /** The line above the diagram: the attempt's outcome and the title of the error finding tied to it. */
    public String outcomeText() {
        return outcome.getText();
    }

    public void selectAttempt(int i) {
        attempts.select(i);
        redraw();
    }

    private void redraw() {
        AuthAttempt at = current();
        arrows = at != null ? FlowDiagram.arrows(at) : List.of();
        laneNames = at != null ? FlowDiagram.lanes(at) : FlowDiagram.LANES;
        if (at != null) {
            String finding = "";
            for (Finding f : analysis.findings()) {
                if (f.attempt() == at.index() && f.severity().id().equals("error")) {
                    finding = " — " + f.title();
                    break;
                }
            }
            outcome.setText("Outcome: " + at.outcome().id() + finding);
            outcome.setToolTipText(outcome.getText());
        } else {
            outcome.setText(analysis == null ? "" : "No authentication attempt in this capture.");
            outcome.setToolTipText(null);
        }
        outcome.getParent().layout();
        userScrolled = false;
        revealFailure();
        canvas.redraw();
    }

    private void paint(GC gc) {
        hit.clear();
        painted.clear();
        Point size = canvas.getSize();
        int lanes = FlowDiagram.LANES.length;
        int left = 80, gap = Math.max(150, (size.x - 2 * left) / (lanes - 1)), top = TOP - scrollY, row = ROW;
        Color black = gc.getDevice().getSystemColor(SWT.COLOR_BLACK);
        Color red = gc.getDevice().getSystemColor(SWT.COLOR_RED);
        Color grey = gc.getDevice().getSystemColor(SWT.COLOR_DARK_GRAY);
        int bottom = top + 20 + row * Math.max(1, arrows.size());
        for (int i = 0; i < lanes; i++) {
            int x = left + i * gap;
            gc.setForeground(grey);
            gc.drawLine(x, 30 - scrollY, x, bottom);
        }
        int y = top + 10;
        for (FlowDiagram.Arrow a : arrows) {
            int x1 = left + a.from() * gap, x2 = left + a.to() * gap;
            Color col = a.status() == StepStatus.FAILED ? red : a.status() == StepStatus.OK ? black : grey;
            gc.setForeground(col);
            gc.setLineWidth(a.status() == StepStatus.FAILED ? 3 : 1);
            gc.setLineStyle(a.status() == StepStatus.OK || a.status() == StepStatus.FAILED ? SWT.LINE_SOLID : SWT.LINE_DASH);
            gc.drawLine(x1, y, x2, y);
            int dir = x2 > x1 ? -1 : 1;
            gc.setLineStyle(SWT.LINE_SOLID);
            gc.drawLine(x2, y, x2 + dir * 8, y - 4);
            gc.drawLine(x2, y, x2 + dir * 8, y + 4);
            String label = a.step().number() + ". " + a.label() + (a.frame() > 0 ? "  [" + a.frame() + "]" : "");
            Point ext = gc.stringExtent(label);
            gc.drawString(label, (x1 + x2) / 2 - ext.x / 2, y - ext.y - 1, true);
            hit.add(new int[] {Math.min(x1, x2), y - ext.y - 2, Math.abs(x2 - x1), ext.y + 6, (int) a.frame()});
            if (y - ext.y - 1 >= 28 && y <= size.y) {
                painted.add(label);
            }
            y += row;
        }
        gc.setLineWidth(1);
        // the lane names stay on top when the diagram is scrolled
        gc.setBackground(canvas.getBackground());
        gc.fillRectangle(0, 0, size.x, 28);
        for (int i = 0; i < lanes; i++) {
            int x = left + i * gap;
            gc.setForeground(black);
            Point ext = gc.stringExtent(laneNames[i]);
            gc.drawString(laneNames[i], x - ext.x / 2, 10, true);
        }
    }

    /** The failing step is what the user came for: scrolls it into sight (until the user scrolls). */
    private void revealFailure() {
        if (userScrolled) {
            updateScrollBar();
            return;
        }
        scrollY = 0;
        int height = canvas.getClientArea().height;
        for (int i = 0; i < arrows.size(); i++) {
            if (arrows.get(i).status() == StepStatus.FAILED) {
                int y = TOP + 10 + i * ROW;
                if (height > 0 && y + ROW > height) {
                    scrollY = Math.max(0, y + 2 * ROW - height);
                }
                break;
            }
        }
        updateScrollBar();
    }

    private void updateScrollBar() {
        var bar = canvas.getVerticalBar();
        int content = TOP + 20 + ROW * Math.max(1, arrows.size());
        int height = Math.max(1, canvas.getClientArea().height);
        scrollY = Math.max(0, Math.min(scrollY, content - height));
        bar.setValues(scrollY, 0, Math.max(content, height), height, ROW, Math.max(ROW, height - ROW));
        bar.setEnabled(content > height);
    }

    /** For tests: the labels of the arrows the last paint drew in sight, top to bottom. */
    public List<String> paintedLabels() {
        return List.copyOf(painted);
    }

    private void click(int x, int y) {
        for (int[] h : hit) {
            if (x >= h[0] && x <= h[0] + h[2] && y >= h[1] && y <= h[1] + h[3] && h[4] > 0) {
                AnalysisService.selectFrame(h[4]);
                return;
            }
        }
    }

    @Override
    public void analysisChanged(Analysis a) {
        if (attempts.isDisposed()) {
            return;
        }
        this.analysis = a;
        attempts.removeAll();
        int select = 0;
        if (a != null) {
            for (AuthAttempt at : a.attempts()) {
                attempts.add("Attempt " + at.index() + ": " + at.client() + " → " + at.server()
                        + (at.spn() != null ? " (" + at.spn() + ")" : "") + " — " + at.outcome().id());
                if (at.failedStep() != null && select == 0 && at.index() > 0 && a.attempts().get(select).failedStep() == null) {
                    select = at.index();
                }
            }
        }
        if (attempts.getItemCount() > 0) {
            attempts.select(select);
        }
        redraw();
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }
}
