package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Limits;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * The limit {@code pdu.max-bytes}, set by name through the options, reaches the engine and is named when hit. The
 * capture is built here: one HTTP request split over three TCP segments (RFC 791, RFC 9293, libpcap format), so that
 * the engine must buffer it.
 */
class PduLimitTest {
    @TempDir
    Path dir;

    private static final byte[] CLIENT = {(byte) 192, (byte) 168, 2, 101};
    private static final byte[] SERVER = {(byte) 192, (byte) 168, 2, 10};

    private static byte[] packet(boolean fromClient, long seq, long ack, int flags, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + payload.length);
        b.put(new byte[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).put(fromClient ? CLIENT : SERVER).put(fromClient ? SERVER : CLIENT);
        b.putShort((short) (fromClient ? 50000 : 80)).putShort((short) (fromClient ? 80 : 50000)).putInt((int) seq)
                .putInt((int) ack).put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0)
                .putShort((short) 0).put(payload);
        return b.array();
    }

    private Path capture() throws IOException {
        byte[] request = ("GET /app/ HTTP/1.1\r\nHost: iisserver.contoso.com\r\nUser-Agent: Kerbscope test\r\n"
                + "Accept: */*\r\nX-Padding: 0123456789012345678901234567890123456789\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        // three segments of about 50 bytes: the engine holds 100 bytes of an unfinished request after the second
        int third = request.length / 3;
        List<byte[]> packets = List.of(
                packet(true, 1000, 0, 0x02, new byte[0]),
                packet(false, 5000, 1001, 0x12, new byte[0]),
                packet(true, 1001, 5001, 0x10, new byte[0]),
                packet(true, 1001, 5001, 0x18, Arrays.copyOfRange(request, 0, third)),
                packet(true, 1001 + third, 5001, 0x18, Arrays.copyOfRange(request, third, 2 * third)),
                packet(true, 1001 + 2 * third, 5001, 0x18, Arrays.copyOfRange(request, 2 * third, request.length)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        out.writeBytes(h.array());
        int t = 0;
        for (byte[] p : packets) {
            ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            r.putInt(1_700_000_000).putInt(t++ * 1000).putInt(p.length).putInt(p.length);
            out.writeBytes(r.array());
            out.writeBytes(p);
        }
        return Files.write(dir.resolve("split.pcap"), out.toByteArray());
    }

    private static boolean named(Analysis a) {
        return a.diagnostics().stream().anyMatch(d -> d.message().contains("the limit pdu.max-bytes (64 bytes) was"
                + " reached; raise it with --limit pdu.max-bytes=128"));
    }

    @Test
    void aLowPduLimitIsHonouredAndTheDiagnosticSaysHowToRaiseIt() throws IOException {
        Path capture = capture();
        Analysis normal = new Analyzer(Registries.platform(), AnalysisOptions.defaults())
                .analyze(capture, "split", List.of(), Progress.NONE);
        assertEquals(1, normal.events("http").size(), normal.events()::toString);
        assertTrue(!named(normal), normal.diagnostics()::toString);

        Analysis low = new Analyzer(Registries.platform(), AnalysisOptions.defaults().withLimit(Limits.PDU_MAX_BYTES, 64))
                .analyze(capture, "split", List.of(), Progress.NONE);
        assertTrue(named(low), low.diagnostics()::toString);
        assertEquals(0, low.events("http").size(), "the request over the limit is skipped");
    }
}
