package org.kerbscope.cifs.tests;

import java.nio.ByteBuffer;
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
 * A DissectionContext without the engine, for the SMB dissector alone: records events, diagnostics, the carrier
 * it names and every token handed on (table, key, bytes); a nested call answers the protocol the engine's tables
 * would (kerberos for the krb5 OIDs, spnego, ntlmssp) without running it.
 */
final class RecordingContext implements DissectionContext {
    static final Endpoint CLIENT = new Endpoint("192.168.2.101", 50445);
    static final Endpoint SERVER = new Endpoint("192.168.2.104", 445);

    record Emitted(String protocol, long frame, Map<String, Object> fields) {
    }

    record Call(String table, String key, byte[] bytes) {
    }

    final List<Emitted> events = new ArrayList<>();
    final List<String> diagnostics = new ArrayList<>();
    final List<Call> calls = new ArrayList<>();
    final List<String> carriers = new ArrayList<>();
    final Map<String, Object> attributes = new HashMap<>();
    /** What a call under gss.oid answers for its key. */
    final Map<String, String> answers = new HashMap<>(Map.of(Smb.KRB5, "kerberos", Smb.MS_KRB5, "kerberos",
            Smb.SPNEGO, "spnego", Smb.NTLMSSP, "ntlmssp"));
    FieldNode tree;
    long frame = 1;
    Endpoint src = CLIENT;
    Endpoint dst = SERVER;

    RecordingContext withTree() {
        tree = new FieldNode("frame", "Frame", null, new ByteRange(0, 0));
        return this;
    }

    void fromServer(boolean s) {
        src = s ? SERVER : CLIENT;
        dst = s ? CLIENT : SERVER;
    }

    List<Map<String, Object>> events(String protocol) {
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
        return frame;
    }

    @Override
    public long timeNanos() {
        return 0;
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
        return "tcp";
    }

    @Override
    public String carrier() {
        return null;
    }

    @Override
    public void setCarrier(String carrier) {
        carriers.add(carrier);
    }

    @Override
    public void emit(String protocol, Map<String, Object> fields) {
        events.add(new Emitted(protocol, frame, new LinkedHashMap<>(fields)));
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
        calls.add(new Call(table, key, bytes(pdu)));
        return answers.get(key);
    }

    @Override
    public String callHeuristic(String table, Pdu pdu, FieldNode parent) {
        calls.add(new Call(table, null, bytes(pdu)));
        return null;
    }

    private static byte[] bytes(Pdu pdu) {
        ByteBuffer d = pdu.data();
        byte[] b = new byte[d.limit()];
        d.get(0, b);
        return b;
    }

    @Override
    public ConversationState conversation() {
        return new ConversationState() {
            @Override
            public Endpoint client() {
                return CLIENT;
            }

            @Override
            public Endpoint server() {
                return SERVER;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T attribute(String key, Supplier<T> create) {
                return (T) attributes.computeIfAbsent(key, k -> create.get());
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
        return (T) attributes.computeIfAbsent(type.getName(), k -> create.get());
    }
}
