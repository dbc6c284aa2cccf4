package org.kerbscope.engine.tests;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.kerbscope.core.registry.ContributionElement;
import org.kerbscope.core.spi.Dissector;

/**
 * A {@code <dissector>} contribution made by a test, as a plugin.xml would declare it: id and name, one port-table
 * entry ({@code <table name="udp.port" key="53"/>}), and the dissector it creates.
 */
record DissectorElement(Map<String, String> attributes, List<ContributionElement> tables, Supplier<Dissector> make)
        implements ContributionElement {

    static DissectorElement of(String id, String name, String table, String key, Supplier<Dissector> make) {
        DissectorElement entry = new DissectorElement(Map.of("name", table, "key", key), List.of(), null);
        return new DissectorElement(Map.of("id", id, "name", name, "class", "test"), List.of(entry), make);
    }

    @Override
    public String name() {
        return make == null ? "table" : "dissector";
    }

    @Override
    public String attribute(String attribute) {
        return attributes.get(attribute);
    }

    @Override
    public List<ContributionElement> children(String childName) {
        return childName.equals("table") ? tables : List.of();
    }

    @Override
    public String contributor() {
        return "org.kerbscope.engine.tests";
    }

    @Override
    public Object createExecutable(String attribute) {
        return make.get();
    }
}
