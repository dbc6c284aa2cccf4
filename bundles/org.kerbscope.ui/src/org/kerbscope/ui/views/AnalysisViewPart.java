package org.kerbscope.ui.views;

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

    @Override
    public void dispose() {
        AnalysisService.get().removeListener(this);
        super.dispose();
    }
}
