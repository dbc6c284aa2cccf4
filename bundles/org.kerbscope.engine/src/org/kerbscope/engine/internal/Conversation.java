package org.kerbscope.engine.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.spi.ConversationState;

/** Per-conversation state shared by both directions and by every dissector that reads it. */
public final class Conversation implements ConversationState {
    private final Endpoint client;
    private final Endpoint server;
    private Map<String, Object> attributes;
    /** Its number among the analysis' conversation spans, or -1 when they are not kept. */
    private int span = -1;

    public Conversation(Endpoint client, Endpoint server) {
        this.client = client;
        this.server = server;
    }

    public int span() {
        return span;
    }

    public void setSpan(int span) {
        this.span = span;
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
    public synchronized <T> T attribute(String key, Supplier<T> create) {
        if (attributes == null) {
            attributes = new HashMap<>(4);
        }
        return (T) attributes.computeIfAbsent(key, k -> create.get());
    }
}
