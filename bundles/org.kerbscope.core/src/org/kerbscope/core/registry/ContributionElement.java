package org.kerbscope.core.registry;

import java.util.List;

/**
 * One element of a contribution ({@code <dissector …>}, {@code <table …/>}), whether read from the Eclipse
 * extension registry or from a plugin.xml outside OSGi. Reading attributes never loads the contributor's classes.
 */
public interface ContributionElement {
    String name();

    String attribute(String attribute);

    List<ContributionElement> children(String childName);

    /** The contributing bundle's symbolic name. */
    String contributor();

    /** Instantiates the class named by {@code attribute} (only when the contribution is first used). */
    Object createExecutable(String attribute) throws Exception;
}
