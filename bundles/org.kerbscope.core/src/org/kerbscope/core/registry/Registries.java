package org.kerbscope.core.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.eclipse.core.runtime.RegistryFactory;
import org.kerbscope.core.internal.Log;
import org.kerbscope.core.internal.Osgi;

/**
 * The four contribution points of Kerbscope, read once and re-read when plug-ins come or go. One instance
 * per source: {@link #platform()} in the product and plug-in tests, {@link #of(ContributionSource)} elsewhere.
 */
public final class Registries {
    public static final String DISSECTORS = "org.kerbscope.core.dissectors";
    public static final String SERVICES = "org.kerbscope.core.services";
    public static final String CHECKS = "org.kerbscope.core.checks";
    public static final String IMPORTERS = "org.kerbscope.core.evidenceImporters";

    private static volatile Registries platform;

    private final ContributionSource source;
    private volatile List<DissectorContribution> dissectors;
    private volatile List<ServiceContribution> services;
    private volatile List<CheckContribution> checks;
    private volatile List<ImporterContribution> importers;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private Registries(ContributionSource source) {
        this.source = source;
        reload();
        for (String point : List.of(DISSECTORS, SERVICES, CHECKS, IMPORTERS)) {
            source.onChange(point, () -> {
                reload();
                listeners.forEach(Runnable::run);
            });
        }
    }

    public static Registries of(ContributionSource source) {
        return new Registries(source);
    }

    /**
     * The running platform's contributions; outside OSGi, the plugin.xml files of the bundle folders found
     * from the system property {@code kerbscope.bundles} or by walking up from the working directory.
     */
    public static synchronized Registries platform() {
        if (platform == null) {
            ContributionSource src = null;
            if (Osgi.running()) {
                IExtensionRegistry reg = RegistryFactory.getRegistry();
                if (reg != null) {
                    src = new EclipseContributionSource(reg);
                }
            }
            if (src == null) {
                src = fromBundleFolders();
            }
            platform = new Registries(src);
        }
        return platform;
    }

    private static ContributionSource fromBundleFolders() {
        String prop = System.getProperty("kerbscope.bundles");
        Path dir = prop != null ? Path.of(prop) : null;
        for (Path p = Path.of("").toAbsolutePath(); dir == null && p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("bundles/org.kerbscope.core"))) {
                dir = p.resolve("bundles");
            }
        }
        if (dir != null) {
            try {
                return new PluginXmlContributionSource(dir);
            } catch (java.io.IOException e) {
                Log.error("cannot read the plug-in descriptions under " + dir, e);
            }
        }
        return new ContributionSource() {
            @Override
            public List<ContributionElement> elements(String pointId) {
                return List.of();
            }

            @Override
            public void onChange(String pointId, Runnable listener) {
                // nothing is contributed, so nothing changes
            }
        };
    }

    private void reload() {
        dissectors = read(DISSECTORS, "dissector", DissectorContribution::new);
        services = read(SERVICES, "service", ServiceContribution::new);
        checks = read(CHECKS, "check", CheckContribution::new);
        importers = read(IMPORTERS, "importer", ImporterContribution::new);
    }

    private <C extends Contribution<?>> List<C> read(String point, String element,
            Function<ContributionElement, C> make) {
        List<C> out = new ArrayList<>();
        for (ContributionElement e : source.elements(point)) {
            if (!element.equals(e.name())) {
                continue;
            }
            if (e.attribute("id") == null || e.attribute("class") == null) {
                Log.warn("Plug-in " + e.contributor() + " contributes a <" + element
                        + "> without id or class to " + point + " — it is skipped");
                continue;
            }
            out.add(make.apply(e));
        }
        return List.copyOf(out);
    }

    /** Where the contributions come from (to build a registry of some of them, e.g. without a plug-in). */
    public ContributionSource source() {
        return source;
    }

    public List<DissectorContribution> dissectors() {
        return dissectors;
    }

    public List<ServiceContribution> services() {
        return services;
    }

    public List<CheckContribution> checks() {
        return checks;
    }

    public List<ImporterContribution> importers() {
        return importers;
    }

    /** Every contribution that failed so far (for the About dialog and tests). */
    public List<Contribution<?>> broken() {
        List<Contribution<?>> out = new ArrayList<>();
        for (List<? extends Contribution<?>> l : List.of(dissectors, services, checks, importers)) {
            for (Contribution<?> c : l) {
                if (c.failure() != null) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** Called after contributions were re-read because plug-ins were installed or removed. */
    public void addChangeListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeChangeListener(Runnable listener) {
        listeners.remove(listener);
    }
}
