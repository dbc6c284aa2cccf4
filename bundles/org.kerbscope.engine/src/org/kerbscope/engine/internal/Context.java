package org.kerbscope.engine.internal;

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
import org.kerbscope.engine.Engine;

/** The context one dissector sees for one PDU; nested calls get a child context with the carrier set. */
public final class Context implements DissectionContext {
    private static final int MAX_NESTING = 12;

    private final Engine engine;
    private final long frame;
    private final long timeNanos;
    private final Endpoint src;
    private final Endpoint dst;
    private final String transport;
    private final String carrier;
    private final String dissectorId;
    private final FieldNode tree;
    private final ConversationState conversation;
    private final int depth;
    String innermost;
    private String childCarrier;

    public Context(Engine engine, long frame, long timeNanos, Endpoint src, Endpoint dst, String transport,
            String carrier, String dissectorId, FieldNode tree, ConversationState conversation, int depth) {
        this.engine = engine;
        this.frame = frame;
        this.timeNanos = timeNanos;
        this.src = src;
        this.dst = dst;
        this.transport = transport;
        this.carrier = carrier;
        this.dissectorId = dissectorId;
        this.tree = tree;
        this.conversation = conversation;
        this.depth = depth;
    }

    @Override
    public long frame() {
        return frame;
    }

    @Override
    public long timeNanos() {
        return timeNanos;
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
        return carrier;
    }

    @Override
    public void setCarrier(String c) {
        this.childCarrier = c;
    }

    @Override
    public void emit(String protocol, Map<String, Object> fields) {
        engine.emit(protocol, frame, timeNanos, src, dst, fields);
    }

    @Override
    public void diagnostic(String protocol, String message) {
        engine.diagnostic(frame, protocol, message);
    }

    @Override
    public FieldNode tree() {
        return tree;
    }

    @Override
    public String call(String table, String key, Pdu pdu, FieldNode parent) {
        DissectorContribution d = engine.tables().lookup(table, key);
        if (d == null) {
            return null;
        }
        return run(d, pdu, parent);
    }

    @Override
    public String callHeuristic(String table, Pdu pdu, FieldNode parent) {
        for (DissectorContribution d : engine.tables().heuristics(table)) {
            Dissector dis = d.get();
            if (dis != null && engine.accepts(d, dis, pdu, transport)) {
                return run(d, pdu, parent);
            }
        }
        return null;
    }

    private String run(DissectorContribution d, Pdu pdu, FieldNode parent) {
        if (depth >= MAX_NESTING) {
            diagnostic(d.id(), "nesting deeper than " + MAX_NESTING + " levels: not dissected");
            return null;
        }
        Context child = new Context(engine, frame, timeNanos, src, dst, transport,
                carrier != null ? carrier : childCarrier != null ? childCarrier : dissectorId, d.id(), parent != null ? parent : tree, conversation,
                depth + 1);
        engine.invoke(d, pdu, child);
        String inner = child.innermost != null ? child.innermost : d.id();
        innermost = inner;
        return inner;
    }

    /** The innermost protocol a top-level call reached. */
    public String innermost() {
        return innermost != null ? innermost : dissectorId;
    }

    @Override
    public ConversationState conversation() {
        return conversation;
    }

    @Override
    public AnalysisOptions options() {
        return engine.options();
    }

    @Override
    public <T> T service(Class<T> type, Supplier<T> create) {
        return engine.service(type, create);
    }
}
