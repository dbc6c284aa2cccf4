package org.kerbscope.core.spi;

import java.util.Map;
import java.util.function.Supplier;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.FieldNode;

/**
 * A dissection context that hands every call to another one: a dissector that reads bytes of its own making (the
 * plaintext of a decrypted record, a decompressed header list) gives its inner dissector this context with the few
 * methods it changes overridden, such as {@link #tree()} (where the inner tree goes) or {@link #emit} (what the
 * events say of where they came from).
 */
public abstract class ForwardingDissectionContext implements DissectionContext {
    private final DissectionContext outer;

    protected ForwardingDissectionContext(DissectionContext outer) {
        this.outer = outer;
    }

    /** The context calls go to. */
    protected final DissectionContext outer() {
        return outer;
    }

    @Override
    public long frame() {
        return outer.frame();
    }

    @Override
    public long timeNanos() {
        return outer.timeNanos();
    }

    @Override
    public Endpoint src() {
        return outer.src();
    }

    @Override
    public Endpoint dst() {
        return outer.dst();
    }

    @Override
    public String transport() {
        return outer.transport();
    }

    @Override
    public String carrier() {
        return outer.carrier();
    }

    @Override
    public void setCarrier(String carrier) {
        outer.setCarrier(carrier);
    }

    @Override
    public void emit(String protocol, Map<String, Object> fields) {
        outer.emit(protocol, fields);
    }

    @Override
    public void diagnostic(String protocol, String message) {
        outer.diagnostic(protocol, message);
    }

    @Override
    public FieldNode tree() {
        return outer.tree();
    }

    @Override
    public String call(String table, String key, Pdu pdu, FieldNode parent) {
        return outer.call(table, key, pdu, parent);
    }

    @Override
    public String callHeuristic(String table, Pdu pdu, FieldNode parent) {
        return outer.callHeuristic(table, pdu, parent);
    }

    @Override
    public ConversationState conversation() {
        return outer.conversation();
    }

    @Override
    public AnalysisOptions options() {
        return outer.options();
    }

    @Override
    public <T> T service(Class<T> type, Supplier<T> create) {
        return outer.service(type, create);
    }
}
