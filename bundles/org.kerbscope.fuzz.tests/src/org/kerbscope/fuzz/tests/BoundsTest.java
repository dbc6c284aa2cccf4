package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.evidence.windows.SecurityEventLogImporter;

/**
 * Each cap that bounds what hostile bytes can make Kerbscope do, hit on purpose: the analysis goes on and says
 * what it gave up, in a diagnostic. (The TCP reassembly and IP fragment caps of {@code DecoderLimits} are hit by
 * net.tests' TcpReassemblyTest and IpFragmentTest, the tunnel depth by LinkLayerTest, the display filter's length
 * and depth caps by engine.tests' DisplayFilterTest, the attempts and PDU caps set by name through the options by
 * engine.tests' AttemptCapTest and PduLimitTest; core.tests' LimitsTest covers the names, defaults and wording.)
 */
class BoundsTest {
    @TempDir
    Path dir;

    /** The diagnostics one dissector reports for one PDU (nested tokens dispatched as in the engine). */
    static List<String> dissect(String id, String transport, byte[] data) {
        FuzzContext.Totals totals = new FuzzContext.Totals();
        FuzzContext ctx = new FuzzContext(FuzzTargets.tables(), FuzzTargets.options(), transport, null, id, null,
                new FuzzContext.Conversation(new Endpoint("192.168.2.101", 50000), new Endpoint("192.168.2.10", 53)),
                0, totals);
        Bounded.run(id, data.length, () -> {
            FuzzTargets.tables().byId(id).get().dissect(Pdu.ofFrame(ByteBuffer.wrap(data), 42), ctx);
            return null;
        });
        return totals.messages;
    }

    @Test
    void aDnsCompressionPointerLoopIsCutAndReported() {
        // RFC 1035 4.1: a header with one question whose name is a pointer to itself (offset 12)
        byte[] msg = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
        List<String> d = dissect("dns", "udp", msg);
        assertTrue(d.stream().anyMatch(m -> m.contains("loop") && m.contains("127 pointers")), d.toString());
    }

    /** An SMB1 message ([MS-CIFS] 2.2.3.1) behind a NetBIOS session header whose AndX chain has {@code n} commands. */
    static byte[] smb1AndXChain(int n) {
        int len = 32 + 7 * n;
        ByteBuffer b = ByteBuffer.allocate(4 + len);
        b.putInt(len); // NetBIOS session message: type 0, 24-bit length
        b.put(new byte[] {(byte) 0xFF, 'S', 'M', 'B', 0x24}).put(new byte[27]);
        for (int i = 0; i < n; i++) {
            int next = 32 + 7 * (i + 1);
            // LOCKING_ANDX parameter words cut to the AndX header: WordCount 2, AndXCommand, reserved, AndXOffset; ByteCount 0
            b.put((byte) 2).put(i == n - 1 ? (byte) 0xFF : 0x24).put((byte) 0)
                    .put((byte) next).put((byte) (next >> 8)).putShort((short) 0);
        }
        return b.array();
    }

    @Test
    void anSmbAndXChainPastTheBoundIsReported() {
        assertTrue(dissect("smb2", "tcp", smb1AndXChain(3)).stream().noneMatch(m -> m.contains("AndX")));
        List<String> d = dissect("smb2", "tcp", smb1AndXChain(12));
        assertTrue(d.stream().anyMatch(m -> m.contains("more than 8 AndX commands")), d.toString());
    }

    @Test
    void derNestedDeeperThanTheCapIsReported() {
        // an AS-REQ tag around 200 nested SEQUENCEs: far deeper than any Kerberos message
        byte[] inner = {0x05, 0x00};
        for (int i = 0; i < 200; i++) {
            inner = SeedWriter.tlv(0x30, inner);
        }
        byte[] msg = SeedWriter.tlv(0x6a, inner);
        List<String> d = dissect("kerberos", "udp", msg);
        assertTrue(!d.isEmpty(), "no diagnostic for DER nested 200 deep");
    }

    @Test
    void anHttpHeadOverTheCapEndsTheDirection() {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes("GET / HTTP/1.1\r\nHost: iisserver.contoso.com\r\n".getBytes(StandardCharsets.US_ASCII));
        while (head.size() < 300 * 1024) {
            head.writeBytes("X-Padding: 0123456789012345678901234567890123456789012345678901234567890123\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        }
        byte[] bytes = head.toByteArray();
        StreamFramer framer = FuzzTargets.tables().byId("http").get()
                .newFramer(new FuzzContext.Conversation(null, null), true);
        long r = framer.next(ByteBuffer.wrap(bytes));
        // the framer hands over what it holds (to be reported) and stops, instead of buffering without end
        assertTrue(r != StreamFramer.NEED_MORE && r <= bytes.length, "framer answer " + r);
        List<String> d = dissect("http", "tcp", java.util.Arrays.copyOf(bytes, (int) Math.max(1, Math.min(r, bytes.length))));
        assertTrue(!d.isEmpty(), "no diagnostic for a " + bytes.length + "-byte HTTP head");
    }

    @Test
    void evtxElementsNestedDeeperThanTheCapAreReported() throws Exception {
        SeedWriter.BinXmlWriter w = new SeedWriter.BinXmlWriter(512 + 24);
        w.fragmentHeader();
        for (int i = 0; i < 100; i++) {
            w.open("E", null);
        }
        for (int i = 0; i < 100; i++) {
            w.close();
        }
        w.end();
        List<String> problems = new ArrayList<>();
        Path f = java.nio.file.Files.write(dir.resolve("deep.evtx"), FuzzTargets.evtx(w.bytes()));
        new SecurityEventLogImporter().read(f, new EvidenceImporter.Sink() {
            @Override
            public void item(EvidenceItem item) {
            }

            @Override
            public void diagnostic(Diagnostic d) {
                problems.add(d.message());
            }

            @Override
            public void file(EvidenceFile file) {
                file.diagnostics().forEach(d -> problems.add(d.message()));
            }
        });
        assertTrue(problems.stream().anyMatch(m -> m.contains("nested more than")), problems.toString());
    }
}
