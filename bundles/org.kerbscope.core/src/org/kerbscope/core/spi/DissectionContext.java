package org.kerbscope.core.spi;

import java.util.Map;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.FieldNode;

/** What the engine gives a dissector while it reads one PDU. */
public interface DissectionContext {

    /** The frame the PDU belongs to (for a PDU spanning segments: the frame that completed it). */
    long frame();

    /** Capture time of that frame, nanoseconds since the epoch. */
    long timeNanos();

    Endpoint src();

    Endpoint dst();

    /** {@code udp} or {@code tcp}: the transport under the outermost dissector. */
    String transport();

    /**
     * The application protocol that carries this PDU ({@code http}, {@code dns}, …): null when this dissector
     * sits directly on UDP/TCP. Kerberos uses it to tell {@code kdc-udp} from Kerberos inside HTTP.
     */
    String carrier();

    /**
     * Names the protocol that carries what this PDU hands on through {@link #call} (the {@code carrier} of the
     * nested events). By default it is this dissector's id; a dissector that reads two protocol versions (an old and a new dialect
     * on the same port) says which one this PDU is.
     */
    default void setCarrier(String carrier) {
    }

    /** Records a typed fact for checks, flows and the JSON output; {@code protocol} names the JSON array. */
    void emit(String protocol, Map<String, Object> fields);

    /** Records that these bytes are not what the protocol allows (the analysis lists it; never throw instead). */
    void diagnostic(String protocol, String message);

    /** The node to hang this PDU's fields under, or null when no tree is wanted (the fast analysis path). */
    FieldNode tree();

    /**
     * Hands a nested PDU to the dissector registered in {@code table} under {@code key} (for instance
     * {@code gss.oid} / {@code 1.2.840.113554.1.2.2}).
     *
     * @return the id of the innermost protocol that read it ({@code kerberos} for a SPNEGO token carrying an
     *         AP-REQ), or null when no dissector is registered there
     */
    String call(String table, String key, Pdu pdu, FieldNode parent);

    /** Offers a nested PDU to the heuristic dissectors of {@code table}; returns as {@link #call}. */
    String callHeuristic(String table, Pdu pdu, FieldNode parent);

    /** State shared by both directions of this conversation. */
    ConversationState conversation();

    /** The user's options: keytabs, decode-as rules, limits. */
    AnalysisOptions options();

    /** A per-analysis service a dissector bundle keeps (a keytab key cache), created on first use. */
    <T> T service(Class<T> type, java.util.function.Supplier<T> create);
}
