package org.kerbscope.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Pdu;

/**
 * A DissectionContext that records what a dissector emits, reports and hands on (a nested call is written down
 * and answered by {@link #answer}, not run), with the frame, endpoints and conversation a test sets: for testing one
 * dissector, e.g. through {@link StreamDriver}. {@link FakeContext} instead runs the nested dissectors.
 */
public final class RecordingContext implements DissectionContext {
    public record Emitted(long frame, String protocol, Map<String, Object> fields) {
    }

    public record Call(long frame, String table, String key, byte[] bytes) {
    }

    public final List<Emitted> events = new ArrayList<>();
    public final List<String> diagnostics = new ArrayList<>();
    public final List<Call> calls = new ArrayList<>();
    /** What a nested call returns; null as when no dissector is registered. */
    public Function<Call, String> answer = c -> null;
    public long frame;
    public String transport = "tcp";
    public Endpoint src;
    public Endpoint dst;
    public FieldNode tree;
    public ConversationState conversation;
    /** The user's options the dissector sees (keytabs, TLS key logs, …). */
    public AnalysisOptions options = AnalysisOptions.defaults();
    private final Map<Class<?>, Object> services = new HashMap<>();

    public static final class Conversation implements ConversationState {
        private final Endpoint client;
        private final Endpoint server;
        private final Map<String, Object> attrs = new HashMap<>();

        public Conversation(Endpoint client, Endpoint server) {
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
        @SuppressWarnings("unchecked")
        public <T> T attribute(String key, Supplier<T> create) {
            return (T) attrs.computeIfAbsent(key, k -> create.get());
        }
    }

    @Override
    public long frame() {
        return frame;
    }

    @Override
    public long timeNanos() {
        return frame * 1_000_000L;
    }

    @Override
    public Endpoint src() {
        return src;
    }

    @Override
    public Endpoint dst() {
        return dst;
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
        events.add(new Emitted(frame, protocol, new LinkedHashMap<>(fields)));
    }

    @Override
    public void diagnostic(String protocol, String message) {
        diagnostics.add(frame + ": " + protocol + ": " + message);
    }

    @Override
    public FieldNode tree() {
        return tree;
    }

    @Override
    public String call(String table, String key, Pdu pdu, FieldNode parent) {
        ByteBuffer d = pdu.data();
        byte[] b = new byte[d.limit()];
        d.get(0, b);
        Call c = new Call(frame, table, key, b);
        calls.add(c);
        return answer.apply(c);
    }

    @Override
    public String callHeuristic(String table, Pdu pdu, FieldNode parent) {
        return call(table, "*", pdu, parent);
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
    @SuppressWarnings("unchecked")
    public <T> T service(Class<T> type, Supplier<T> create) {
        return (T) services.computeIfAbsent(type, k -> create.get());
    }

    /** The events of one protocol, as field maps. */
    public List<Map<String, Object>> fields(String protocol) {
        return events.stream().filter(e -> e.protocol.equals(protocol)).map(Emitted::fields).toList();
    }
}
