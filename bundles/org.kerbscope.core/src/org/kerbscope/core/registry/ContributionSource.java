package org.kerbscope.core.registry;

import java.util.List;

/** Where contributions come from: the running platform's extension registry, or plugin.xml files. */
public interface ContributionSource {
    /** The top-level elements of every extension to {@code pointId} (a full id such as {@code org.kerbscope.core.checks}). */
    List<ContributionElement> elements(String pointId);

    /** Tells {@code listener} when plug-ins that contribute to {@code pointId} come or go. */
    void onChange(String pointId, Runnable listener);
}
