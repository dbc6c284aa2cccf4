package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.LinkTypes;
import org.kerbscope.capture.PcapngWriter;
import org.kerbscope.core.model.Frame;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A decrypted Wi-Fi capture (monitor mode: radiotap, IEEE 802.11 QoS data frames from the access point, LLC/SNAP,
 * the FCS at the end) has the analysis of the same packets captured on Ethernet. The conversion was checked once
 * with tshark 4.0: the same Kerberos messages, every FCS good.
 */
class WifiCaptureTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"spn-unknown.pcapng", "ntlm-fallback.pcapng", "success-tcp.pcapng"})
    void aWifiCaptureHasTheFindingsOfTheSamePacketsOnEthernet(String name) throws IOException {
        Path sample = UnionTest.sample(name);
        Path wifi = dir.resolve(name.replace(".pcapng", "-wifi.pcapng"));
        try (OutputStream out = Files.newOutputStream(wifi);
                PcapngWriter w = new PcapngWriter(out, LinkTypes.IEEE802_11_RADIOTAP, 262144);
                CaptureFile f = CaptureFile.open(sample); CaptureReader r = f.reader()) {
            int seq = 0;
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                byte[] ether = new byte[fr.capturedLength()];
                fr.data().get(0, ether);
                byte[] frame = radiotapWlan(ether, seq++);
                w.write(fr.timeNanos(), frame, frame.length, null);
            }
        }
        JsonNode plain = UnionTest.document(sample);
        JsonNode viaWifi = UnionTest.document(wifi);
        assertTrue(plain.get("attempts").size() > 0);
        assertEquals(plain, viaWifi, "the same document, frame numbers and findings included");
    }

    /** Radiotap (TSFT, Flags: FCS at the end), a QoS data frame from the AP, LLC/SNAP with the EtherType, the FCS. */
    static byte[] radiotapWlan(byte[] ether, int seq) {
        int body = 26 + 8 + ether.length - 14;
        ByteBuffer b = ByteBuffer.allocate(18 + body + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0).put((byte) 0).putShort((short) 18).putInt(0x3).putLong(123_456).put((byte) 0x10).put((byte) 0);
        int start = b.position();
        b.put((byte) 0x88).put((byte) 0x02).putShort((short) 0)
                .put(ether, 0, 6).put(ether, 6, 6).put(ether, 6, 6) // receiver, BSSID, source
                .putShort((short) ((seq & 0xfff) << 4)).putShort((short) 0)
                .put(new byte[] {(byte) 0xAA, (byte) 0xAA, 0x03, 0, 0, 0}).put(ether, 12, ether.length - 12);
        CRC32 crc = new CRC32();
        crc.update(b.array(), start, body);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
