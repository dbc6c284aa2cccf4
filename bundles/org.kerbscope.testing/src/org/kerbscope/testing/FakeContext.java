package org.kerbscope.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.kerbscope.core.model.ByteRange;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;

/**
 * A DissectionContext without the engine: records what a dissector emits and reports, and wires nested calls
 * to dissector instances the test registers, the way the engine's tables do.
 */
public final class FakeContext implements DissectionContext {
    public record Emitted(String protocol, Map<String, Object> fields) {
    }

    public final List<Emitted> events;
    public final List<String> diagnostics;
    public final Map<String, Dissector> table;
    public final List<Map.Entry<String, Dissector>> heuristics;
    public final Map<Class<?>, Object> services;
    public final Map<String, Object> conversationAttributes;
    public final String transport;
    public final String carrier;
    public final String self;
    public FieldNode tree;
    public AnalysisOptions options = AnalysisOptions.defaults();

    /**
     * @param self      the id of the dissector under test (the carrier it names for what it hands on)
     * @param transport "udp" or "tcp", or null when it sits on another dissector
     */
    public FakeContext(String self, String transport) {
        this(new ArrayList<>(), new ArrayList<>(), new HashMap<>(), new ArrayList<>(), new HashMap<>(),
                new HashMap<>(), transport, null, self);
    }

    private FakeContext(List<Emitted> events, List<String> diagnostics, Map<String, Dissector> table,
            List<Map.Entry<String, Dissector>> heuristics, Map<Class<?>, Object> services,
            Map<String, Object> conv, String transport, String carrier, String self) {
        this.events = events;
        this.diagnostics = diagnostics;
        this.table = table;
        this.heuristics = heuristics;
        this.services = services;
        this.conversationAttributes = conv;
        this.transport = transport;
        this.carrier = carrier;
        this.self = self;
    }

    /** The context a caller such as HTTP would hand on: the carrier is set. */
    public FakeContext carriedBy(String carrierName) {
        FakeContext c = new FakeContext(events, diagnostics, table, heuristics, services, conversationAttributes,
                transport, carrierName, self);
        c.options = options;
        c.tree = tree;
        return c;
    }

    public FakeContext withTree() {
        tree = new FieldNode("frame", "Frame", null, new ByteRange(0, 0));
        return this;
    }

    public FakeContext withKeytabs(List<Path> keytabs) {
        options = options.withKeytabs(keytabs);
        return this;
    }

    public List<Map<String, Object>> events(String protocol) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Emitted e : events) {
            if (e.protocol().equals(protocol)) {
                out.add(e.fields());
            }
        }
        return out;
    }

    @Override
    public long frame() {
        return 1;
    }

    @Override
    public long timeNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    @Override
    public Endpoint src() {
        return new Endpoint("127.0.0.1", 50000);
    }

    @Override
    public Endpoint dst() {
        return new Endpoint("127.0.0.1", 88);
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public String carrier() {
        return carrier;
    }

    @Override
    public void emit(String protocol, Map<String, Object> fields) {
        events.add(new Emitted(protocol, new LinkedHashMap<>(fields)));
    }

    @Override
    public void diagnostic(String protocol, String message) {
        diagnostics.add(protocol + ": " + message);
    }

    @Override
    public FieldNode tree() {
        return tree;
    }

    @Override
    public String call(String tableName, String key, Pdu pdu, FieldNode parent) {
        Dissector d = table.get(tableName + "=" + key);
        return d == null ? null : run(tableName + "=" + key, d, pdu, parent);
    }

    @Override
    public String callHeuristic(String tableName, Pdu pdu, FieldNode parent) {
        for (Map.Entry<String, Dissector> h : heuristics) {
            if (h.getKey().equals(tableName) && h.getValue().accepts(pdu, transport)) {
                return run(h.getValue().getClass().getSimpleName(), h.getValue(), pdu, parent);
            }
        }
        return null;
    }

    private String run(String id, Dissector d, Pdu pdu, FieldNode parent) {
        FakeContext child = new FakeContext(events, diagnostics, table, heuristics, services, conversationAttributes,
                transport, carrier != null ? carrier : self, id);
        child.options = options;
        child.tree = parent != null ? parent : tree;
        d.dissect(pdu, child);
        return id;
    }

    @Override
    public ConversationState conversation() {
        return new ConversationState() {
            @Override
            public Endpoint client() {
                return src();
            }

            @Override
            public Endpoint server() {
                return dst();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T attribute(String key, Supplier<T> create) {
                return (T) conversationAttributes.computeIfAbsent(key, k -> create.get());
            }
        };
    }

    @Override
    public AnalysisOptions options() {
        return options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T service(Class<T> type, Supplier<T> create) {
        return (T) services.computeIfAbsent(type, k -> create.get());
    }
}
