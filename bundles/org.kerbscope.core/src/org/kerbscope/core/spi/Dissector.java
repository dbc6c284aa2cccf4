package org.kerbscope.core.spi;

/**
 * Reads one protocol. Contributed through the {@code org.kerbscope.core.dissectors} extension point, which
 * also says under which table keys it is found ({@code tcp.port}=88, {@code gss.oid}=1.2.840.113554.1.2.2,
 * {@code http.auth}=Negotiate, …) and in which heuristic lists it takes part.
 * <p>
 * Bytes are hostile: a dissector checks every length against what remains, and reports what it cannot read
 * with {@link DissectionContext#diagnostic} and a malformed tree node. Nothing may escape {@link #dissect};
 * the engine catches what does and reports it as a defect of the contributing plug-in.
 * <p>
 * One instance serves the whole analysis (and may be called from several threads for different
 * conversations): keep per-conversation state in {@link DissectionContext#conversation()}.
 */
public interface Dissector {

    /** Reads one PDU: emits events, adds tree nodes when a tree is wanted, hands nested tokens on. */
    void dissect(Pdu pdu, DissectionContext ctx);

    /**
     * Heuristic: whether these bytes (the first PDU of a conversation, or a token) are this protocol. Must be
     * cheap and must never throw. A conversation a heuristic accepted stays with this dissector.
     */
    default boolean accepts(Pdu pdu, String transport) {
        return false;
    }

    /**
     * For protocols carried over TCP: a new framer for one direction of one connection, or null when the
     * protocol is not stream-framed (the engine then hands over each segment's bytes as one PDU).
     *
     * @param conversation state shared by both directions
     * @param fromClient   true for the direction from the connection's initiator
     */
    default StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return null;
    }
}
