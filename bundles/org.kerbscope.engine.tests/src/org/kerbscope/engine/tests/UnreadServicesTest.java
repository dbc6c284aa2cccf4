package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.registry.ContributionElement;
import org.kerbscope.core.registry.ContributionSource;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.HtmlReport;
import org.kerbscope.engine.report.TextReport;

/**
 * A capture of SMB and LDAP read by the base product (neither the CIFS nor the LDAP plug-in installed) says which
 * plug-in would read it, instead of only "no authentication attempt found"; with a dissector for the port, nothing
 * is said. The capture is built here (libpcap format, Ethernet, IPv4, TCP per RFC 9293, UDP): an SMB2 NEGOTIATE
 * request in its NetBIOS session message ([MS-SMB2] 2.2.1, 2.2.3) on port 445 from two clients, an LDAP
 * bindRequest (RFC 4511) on 389, a CLDAP datagram on UDP 389, and a DNS query that is read.
 */
class UnreadServicesTest {
    @TempDir
    Path dir;

    private static byte[] smb2Negotiate() {
        ByteBuffer smb = ByteBuffer.allocate(64 + 36 + 4).order(ByteOrder.LITTLE_ENDIAN);
        smb.put(new byte[] {(byte) 0xFE, 'S', 'M', 'B'}).putShort((short) 64).putShort((short) 0).putInt(0)
                .putShort((short) 0).putShort((short) 1).putInt(0).putInt(0).putLong(0).putInt(0).putInt(0).putLong(0)
                .put(new byte[16]);
        smb.putShort((short) 36).putShort((short) 2).putShort((short) 1).putShort((short) 0).putInt(0).put(new byte[16])
                .putLong(0).putShort((short) 0x0202).putShort((short) 0x0210);
        byte[] body = smb.array();
        ByteBuffer nb = ByteBuffer.allocate(4 + body.length);
        return nb.putInt(body.length).put(body).array(); // NetBIOS session message: type 0, 24-bit length
    }

    private Path capture() throws IOException {
        byte[] a = {10, 0, 0, 1};
        byte[] b = {10, 0, 0, 2};
        return new TestCapture()
                .udp(a, 53001, 53, HexFormat.of().parseHex(
                        "1234010000010000000000000364637a07636f6e746f736f03636f6d0000010001")) // A? dcz.contoso.com
                .connection(a, 50001, 445, smb2Negotiate())                                 // frames 2-5
                .connection(b, 50002, 445, smb2Negotiate())                                 // frames 6-9
                .connection(a, 50003, 389, HexFormat.of().parseHex("300c020101600702010304008000")) // bindRequest
                .udp(b, 50004, 389, HexFormat.of().parseHex("3084000000050201016300"))      // frame 14
                .write(dir.resolve("smb-ldap.pcap"));
    }

    /** The platform's contributions without those of the CIFS and LDAP plug-ins, plus {@code extra} dissectors. */
    private static Registries base(ContributionElement... extra) {
        ContributionSource all = Registries.platform().source();
        return Registries.of(new ContributionSource() {
            @Override
            public List<ContributionElement> elements(String point) {
                List<ContributionElement> kept = new ArrayList<>();
                for (ContributionElement e : all.elements(point)) {
                    if (!e.contributor().equals("org.kerbscope.cifs") && !e.contributor().equals("org.kerbscope.ldap")) {
                        kept.add(e);
                    }
                }
                if (point.equals(Registries.DISSECTORS)) {
                    kept.addAll(List.of(extra));
                }
                return kept;
            }

            @Override
            public void onChange(String point, Runnable listener) {
                // fixed
            }
        });
    }

    private static Diagnostic only(Analysis a, String protocol, String service) {
        List<Diagnostic> found = a.diagnostics().stream()
                .filter(d -> d.protocol().equals(protocol) && d.message().contains(" of " + service + " (")).toList();
        assertEquals(1, found.size(), a.diagnostics()::toString);
        return found.get(0);
    }

    @Test
    void theBaseProductNamesThePlugInThatReadsSmbAndLdap() throws IOException {
        Path capture = capture();
        for (int threads : new int[] {1, 2}) {
            Analysis a = new Analyzer(base(), AnalysisOptions.defaults(), threads)
                    .analyze(capture, "smb-ldap", List.of(), Progress.NONE);
            String on = threads + " thread(s): ";
            assertEquals(1, a.events("dns").size(), on + "the DNS query is still read");
            Diagnostic smb = only(a, "smb2", "SMB");
            assertEquals(2, smb.frame(), on + "the first SMB conversation's first frame");
            assertTrue(smb.message().startsWith("2 TCP conversations of SMB (port 445/139) not read"), on + smb);
            assertTrue(smb.message().contains("org.kerbscope.cifs.feature"), on + smb);
            Diagnostic ldap = only(a, "ldap", "LDAP");
            assertEquals(10, ldap.frame(), on + ldap);
            assertTrue(ldap.message().startsWith("1 TCP conversation of LDAP (port 389/3268/636/3269) not read"), on + ldap);
            assertTrue(ldap.message().contains("org.kerbscope.ldap.feature"), on + ldap);
            Diagnostic cldap = only(a, "ldap", "CLDAP");
            assertEquals(14, cldap.frame(), on + cldap);
            assertTrue(cldap.message().startsWith("1 UDP conversation of CLDAP"), on + cldap);

            ByteArrayOutputStream text = new ByteArrayOutputStream();
            TextReport.print(a, new PrintStream(text, true, StandardCharsets.UTF_8));
            String shown = text.toString(StandardCharsets.UTF_8);
            assertTrue(shown.contains("3 diagnostics:\n  frame 2 smb2: 2 TCP conversations of SMB"), shown);
            assertTrue(shown.contains("frame 14 ldap: 1 UDP conversation of CLDAP"), shown);
            assertTrue(HtmlReport.render(a, true).contains("<h2>Diagnostics</h2>"), "the HTML report lists them too");
        }
    }

    @Test
    void aDissectorForThePortMeansNothingIsSaidAboutIt() throws IOException {
        Analysis a = new Analyzer(base(DissectorElement.of("smb-test", "SMB (test)", "tcp.port", "445", QuietDissector::new)),
                AnalysisOptions.defaults()).analyze(capture(), "smb-ldap", List.of(), Progress.NONE);
        assertTrue(a.diagnostics().stream().noneMatch(d -> d.protocol().equals("smb2")), a.diagnostics()::toString);
        only(a, "ldap", "LDAP"); // still not read
    }

    /** A dissector on TCP port 445 that reads nothing: an installed SMB plug-in, as far as the engine can tell. */
    public static final class QuietDissector implements Dissector {
        @Override
        public void dissect(Pdu pdu, DissectionContext ctx) {
            // reads nothing
        }
    }
}
