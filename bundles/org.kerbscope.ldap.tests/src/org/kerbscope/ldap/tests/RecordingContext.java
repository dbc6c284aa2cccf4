package org.kerbscope.ldap.tests;

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
import org.kerbscope.core.spi.Pdu;

/**
 * A DissectionContext without the engine, for feeding the dissector bytes directly: records events, diagnostics
 * and the nested hand-offs (table, key, length) it asked for; nested calls find no dissector.
 */
final class RecordingContext implements DissectionContext {
    final List<Map<String, Object>> events = new ArrayList<>();
    final List<String> diagnostics = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    final Map<String, Object> conversation = new HashMap<>();
    final String transport;
    FieldNode tree;

    RecordingContext(String transport, boolean withTree) {
        this.transport = transport;
        this.tree = withTree ? new FieldNode("frame", "Frame", null, new ByteRange(0, 0)) : null;
    }

    @Override
    public long frame() {
        return 1;
    }

    @Override
    public long timeNanos() {
        return 0;
    }

    @Override
    public Endpoint src() {
        return new Endpoint("10.0.0.5", 50000);
    }

    @Override
    public Endpoint dst() {
        return new Endpoint("10.0.0.10", 389);
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public String carrier() {
        return null;
    }

    @Override
    public void emit(String protocol, Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("_protocol", protocol);
        events.add(m);
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
    public String call(String table, String key, Pdu pdu, FieldNode parent) {
        calls.add(table + "=" + key + " (" + pdu.length() + " bytes)");
        return null;
    }

    @Override
    public String callHeuristic(String table, Pdu pdu, FieldNode parent) {
        calls.add(table + " heuristic (" + pdu.length() + " bytes)");
        return null;
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
                return (T) conversation.computeIfAbsent(key, k -> create.get());
            }
        };
    }

    @Override
    public AnalysisOptions options() {
        return AnalysisOptions.defaults();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T service(Class<T> type, Supplier<T> create) {
        return (T) conversation.computeIfAbsent(type.getName(), k -> create.get());
    }
}
