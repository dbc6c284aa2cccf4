package org.kerbscope.core.registry;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IExtension;
import org.eclipse.core.runtime.IExtensionRegistry;
import org.eclipse.core.runtime.IRegistryEventListener;
import org.eclipse.core.runtime.IExtensionPoint;

/**
 * Contributions from the Eclipse extension registry. A plug-in installed into the running product (p2) or
 * stopped shows up through the registry's events, so views and the engine see it without a restart.
 */
final class EclipseContributionSource implements ContributionSource {
    private final IExtensionRegistry registry;

    EclipseContributionSource(IExtensionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public List<ContributionElement> elements(String pointId) {
        List<ContributionElement> out = new ArrayList<>();
        for (IConfigurationElement e : registry.getConfigurationElementsFor(pointId)) {
            out.add(new Element(e));
        }
        return out;
    }

    @Override
    public void onChange(String pointId, Runnable listener) {
        registry.addListener(new IRegistryEventListener() {
            @Override
            public void added(IExtension[] extensions) {
                listener.run();
            }

            @Override
            public void removed(IExtension[] extensions) {
                listener.run();
            }

            @Override
            public void added(IExtensionPoint[] extensionPoints) {
                listener.run();
            }

            @Override
            public void removed(IExtensionPoint[] extensionPoints) {
                listener.run();
            }
        }, pointId);
    }

    private record Element(IConfigurationElement e) implements ContributionElement {
        @Override
        public String name() {
            return e.getName();
        }

        @Override
        public String attribute(String attribute) {
            return e.getAttribute(attribute);
        }

        @Override
        public List<ContributionElement> children(String childName) {
            List<ContributionElement> out = new ArrayList<>();
            for (IConfigurationElement c : e.getChildren(childName)) {
                out.add(new Element(c));
            }
            return out;
        }

        @Override
        public String contributor() {
            return e.getContributor().getName();
        }

        @Override
        public Object createExecutable(String attribute) throws Exception {
            return e.createExecutableExtension(attribute);
        }
    }
}
