package org.kerbscope.dissect.dcerpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;

/** DCE/RPC binds built from C706 12.6 / MS-RPCE 2.2.2 with an NTLMSSP NEGOTIATE (MS-NLMP 2.2.1.1) as auth value. */
class DceRpcDissectorTest {

    /** NTLMSSP NEGOTIATE: signature, type 1, flags, empty domain and workstation fields. */
    static final byte[] NTLM = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).put("NTLMSSP\0".getBytes())
            .putInt(1).putInt(0xe2088297).array();

    /** A bind (ptype 11), little-endian, one presentation context omitted (its body is opaque here). */
    static byte[] bind(int authType, byte[] token) {
        int body = 12;
        int frag = 16 + body + 8 + token.length;
        ByteBuffer b = ByteBuffer.allocate(frag).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 5).put((byte) 0).put((byte) 11).put((byte) 3).putInt(0x10);
        b.putShort((short) frag).putShort((short) token.length).putInt(2);
        b.putShort((short) 4280).putShort((short) 4280).putInt(0).putInt(0);
        b.put((byte) authType).put((byte) 6).put((byte) 0).put((byte) 0).putInt(0);
        b.put(token);
        return b.array();
    }

    static final class Ctx implements DissectionContext {
        final List<Map<String, Object>> events = new ArrayList<>();
        final List<String> diagnostics = new ArrayList<>();
        byte[] handed;

        @Override public long frame() { return 1; }
        @Override public long timeNanos() { return 0; }
        @Override public Endpoint src() { return new Endpoint("10.0.0.1", 50000); }
        @Override public Endpoint dst() { return new Endpoint("10.0.0.2", 49701); }
        @Override public String transport() { return "tcp"; }
        @Override public String carrier() { return null; }
        @Override public void emit(String protocol, Map<String, Object> fields) { events.add(fields); }
        @Override public void diagnostic(String protocol, String message) { diagnostics.add(message); }
        @Override public FieldNode tree() { return null; }
        @Override public String call(String table, String key, Pdu pdu, FieldNode parent) { return null; }
        @Override public String callHeuristic(String table, Pdu pdu, FieldNode parent) {
            handed = pdu.bytes(0, pdu.length());
            return "ntlmssp";
        }
        @Override public ConversationState conversation() { return null; }
        @Override public AnalysisOptions options() { return AnalysisOptions.defaults(); }
        @Override public <T> T service(Class<T> type, Supplier<T> create) { return create.get(); }
    }

    @Test
    void aBindHandsItsAuthValueToTheGssDissectors() {
        byte[] pdu = bind(10, NTLM);
        DceRpcDissector d = new DceRpcDissector();
        assertTrue(d.accepts(Pdu.ofFrame(ByteBuffer.wrap(pdu), 54), "tcp"));
        Ctx ctx = new Ctx();
        d.dissect(Pdu.ofFrame(ByteBuffer.wrap(pdu), 54), ctx);
        assertEquals(List.of(Map.of("ptype", "bind", "authType", "ntlmssp", "authLevel", 6, "token", "ntlmssp")), ctx.events);
        assertArrayEquals(NTLM, ctx.handed, "exactly the auth value reaches the GSS dissectors");
        assertEquals(List.of(), ctx.diagnostics);
    }

    @Test
    void theFramerCutsFragmentsAndRejectsOtherProtocols() {
        byte[] one = bind(10, NTLM);
        ByteBuffer two = ByteBuffer.allocate(one.length * 2).put(one).put(one).flip();
        StreamFramer f = new DceRpcDissector().newFramer(null, true);
        assertEquals(one.length, f.next(two));
        assertEquals(StreamFramer.NEED_MORE, f.next(ByteBuffer.wrap(one, 0, 10).slice()));
        assertEquals(StreamFramer.REJECT, f.next(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes())));
        assertFalse(new DceRpcDissector().accepts(Pdu.ofFrame(ByteBuffer.wrap("HTTP/1.1 200 OK\r\n\r\n".getBytes()), 0), "tcp"));
    }

    @Test
    void aLyingAuthLengthIsADiagnosticAndDamageNeverThrows() {
        byte[] pdu = bind(10, NTLM);
        pdu[10] = (byte) 0xff; // auth_length larger than the fragment
        Ctx ctx = new Ctx();
        new DceRpcDissector().dissect(Pdu.ofFrame(ByteBuffer.wrap(pdu), 0), ctx);
        assertTrue(ctx.diagnostics.get(0).contains("does not fit"), ctx.diagnostics.toString());
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = bind(r.nextBoolean() ? 9 : 16, NTLM);
            m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            byte[] cut = java.util.Arrays.copyOf(m, r.nextInt(m.length + 1));
            new DceRpcDissector().dissect(Pdu.ofFrame(ByteBuffer.wrap(cut), 0), new Ctx());
            new DceRpcDissector().accepts(Pdu.ofFrame(ByteBuffer.wrap(cut), 0), "tcp");
        }
    }
}
