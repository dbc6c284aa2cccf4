package org.kerbscope.fuzz.tests;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.registry.DissectorContribution;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.engine.DissectorTables;

/**
 * A dissection context that dispatches nested tokens through the real dissector tables like the engine does, but
 * lets whatever a dissector throws escape: the engine would catch it and report it as a plug-in defect, which a
 * fuzzer must see as a crash instead.
 */
final class FuzzContext implements DissectionContext {
    /** As the engine's context: nested calls stop at this depth. */
    static final int MAX_NESTING = 12;

    /** What one whole dissection produced; shared by a context and its children. */
    static final class Totals {
        int events;
        int diagnostics;
        final java.util.List<String> messages = new java.util.ArrayList<>();
        final Map<Class<?>, Object> services = new HashMap<>();
    }

    private final DissectorTables tables;
    private final AnalysisOptions options;
    private final String transport;
    private final String carrier;
    private final String id;
    private final FieldNode tree;
    private final ConversationState conversation;
    private final int depth;
    private final Totals totals;
    private String childCarrier;
    String innermost;
    /** The bytes came from the server (src and dst swapped): a stream's other direction. */
    boolean fromServer;

    FuzzContext(DissectorTables tables, AnalysisOptions options, String transport, String carrier, String id,
            FieldNode tree, ConversationState conversation, int depth, Totals totals) {
        this.tables = tables;
        this.options = options;
        this.transport = transport;
        this.carrier = carrier;
        this.id = id;
        this.tree = tree;
        this.conversation = conversation;
        this.depth = depth;
        this.totals = totals;
    }

    @Override
    public long frame() {
        return 1;
    }

    @Override
    public long timeNanos() {
        return 1_700_000_000_000_000_000L;
    }

    @Override
    public Endpoint src() {
        return fromServer ? conversation.server() : conversation.client();
    }

    @Override
    public Endpoint dst() {
        return fromServer ? conversation.client() : conversation.server();
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
    public void setCarrier(String c) {
        childCarrier = c;
    }

    @Override
    public void emit(String protocol, Map<String, Object> fields) {
        if (protocol == null || fields == null) {
            throw new AssertionError(id + " emitted an event without a protocol or fields");
        }
        totals.events++;
    }

    @Override
    public void diagnostic(String protocol, String message) {
        if (message == null) {
            throw new AssertionError(id + " reported a diagnostic without a message");
        }
        totals.diagnostics++;
        if (totals.messages.size() < 100) {
            totals.messages.add(protocol + ": " + message);
        }
    }

    @Override
    public FieldNode tree() {
        return tree;
    }

    @Override
    public String call(String table, String key, Pdu pdu, FieldNode parent) {
        DissectorContribution d = tables.lookup(table, key);
        return d == null ? null : run(d, pdu, parent);
    }

    @Override
    public String callHeuristic(String table, Pdu pdu, FieldNode parent) {
        for (DissectorContribution d : tables.heuristics(table)) {
            Dissector dis = d.get();
            if (dis != null && dis.accepts(pdu, transport)) {
                return run(d, pdu, parent);
            }
        }
        return null;
    }

    private String run(DissectorContribution d, Pdu pdu, FieldNode parent) {
        if (depth >= MAX_NESTING) {
            totals.diagnostics++;
            return null;
        }
        FuzzContext child = new FuzzContext(tables, options, transport,
                carrier != null ? carrier : childCarrier != null ? childCarrier : id, d.id(),
                parent != null ? parent : tree, conversation, depth + 1, totals);
        d.get().dissect(pdu, child);
        innermost = child.innermost != null ? child.innermost : d.id();
        return innermost;
    }

    @Override
    public ConversationState conversation() {
        return conversation;
    }

    @Override
    public AnalysisOptions options() {
        return options;
    }

    @Override
    public <T> T service(Class<T> type, Supplier<T> create) {
        return type.cast(totals.services.computeIfAbsent(type, k -> create.get()));
    }

    /** Both directions' state of one made-up conversation. */
    static final class Conversation implements ConversationState {
        private final Endpoint client;
        private final Endpoint server;
        private final Map<String, Object> attributes = new HashMap<>();

        Conversation(Endpoint client, Endpoint server) {
            this.client = client;
            this.server = server;
        }

        @Override
        public Endpoint client() {
            return client;
        }

        @Override
        public Endpoint server() {
            return server;
        }

        @Override
        public <T> T attribute(String key, Supplier<T> create) {
            @SuppressWarnings("unchecked")
            T t = (T) attributes.computeIfAbsent(key, k -> create.get());
            return t;
        }
    }
}
