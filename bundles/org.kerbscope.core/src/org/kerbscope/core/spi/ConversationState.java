package org.kerbscope.core.spi;

import java.util.function.Supplier;

import org.kerbscope.core.model.Endpoint;

/** What a dissector remembers about one conversation (both directions of a TCP connection or UDP flow). */
public interface ConversationState {
    /** The initiator (the side that sent the SYN, or the first datagram). */
    Endpoint client();

    Endpoint server();

    /** A value kept for this conversation, created on first use. */
    <T> T attribute(String key, Supplier<T> create);
}
