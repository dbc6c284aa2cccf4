package org.kerbscope.ui.editors;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.ScrollBar;

/**
 * The packet list: a drawn list that asks for the cells of the rows it shows and nothing else. SWT's virtual
 * Table still makes one native row per item on GTK (seconds of a frozen window for a million frames, measured:
 * about 5 µs a row), whereas here the row count is a number and setting it costs nothing, whatever the size of
 * the capture. Single selection, keyboard (arrows, Page Up/Down, Home/End), mouse, a header whose column borders
 * can be dragged. Sends {@link SWT#Selection} when the user selects a row and {@link SWT#DefaultSelection} on a
 * double-click or Enter.
 */
public final class PacketList extends Canvas {

    /** What each row shows: its cells, and whether it is an authentication failure (drawn in red). */
    public interface Rows {
        String[] cells(int row);

        boolean alert(int row);
    }

    private static final int PAD = 4;
    private final String[] titles;
    private final int[] widths;
    private final boolean[] rightAligned;
    private Rows rows;
    private int count;
    private int top;
    private int selected = -1;
    private int hOffset;
    private final int rowHeight;
    private final int headerHeight;
    private int resizing = -1;
    private final List<String[]> painted = new ArrayList<>();
    private int paintedTop = -1;
    private long paints;

    public PacketList(Composite parent, String[] titles, int[] widths, boolean[] rightAligned) {
        super(parent, SWT.V_SCROLL | SWT.H_SCROLL | SWT.DOUBLE_BUFFERED | SWT.BORDER);
        this.titles = titles.clone();
        this.widths = widths.clone();
        this.rightAligned = rightAligned.clone();
        GC gc = new GC(this);
        try {
            int h = gc.getFontMetrics().getHeight();
            rowHeight = h + 4;
            headerHeight = h + 8;
        } finally {
            gc.dispose();
        }
        setBackground(getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> updateScrollBars());
        addListener(SWT.MouseDown, this::mouseDown);
        addListener(SWT.MouseMove, this::mouseMove);
        addListener(SWT.MouseUp, e -> resizing = -1);
        addListener(SWT.MouseDoubleClick, e -> {
            if (e.y >= headerHeight && selected >= 0) {
                notifyListeners(SWT.DefaultSelection, new Event());
            }
        });
        addListener(SWT.KeyDown, this::key);
        addListener(SWT.Traverse, e -> {
            switch (e.detail) {
                case SWT.TRAVERSE_ARROW_NEXT, SWT.TRAVERSE_ARROW_PREVIOUS, SWT.TRAVERSE_PAGE_NEXT,
                        SWT.TRAVERSE_PAGE_PREVIOUS, SWT.TRAVERSE_RETURN -> e.doit = false;
                default -> e.doit = true;
            }
        });
        addListener(SWT.FocusIn, e -> redraw());
        addListener(SWT.FocusOut, e -> redraw());
        getVerticalBar().addListener(SWT.Selection, e -> {
            top = getVerticalBar().getSelection();
            redraw();
        });
        getHorizontalBar().addListener(SWT.Selection, e -> {
            hOffset = getHorizontalBar().getSelection();
            redraw();
        });
    }

    public void setRows(Rows rows) {
        this.rows = rows;
        redraw();
    }

    /** Sets the number of rows: constant time, whatever the number. */
    public void setItemCount(int n) {
        checkWidget();
        count = Math.max(0, n);
        if (selected >= count) {
            selected = -1;
        }
        top = Math.max(0, Math.min(top, count - visibleRows()));
        updateScrollBars();
        redraw();
    }

    public int getItemCount() {
        return count;
    }

    /** Forgets what was drawn: the rows are asked for again (new analysis results for the same frames). */
    public void clearAll() {
        redraw();
    }

    public int getTopIndex() {
        return top;
    }

    public void setTopIndex(int index) {
        checkWidget();
        top = Math.max(0, Math.min(index, count - visibleRows()));
        getVerticalBar().setSelection(top);
        redraw();
    }

    public int getSelectionIndex() {
        return selected;
    }

    /** Selects row {@code index} (or none for -1) and scrolls it into view; like Table, sends no event. */
    public void setSelection(int index) {
        checkWidget();
        selected = index >= 0 && index < count ? index : -1;
        showSelection();
        redraw();
    }

    public void showSelection() {
        if (selected < 0) {
            return;
        }
        int visible = visibleRows();
        if (selected < top) {
            setTopIndex(selected);
        } else if (selected >= top + visible) {
            setTopIndex(selected - visible + 1);
        }
    }

    /** Rows that fit in the window, the last one possibly cut. */
    public int visibleRows() {
        Rectangle r = getClientArea();
        return Math.max(1, (r.height - headerHeight) / rowHeight);
    }

    /** The cells of the rows as the last paint drew them, top to bottom: what the user sees. */
    public List<String[]> paintedRows() {
        return List.copyOf(painted);
    }

    /** The first row the last paint drew (-1 before any paint). */
    public int paintedTop() {
        return paintedTop;
    }

    /** How many times the list was drawn. */
    public long paints() {
        return paints;
    }

    private void updateScrollBars() {
        ScrollBar v = getVerticalBar();
        int visible = visibleRows();
        v.setValues(top, 0, Math.max(count, 1), Math.max(1, Math.min(visible, Math.max(count, 1))), 1,
                Math.max(1, visible - 1));
        v.setEnabled(count > visible);
        ScrollBar h = getHorizontalBar();
        int total = 0;
        for (int w : widths) {
            total += w;
        }
        int client = Math.max(1, getClientArea().width);
        hOffset = Math.max(0, Math.min(hOffset, total - client));
        h.setValues(hOffset, 0, Math.max(total, 1), Math.min(client, Math.max(total, 1)), 16, client);
        h.setEnabled(total > client);
    }

    private void paint(GC gc) {
        paints++;
        Rectangle area = getClientArea();
        Color header = getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND);
        Color text = getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND);
        Color lines = getDisplay().getSystemColor(SWT.COLOR_WIDGET_NORMAL_SHADOW);
        Color red = getDisplay().getSystemColor(SWT.COLOR_RED);
        Color selBg = getDisplay().getSystemColor(isFocusControl() ? SWT.COLOR_LIST_SELECTION : SWT.COLOR_WIDGET_LIGHT_SHADOW);
        Color selFg = getDisplay().getSystemColor(isFocusControl() ? SWT.COLOR_LIST_SELECTION_TEXT : SWT.COLOR_LIST_FOREGROUND);
        painted.clear();
        int end = rows == null ? top : Math.min(count, top + visibleRows() + 1);
        for (int r = top, y = headerHeight; r < end; r++, y += rowHeight) {
            String[] cells = rows.cells(r);
            painted.add(cells);
            boolean sel = r == selected;
            if (sel) {
                gc.setBackground(selBg);
                gc.fillRectangle(0, y, area.width, rowHeight);
            }
            gc.setForeground(sel ? selFg : rows.alert(r) ? red : text);
            drawCells(gc, cells, y, rowHeight);
        }
        paintedTop = top;
        gc.setBackground(header);
        gc.fillRectangle(0, 0, area.width, headerHeight);
        gc.setForeground(text);
        drawCells(gc, titles, 0, headerHeight);
        gc.setForeground(lines);
        gc.drawLine(0, headerHeight - 1, area.width, headerHeight - 1);
        int x = -hOffset;
        for (int w : widths) {
            x += w;
            gc.drawLine(x - 1, 0, x - 1, headerHeight - 1);
        }
        gc.setClipping((Rectangle) null);
    }

    private void drawCells(GC gc, String[] cells, int y, int height) {
        int x = -hOffset;
        for (int c = 0; c < widths.length; c++) {
            String s = c < cells.length && cells[c] != null ? cells[c] : "";
            int w = widths[c];
            gc.setClipping(x + PAD, y, Math.max(0, w - 2 * PAD), height);
            int tx = rightAligned[c] ? x + w - PAD - gc.stringExtent(s).x : x + PAD;
            gc.drawString(s, tx, y + (height - gc.getFontMetrics().getHeight()) / 2, true);
            x += w;
        }
        gc.setClipping((Rectangle) null);
    }

    private int border(int mx) {
        int x = -hOffset;
        for (int c = 0; c < widths.length; c++) {
            x += widths[c];
            if (Math.abs(mx - x) <= 3) {
                return c;
            }
        }
        return -1;
    }

    private void mouseDown(Event e) {
        setFocus();
        if (e.y < headerHeight) {
            resizing = e.button == 1 ? border(e.x) : -1;
            return;
        }
        int r = top + (e.y - headerHeight) / rowHeight;
        if (r < count && (e.button == 1 || e.button == 3)) {
            select(r); // (a right click too, as in Wireshark: the context menu is about the row under the pointer)
        }
    }

    private void mouseMove(Event e) {
        if (resizing >= 0) {
            int start = -hOffset;
            for (int c = 0; c < resizing; c++) {
                start += widths[c];
            }
            widths[resizing] = Math.max(20, e.x - start);
            updateScrollBars();
            redraw();
            return;
        }
        setCursor(e.y < headerHeight && border(e.x) >= 0 ? getDisplay().getSystemCursor(SWT.CURSOR_SIZEWE) : null);
    }

    private void key(Event e) {
        if (count == 0) {
            return;
        }
        int page = Math.max(1, visibleRows() - 1);
        int cur = selected < 0 ? top - 1 : selected;
        int to = switch (e.keyCode) {
            case SWT.ARROW_DOWN -> cur + 1;
            case SWT.ARROW_UP -> cur - 1;
            case SWT.PAGE_DOWN -> cur + page;
            case SWT.PAGE_UP -> cur - page;
            case SWT.HOME -> 0;
            case SWT.END -> count - 1;
            default -> Integer.MIN_VALUE;
        };
        if (e.keyCode == SWT.CR || e.keyCode == SWT.KEYPAD_CR) {
            if (selected >= 0) {
                notifyListeners(SWT.DefaultSelection, new Event());
            }
            return;
        }
        if (to != Integer.MIN_VALUE) {
            select(Math.max(0, Math.min(count - 1, to)));
        }
    }

    private void select(int r) {
        selected = r;
        showSelection();
        redraw();
        notifyListeners(SWT.Selection, new Event());
    }
}
