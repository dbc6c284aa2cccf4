package org.kerbscope.core.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.spi.Dissector;

/** A {@code <dissector>} contribution: its id, the table entries it claims, its heuristic lists and fields. */
public final class DissectorContribution extends Contribution<Dissector> {
    private final List<Map.Entry<String, String>> tables = new ArrayList<>();
    private final List<String> heuristics = new ArrayList<>();
    private final List<Map.Entry<String, String>> fields = new ArrayList<>();

    DissectorContribution(ContributionElement e) {
        super(e, Dissector.class);
        for (ContributionElement t : e.children("table")) {
            if (t.attribute("name") != null && t.attribute("key") != null) {
                tables.add(Map.entry(t.attribute("name"), t.attribute("key")));
            }
        }
        for (ContributionElement h : e.children("heuristic")) {
            if (h.attribute("table") != null) {
                heuristics.add(h.attribute("table"));
            }
        }
        for (ContributionElement f : e.children("field")) {
            if (f.attribute("name") != null) {
                String label = f.attribute("label");
                fields.add(Map.entry(f.attribute("name"), label != null ? label : f.attribute("name")));
            }
        }
    }

    /** (table, key) pairs, e.g. ("tcp.port", "88"). */
    public List<Map.Entry<String, String>> tables() {
        return tables;
    }

    /** Heuristic lists it takes part in: "udp", "tcp", "gss". */
    public List<String> heuristics() {
        return heuristics;
    }

    /** Field names (for the display filter) with their labels. */
    public List<Map.Entry<String, String>> fields() {
        return fields;
    }
}
