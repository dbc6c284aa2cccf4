package org.kerbscope.ui.views;

import java.util.function.Function;

import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.ui.internal.AnalysisService;

/**
 * A view that shows the current analysis and follows it when a new one is ready: the base for views that plug-ins
 * contribute to the Kerbscope category. Implement {@link #create(Composite)} and {@link #analysisChanged(Analysis)}
 * (called on the UI thread; the analysis may be null).
 */
public abstract class AnalysisViewPart extends ViewPart implements AnalysisService.Listener {

    @Override
    public final void createPartControl(Composite parent) {
        create(parent);
        AnalysisService.get().addListener(this);
        Analysis a = AnalysisService.get().analysis();
        if (a != null) {
            analysisChanged(a);
        }
    }

    protected abstract void create(Composite parent);

    /** The analysis shown now, or null. */
    protected Analysis currentAnalysis() {
        return AnalysisService.get().analysis();
    }

    /**
     * Adds a column to a table of {@code type} rows: its text, and its image (or null) for each row. Rows of another
     * type (a virtual table's placeholder) show nothing.
     */
    protected static <T> TableViewerColumn column(TableViewer viewer, Class<T> type, String title, int width,
            Function<T, String> text, Function<T, Image> image) {
        TableViewerColumn c = new TableViewerColumn(viewer, SWT.LEFT);
        c.getColumn().setText(title);
        c.getColumn().setWidth(width);
        c.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return type.isInstance(element) ? text.apply(type.cast(element)) : "";
            }

            @Override
            public Image getImage(Object element) {
                return image != null && type.isInstance(element) ? image.apply(type.cast(element)) : null;
            }
        });
        return c;
    }

    @Override
    public void dispose() {
        AnalysisService.get().removeListener(this);
        super.dispose();
    }
}
