package org.kerbscope.ui.views;

import java.util.List;
import java.util.Map;

import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;

/** Imported klist tickets, Security events, DNS and port tests, with the attempt each one supports. */
public final class EvidenceView extends AnalysisViewPart {
    private TableViewer viewer;

    @Override
    protected void create(Composite parent) {
        viewer = new TableViewer(parent, SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        column(viewer, EvidenceItem.class, "Kind", 90, EvidenceItem::section, null);
        column(viewer, EvidenceItem.class, "File", 200, EvidenceItem::file, null);
        column(viewer, EvidenceItem.class, "What", 700, EvidenceView::summary, null);
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        getSite().setSelectionProvider(viewer);
    }

    static String summary(EvidenceItem i) {
        Object s = i.fields().get("summary");
        if (s != null) {
            return s.toString();
        }
        return switch (i.section()) {
            case "tickets" -> i.string("client") + " → " + i.string("server") + " (" + i.string("etype") + ")";
            case "dns" -> i.string("name") + " " + (i.string("error") != null ? i.string("error") : i.fields().get("answers"));
            case "portTests" -> i.string("computer") + ":" + i.string("port") + " " + (Boolean.TRUE.equals(i.fields().get("succeeded"))
                    ? "reachable" : "NOT reachable");
            case "events" -> "event " + i.fields().get("eventId") + " " + (i.fields().get("data") instanceof Map<?, ?> d
                    ? d.get("TargetUserName") : "");
            default -> i.fields().toString();
        };
    }

    @Override
    public void analysisChanged(Analysis a) {
        if (!viewer.getControl().isDisposed()) {
            List<EvidenceItem> items = a != null ? a.evidence() : List.of();
            viewer.setInput(items);
            setContentDescription(a == null || a.evidenceFiles().isEmpty() ? "No evidence imported (File > Add Evidence...)."
                    : a.evidenceFiles().size() + " files, " + items.size() + " records");
        }
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
