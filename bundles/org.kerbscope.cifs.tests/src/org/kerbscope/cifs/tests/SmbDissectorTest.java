package org.kerbscope.cifs.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kerbscope.cifs.SmbDissector;
import org.kerbscope.cifs.internal.NetbiosFramer;
import org.kerbscope.cifs.internal.NtStatus;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;

/** The SMB dissector and its NetBIOS framer on their own, with messages built from MS-SMB2 / MS-CIFS. */
class SmbDissectorTest {
    private final SmbDissector dissector = new SmbDissector();

    private RecordingContext dissect(byte[] message, boolean fromServer) {
        RecordingContext ctx = new RecordingContext().withTree();
        ctx.fromServer(fromServer);
        dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(message), 54), ctx);
        return ctx;
    }

    @Test
    void negotiateNamesDialectsAndTheMechanismsTheServerOffers() {
        RecordingContext req = dissect(Smb.nbss(Smb.negotiateRequest(0, 0x0202, 0x0210, 0x0300, 0x0302)), false);
        Map<String, Object> q = req.events("smb2").get(0);
        assertEquals("NEGOTIATE", q.get("command"));
        assertEquals("request", q.get("kind"));
        assertFalse(q.containsKey("status"), "requests carry no status");
        assertEquals(List.of("2.0.2", "2.1", "3.0", "3.0.2"), q.get("dialects"));

        byte[] hints = Smb.negTokenInit2(Smb.MS_KRB5, Smb.KRB5, Smb.NTLMSSP);
        RecordingContext resp = dissect(Smb.nbss(Smb.negotiateResponse(0, 0x0302, hints)), true);
        Map<String, Object> r = resp.events("smb2").get(0);
        assertEquals("response", r.get("kind"));
        assertEquals(0L, r.get("status"));
        assertEquals("STATUS_SUCCESS", r.get("statusName"));
        assertEquals("3.0.2", r.get("dialect"));
        assertEquals(List.of("kerberos", "ntlm"), r.get("mechanisms"));
        assertEquals(1, resp.calls.size());
        assertEquals(Smb.SPNEGO, resp.calls.get(0).key(), "the hints go to the SPNEGO dissector by their own OID");
        assertArrayEquals(hints, resp.calls.get(0).bytes());
        assertEquals(List.of("smb2"), resp.carriers);
        assertTrue(resp.tree.find("smb2.dialect") != null);
    }

    @Test
    void sessionSetupHandsTheRealSpnegoTokenOnAndSaysWhatItCarried() throws Exception {
        Kdc kdc = Kdc.get();
        RecordingContext req = new RecordingContext();
        req.answers.put(Smb.SPNEGO, "kerberos"); // what the engine answers when SPNEGO found an AP-REQ inside
        dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(Smb.nbss(Smb.sessionSetupRequest(2, 0, kdc.init))), 54), req);
        assertEquals(Smb.SPNEGO, req.calls.get(0).key());
        assertArrayEquals(kdc.init, req.calls.get(0).bytes(), "the security buffer is the token, byte for byte");
        assertEquals("kerberos", req.events("smb2").get(0).get("auth"));

        RecordingContext resp = dissect(Smb.nbss(Smb.sessionSetupResponse(2, 0x1234L, Smb.SUCCESS, 0, kdc.resp)), true);
        Map<String, Object> r = resp.events("smb2").get(0);
        assertEquals("SESSION_SETUP", r.get("command"));
        assertEquals("0x0000000000001234", r.get("sessionId"));
        assertEquals(List.of(), r.get("sessionFlags"));
        assertArrayEquals(kdc.resp, resp.calls.get(0).bytes());

        RecordingContext anon = dissect(Smb.nbss(Smb.sessionSetupRequest(3, 0, new byte[0])), false);
        assertEquals("none", anon.events("smb2").get(0).get("auth"));
        assertTrue(anon.calls.isEmpty());
        RecordingContext nul = dissect(Smb.nbss(Smb.sessionSetupResponse(3, 9, Smb.SUCCESS, 3, new byte[0])), true);
        assertEquals(List.of("guest", "null"), nul.events("smb2").get(0).get("sessionFlags"));
    }

    @Test
    void rawNtlmsspGoesToTheNtlmDissector() {
        RecordingContext ctx = dissect(Smb.nbss(Smb.sessionSetupRequest(2, 0, Ntlm.negotiate())), false);
        assertEquals(Smb.NTLMSSP, ctx.calls.get(0).key());
        assertEquals("ntlm", ctx.events("smb2").get(0).get("auth"));
    }

    @Test
    void everyCommandOfACompoundIsRead() {
        byte[] compound = Smb.compound(Smb.treeConnectResponse(7, 5, 1), Smb.errorResponse(Smb.CREATE, 8, 5, 1,
                Smb.OBJECT_NAME_NOT_FOUND), Smb.errorResponse(Smb.TREE_CONNECT, 9, 5, 0, Smb.BAD_NETWORK_NAME),
                Smb.logoff(true, 10, 5));
        RecordingContext ctx = new RecordingContext();
        ctx.fromServer(false);
        dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(Smb.nbss(Smb.compound(Smb.treeConnectRequest(7, 5,
                "\\\\files.cifs.test\\Software$"), Smb.treeConnectRequest(9, 5, "\\\\files.cifs.test\\Missing$")))), 54), ctx);
        ctx.fromServer(true);
        ctx.frame = 2;
        dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(Smb.nbss(compound)), 54), ctx);
        List<Map<String, Object>> ev = ctx.events("smb2");
        assertEquals(5, ev.size(), "2 requests, then TREE_CONNECT, TREE_CONNECT, LOGOFF (CREATE plays no part): " + ev);
        assertEquals(List.of("TREE_CONNECT", "TREE_CONNECT", "TREE_CONNECT", "TREE_CONNECT", "LOGOFF"),
                ev.stream().map(e -> e.get("command")).toList());
        assertEquals("\\\\files.cifs.test\\Software$", ev.get(2).get("share"), "answers get the path their request named");
        assertEquals(0xC00000CCL, ev.get(3).get("status"));
        assertEquals("STATUS_BAD_NETWORK_NAME", ev.get(3).get("statusName"));
        assertEquals("\\\\files.cifs.test\\Missing$", ev.get(3).get("share"));
        assertEquals(true, ev.get(4).get("compound"));
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
    }

    /** One side of a connection, dissected with or without a tree: READ, QUERY_INFO, CLOSE and session commands. */
    private RecordingContext conversation(boolean withTree) throws Exception {
        Kdc kdc = Kdc.get();
        long sid = 0xFEDCBA9876543210L;
        byte[][] fromClient = {
            Smb.cat(Smb.header(8, false, 0, 20, sid, 1), new byte[49]), // READ
            Smb.cat(Smb.header(16, false, 0, 21, sid, 1), new byte[41]), // QUERY_INFO
            Smb.sessionSetupRequest(22, 0, kdc.init),
            Smb.sessionSetupRequest(23, 0, Ntlm.negotiate()),
            Smb.cat(Smb.header(6, false, 0, 24, sid, 1), new byte[24]), // CLOSE
        };
        byte[][] fromServer = {
            Smb.cat(Smb.header(8, true, 0, 20, sid, 1), new byte[17 + 100]), // READ with data
            Smb.errorResponse(16, 21, sid, 1, Smb.ACCESS_DENIED), // QUERY_INFO refused: no part in authentication
            Smb.sessionSetupResponse(22, 0x1234, Smb.SUCCESS, 0, kdc.resp),
            Smb.sessionSetupResponse(23, 0, Smb.LOGON_FAILURE, 0, new byte[0]),
            Smb.errorResponse(6, 24, sid, 1, 0xC0000203L), // CLOSE answered USER_SESSION_DELETED
            Smb.errorResponse(8, 25, 0, 1, 0xC000035CL), // READ answered NETWORK_SESSION_EXPIRED
        };
        RecordingContext ctx = new RecordingContext();
        if (withTree) {
            ctx.withTree();
        }
        ctx.answers.put(Smb.SPNEGO, "kerberos");
        for (int i = 0; i < Math.max(fromClient.length, fromServer.length); i++) {
            for (int side = 0; side < 2; side++) {
                byte[][] msgs = side == 0 ? fromClient : fromServer;
                if (i < msgs.length) {
                    ctx.fromServer(side == 1);
                    ctx.frame = 1 + 2L * i + side;
                    dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(Smb.nbss(msgs[i])), 54), ctx);
                }
            }
        }
        return ctx;
    }

    @Test
    void theFastPathReportsWhatTheTreePathReportsAndSkipsFileCommands() throws Exception {
        RecordingContext fast = conversation(false);
        RecordingContext full = conversation(true);
        assertEquals(full.events, fast.events, "without a tree the same events, in the same order");
        assertEquals(full.diagnostics, fast.diagnostics);
        assertEquals(full.calls.size(), fast.calls.size());
        for (int i = 0; i < full.calls.size(); i++) {
            assertEquals(full.calls.get(i).key(), fast.calls.get(i).key());
            assertArrayEquals(full.calls.get(i).bytes(), fast.calls.get(i).bytes());
        }

        List<Map<String, Object>> ev = fast.events("smb2");
        assertEquals(List.of("SESSION_SETUP", "SESSION_SETUP", "SESSION_SETUP", "SESSION_SETUP", "CLOSE", "READ"),
                ev.stream().map(e -> e.get("command")).toList(), "READ, QUERY_INFO and CLOSE emit nothing: " + ev);
        assertEquals("kerberos", ev.get(0).get("auth"));
        assertEquals("kerberos", ev.get(1).get("auth"));
        assertEquals("ntlm", ev.get(2).get("auth"));
        assertEquals(Smb.LOGON_FAILURE, ev.get(3).get("status"));
        assertEquals("STATUS_LOGON_FAILURE", ev.get(3).get("statusName"));
        assertEquals(0xC0000203L, ev.get(4).get("status"));
        assertEquals("STATUS_USER_SESSION_DELETED", ev.get(4).get("statusName"));
        assertEquals("0xfedcba9876543210", ev.get(4).get("sessionId"), "a session id with its top bit set");
        assertEquals("STATUS_NETWORK_SESSION_EXPIRED", ev.get(5).get("statusName"));
        assertEquals("0x0000000000000000", ev.get(5).get("sessionId"));
        assertEquals("0x0000000000001234", ev.get(1).get("sessionId"));
        assertEquals(List.of(Smb.SPNEGO, Smb.SPNEGO, Smb.NTLMSSP), fast.calls.stream().map(c -> c.key()).toList());
        assertTrue(fast.diagnostics.isEmpty(), fast.diagnostics.toString());
    }

    @Test
    void smb1SessionSetupIsRecognisedWithCarrierSmbAndStaysOutOfTheSmb2Array() throws Exception {
        Kdc kdc = Kdc.get();
        RecordingContext ctx = dissect(Smb.nbss(Smb.smb1SessionSetupRequest(2, kdc.init)), false);
        assertEquals(List.of("smb"), ctx.carriers);
        assertTrue(ctx.events("smb2").isEmpty());
        assertEquals("SESSION_SETUP_ANDX", ctx.events("smb").get(0).get("command"));
        assertArrayEquals(kdc.init, ctx.calls.get(0).bytes());
        RecordingContext neg = dissect(Smb.nbss(Smb.smb1NegotiateResponse(Smb.negTokenInit2(Smb.KRB5, Smb.NTLMSSP))), true);
        assertEquals(List.of("kerberos", "ntlm"), neg.events("smb").get(0).get("mechanisms"));
        RecordingContext q = dissect(Smb.nbss(Smb.smb1NegotiateRequest("NT LM 0.12", "SMB 2.002", "SMB 2.???")), false);
        assertEquals(List.of("NT LM 0.12", "SMB 2.002", "SMB 2.???"), q.events("smb").get(0).get("dialects"));
    }

    @Test
    void encryptedTrafficIsRecognisedOncePerDirection() {
        RecordingContext ctx = new RecordingContext();
        for (int i = 0; i < 3; i++) {
            ctx.fromServer(i == 2);
            dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(Smb.nbss(Smb.transform(0x44, 100))), 54), ctx);
        }
        List<Map<String, Object>> ev = ctx.events("smb2");
        assertEquals(2, ev.size());
        assertEquals("ENCRYPTED", ev.get(0).get("command"));
        assertEquals("request", ev.get(0).get("kind"));
        assertEquals("response", ev.get(1).get("kind"));
    }

    @Test
    void ntStatusNamesAreAnOpenEnum() {
        assertEquals("STATUS_LOGON_FAILURE", NtStatus.name(0xC000006DL));
        assertEquals("STATUS_ACCOUNT_LOCKED_OUT", NtStatus.name(0xC0000234L));
        assertEquals("STATUS_MORE_PROCESSING_REQUIRED", NtStatus.name(0xC0000016L));
        assertEquals("STATUS_BAD_NETWORK_NAME", NtStatus.name(0xC00000CCL));
        assertEquals("0xC0DE0001", NtStatus.name(0xC0DE0001L));
        assertTrue(NtStatus.isLogonFailure(0xC0000072L));
        assertFalse(NtStatus.isLogonFailure(0xC0000016L));
    }

    @Test
    void theTcpHeuristicKnowsSmbFromOtherProtocols() {
        assertTrue(dissector.accepts(Pdu.detached(ByteBuffer.wrap(Smb.nbss(Smb.negotiateRequest(0, 0x0202))), "t"), "tcp"));
        assertTrue(dissector.accepts(Pdu.detached(ByteBuffer.wrap(Smb.nbss(Smb.smb1NegotiateRequest("NT LM 0.12"))), "t"), "tcp"));
        assertFalse(dissector.accepts(Pdu.detached(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), "t"), "tcp"));
        assertFalse(dissector.accepts(Pdu.detached(ByteBuffer.wrap(new byte[] { 0, 0, 0, 8, 1, 2, 3, 4 }), "t"), "tcp"));
        assertFalse(dissector.accepts(Pdu.detached(ByteBuffer.wrap(new byte[3]), "t"), "tcp"));
    }

    // ------------------------------------------------------------------ framing

    /** The server's side of a port-139 session with every kind of NetBIOS message and a compound. */
    private static byte[] serverStream() throws Exception {
        Kdc kdc = Kdc.get();
        return Smb.cat(Smb.nbssControl(0x82, new byte[0]), Smb.nbssControl(0x85, new byte[0]),
                Smb.nbss(Smb.negotiateResponse(0, 0x0302, Smb.negTokenInit2(Smb.KRB5, Smb.NTLMSSP))),
                Smb.nbssControl(0x85, new byte[0]),
                Smb.nbss(Smb.sessionSetupResponse(1, 0x55, Smb.SUCCESS, 0, kdc.resp)),
                Smb.nbss(Smb.compound(Smb.treeConnectResponse(2, 0x55, 1), Smb.logoff(true, 3, 0x55))));
    }

    private List<String> feed(byte[] stream, int... cuts) {
        Driver d = new Driver(dissector);
        int prev = 0;
        for (int c : cuts) {
            d.segment(java.util.Arrays.copyOfRange(stream, prev, c));
            prev = c;
        }
        d.segment(java.util.Arrays.copyOfRange(stream, prev, stream.length));
        List<String> out = new ArrayList<>();
        for (RecordingContext.Emitted e : d.ctx.events) {
            out.add(e.fields().get("command") + "/" + e.fields().get("kind") + "@" + e.frame());
        }
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
        return out;
    }

    @Test
    void netbiosMessagesSplitAtEveryBytePositionGiveTheSameEvents() throws Exception {
        byte[] stream = serverStream();
        List<String> whole = feed(stream);
        assertEquals(4, whole.size(), whole.toString());
        for (int cut = 1; cut < stream.length; cut++) {
            List<String> split = feed(stream, cut);
            assertEquals(strip(whole), strip(split), "split at byte " + cut);
        }
        int[] every = new int[stream.length - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(strip(whole), strip(feed(stream, every)), "one byte per segment");
    }

    private static List<String> strip(List<String> events) {
        return events.stream().map(s -> s.substring(0, s.indexOf('@'))).toList();
    }

    @Test
    void aPduBelongsToTheSegmentThatCompletesIt() throws Exception {
        byte[] msg = Smb.nbss(Smb.negotiateRequest(0, 0x0202));
        List<String> ev = feed(msg, 10, 40);
        assertEquals(List.of("NEGOTIATE/request@3"), ev);
    }

    @Test
    void aCaptureThatStartsInTheMiddleOfAMessageResynchronises() {
        byte[] garbage = Smb.random(777);
        garbage[0] = 0x17;
        byte[] stream = Smb.cat(garbage, Smb.nbss(Smb.negotiateRequest(0, 0x0202)), Smb.nbss(Smb.logoff(false, 4, 9)));
        Driver d = new Driver(dissector);
        d.segment(java.util.Arrays.copyOf(stream, 500));
        d.segment(java.util.Arrays.copyOfRange(stream, 500, stream.length));
        assertEquals(List.of("NEGOTIATE", "LOGOFF"), d.ctx.events.stream().map(e -> e.fields().get("command")).toList());
    }

    @Test
    void largeDataMessagesArePassedOverWithoutBuffering() throws Exception {
        byte[] write = Smb.nbss(Smb.write(20, 0x55, 1, 300_000));
        byte[] stream = Smb.cat(write, Smb.nbss(Smb.logoff(false, 21, 0x55)));
        Driver d = new Driver(dissector);
        for (int off = 0; off < stream.length; off += 1460) {
            d.segment(java.util.Arrays.copyOfRange(stream, off, Math.min(stream.length, off + 1460)));
        }
        assertTrue(d.maxBuffered < 4 * 1460, "buffered " + d.maxBuffered + " bytes of a 300 kB WRITE");
        assertEquals(List.of("LOGOFF"), d.ctx.events.stream().map(e -> e.fields().get("command")).toList());
    }

    // ------------------------------------------------------------------ hostile bytes

    @Test
    void truncatedAndDamagedMessagesNeverThrowAndAreReported() throws Exception {
        Kdc kdc = Kdc.get();
        List<byte[]> valid = List.of(Smb.nbss(Smb.negotiateRequest(0, 0x0202, 0x0311)),
                Smb.nbss(Smb.negotiateResponse(0, 0x0311, Smb.negTokenInit2(Smb.KRB5, Smb.NTLMSSP))),
                Smb.nbss(Smb.sessionSetupRequest(1, 0, kdc.init)),
                Smb.nbss(Smb.sessionSetupResponse(1, 5, Smb.SUCCESS, 0, kdc.resp)),
                Smb.nbss(Smb.compound(Smb.treeConnectRequest(2, 5, "\\\\h\\s"), Smb.logoff(false, 3, 5))),
                Smb.nbss(Smb.smb1NegotiateResponse(Smb.negTokenInit2(Smb.KRB5))),
                Smb.nbss(Smb.smb1SessionSetupRequest(2, kdc.init)), Smb.nbss(Smb.transform(5, 40)));
        Random rnd = new Random(139);
        for (byte[] v : valid) {
            for (int n = 0; n < v.length; n++) {
                RecordingContext ctx = dissect(java.util.Arrays.copyOf(v, n), rnd.nextBoolean());
                assertNoEscape(ctx);
                if (n > 8 && n < v.length) {
                    assertFalse(ctx.diagnostics.isEmpty(), "a message cut to " + n + " of " + v.length + " bytes is reported");
                }
                probe(java.util.Arrays.copyOf(v, n));
            }
            for (int i = 0; i < 400; i++) {
                byte[] m = v.clone();
                for (int k = 0; k < 1 + rnd.nextInt(6); k++) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
                assertNoEscape(dissect(m, rnd.nextBoolean()));
                probe(m);
            }
        }
        for (int i = 0; i < 2000; i++) {
            byte[] junk = Smb.random(rnd.nextInt(200));
            if (junk.length > 8) {
                junk[0] = 0;
                junk[4] = (byte) (0xFC + rnd.nextInt(4));
                junk[5] = 'S';
                junk[6] = 'M';
                junk[7] = 'B';
            }
            assertNoEscape(dissect(junk, rnd.nextBoolean()));
            probe(junk);
        }
    }

    /** The dissector turns what it cannot read into a diagnostic, never into a caught exception. */
    private static void assertNoEscape(RecordingContext ctx) {
        for (String d : ctx.diagnostics) {
            assertFalse(d.contains("unreadable ("), "an exception was caught inside the dissector: " + d);
        }
    }

    private void probe(byte[] b) {
        dissector.accepts(Pdu.detached(ByteBuffer.wrap(b), "t"), "tcp");
        long r = new NetbiosFramer().next(ByteBuffer.wrap(b));
        assertTrue(r == StreamFramer.NEED_MORE || r != 0, "framer answers");
    }

    /** Feeds one direction's segments to a framer and the dissector, as the engine does. */
    static final class Driver {
        final RecordingContext ctx = new RecordingContext();
        private final SmbDissector dissector;
        private final StreamFramer framer;
        private byte[] buf = new byte[0];
        private long skip;
        int maxBuffered;

        Driver(SmbDissector dissector) {
            this.dissector = dissector;
            this.framer = dissector.newFramer(ctx.conversation(), false);
            ctx.fromServer(true);
            ctx.frame = 0;
        }

        void segment(byte[] data) {
            ctx.frame++;
            int pos = 0;
            if (skip > 0) {
                int k = (int) Math.min(skip, data.length);
                skip -= k;
                pos = k;
            }
            buf = Smb.cat(buf, java.util.Arrays.copyOfRange(data, pos, data.length));
            maxBuffered = Math.max(maxBuffered, buf.length);
            while (buf.length > 0) {
                long r = framer.next(ByteBuffer.wrap(buf));
                if (r == StreamFramer.REJECT || r == StreamFramer.NEED_MORE || r > buf.length) {
                    return;
                }
                if (r < 0) {
                    long k = Math.min(-r, buf.length);
                    buf = java.util.Arrays.copyOfRange(buf, (int) k, buf.length);
                    skip = -r - k;
                    continue;
                }
                byte[] pdu = java.util.Arrays.copyOf(buf, (int) r);
                buf = java.util.Arrays.copyOfRange(buf, (int) r, buf.length);
                dissector.dissect(Pdu.detached(ByteBuffer.wrap(pdu), "Reassembled TCP"), ctx);
            }
        }
    }
}
