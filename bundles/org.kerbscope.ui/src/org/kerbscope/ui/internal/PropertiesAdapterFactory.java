package org.kerbscope.ui.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.IAdapterFactory;
import org.eclipse.ui.views.properties.IPropertyDescriptor;
import org.eclipse.ui.views.properties.IPropertySource;
import org.eclipse.ui.views.properties.PropertyDescriptor;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.model.Finding;
import org.kerbscope.ui.editors.FrameSummary;

/**
 * What the Properties view shows for a selected frame, field or finding (registered in plugin.xml, so the core's
 * model classes need not know about the workbench). The values are read-only: they describe the capture.
 */
public final class PropertiesAdapterFactory implements IAdapterFactory {

    @Override
    public <T> T getAdapter(Object o, Class<T> type) {
        if (type != IPropertySource.class) {
            return null;
        }
        Map<String, Object> p = switch (o) {
            case FrameSummary f -> frame(f);
            case FieldNode n -> field(n);
            case Finding f -> finding(f);
            default -> null;
        };
        return p == null ? null : type.cast(new Source(p));
    }

    @Override
    public Class<?>[] getAdapterList() {
        return new Class<?>[] {IPropertySource.class};
    }

    static Map<String, Object> frame(FrameSummary f) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("Number", f.number());
        p.put("Time", f.time());
        p.put("Arrival time", f.arrival());
        p.put("Source", f.source());
        p.put("Destination", f.destination());
        p.put("Protocol", f.protocol());
        p.put("Length", f.length());
        p.put("Info", f.info());
        return p;
    }

    static Map<String, Object> field(FieldNode n) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("Name", n.name());
        p.put("Label", n.label());
        p.put("Value", n.value() == null ? "" : n.value());
        p.put("Bytes", n.range().length() == 0 ? "none in this frame"
                : n.range().offset() + "-" + (n.range().end() - 1) + " (" + n.range().length() + " bytes"
                        + ("frame".equals(n.source()) ? "" : " of " + n.source()) + ")");
        if (n.isMalformed()) {
            p.put("Malformed", true);
        }
        return p;
    }

    static Map<String, Object> finding(Finding f) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("Id", f.id());
        p.put("Severity", f.severity().id());
        p.put("Step", f.step() != null ? f.step().number() + " " + f.step().title() : "");
        p.put("Title", f.title());
        p.put("Attempt", f.attempt() >= 0 ? f.attempt() : "none");
        List<String> frames = new ArrayList<>();
        for (Finding.Evidence e : f.evidence()) {
            frames.add(e.frame() > 0 ? Long.toString(e.frame()) : e.file());
        }
        p.put("Evidence", String.join(", ", frames));
        p.put("Remediation", String.join(" ; ", f.remediation()));
        return p;
    }

    /** A read-only property list. */
    static final class Source implements IPropertySource {
        private final Map<String, Object> values;

        Source(Map<String, Object> values) {
            this.values = values;
        }

        @Override
        public Object getEditableValue() {
            return null;
        }

        @Override
        public IPropertyDescriptor[] getPropertyDescriptors() {
            return values.keySet().stream().map(k -> new PropertyDescriptor(k, k)).toArray(IPropertyDescriptor[]::new);
        }

        @Override
        public Object getPropertyValue(Object id) {
            Object v = values.get(id);
            return v == null ? "" : v.toString();
        }

        @Override
        public boolean isPropertySet(Object id) {
            return false;
        }

        @Override
        public void resetPropertyValue(Object id) {
            // read-only
        }

        @Override
        public void setPropertyValue(Object id, Object value) {
            // read-only: the capture is never changed
        }
    }
}
