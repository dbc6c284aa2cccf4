package org.kerbscope.evidence.windows.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.evidence.windows.SecurityEventLogImporter;

/**
 * Event XML in both export forms, hostile XML (an external entity must never be resolved), and damaged copies of
 * a real .evtx file (the corpus itself is only read).
 */
class EventLogTest {
    @TempDir
    Path dir;

    /** A 4625 as `wevtutil qe Security /f:xml` prints it (the element layout of MS-EVEN6's event schema). */
    private static String event4625(long record, String sub) {
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
                + "Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
                + "<EventID>4625</EventID><Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>"
                + "<Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime='2022-11-28T00:59:31.2345678Z'/>"
                + "<EventRecordID>" + record + "</EventRecordID><Correlation/><Execution ProcessID='636' ThreadID='4004'/>"
                + "<Channel>Security</Channel><Computer>IISServer.contoso.com</Computer><Security/></System><EventData>"
                + "<Data Name='SubjectUserSid'>S-1-0-0</Data><Data Name='TargetUserName'>John</Data>"
                + "<Data Name='TargetDomainName'>CONTOSO</Data><Data Name='Status'>0xc000006d</Data>"
                + "<Data Name='FailureReason'>%%2313</Data><Data Name='SubStatus'>" + sub + "</Data>"
                + "<Data Name='LogonType'>3</Data><Data Name='LogonProcessName'>NtLmSsp </Data>"
                + "<Data Name='AuthenticationPackageName'>NTLM</Data><Data Name='WorkstationName'>CLIENT1</Data>"
                + "<Data Name='IpAddress'>192.168.2.101</Data><Data Name='IpPort'>52655</Data></EventData></Event>";
    }

    @Test
    void wevtutilRunOfEventsWithoutRoot() throws IOException {
        Path f = Fixtures.temp(dir, "security.xml", event4625(884413, "0xc000006a") + "\r\n" + event4625(884414,
                "0xc0000234") + "\r\n");
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), f);
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> e = r.section("events");
        assertEquals(2, e.size());
        Map<String, Object> first = e.get(0).fields();
        assertEquals(884413L, first.get("recordId"));
        assertEquals(4625, first.get("eventId"));
        assertEquals("2022-11-28T00:59:31.2345678Z", first.get("time"));
        assertEquals("NtLmSsp ", ((Map<?, ?>) first.get("data")).get("LogonProcessName"), "values kept exactly");
        assertEquals("CONTOSO\\John failed to log on over the network with NTLM from 192.168.2.101: wrong password "
                + "(0xc000006a STATUS_WRONG_PASSWORD), status 0xc000006d STATUS_LOGON_FAILURE", first.get("summary"));
        assertTrue(e.get(1).string("summary").contains("the account is locked out"), e.get(1).string("summary"));
        assertEquals("xml", r.file().format());
        assertEquals(2, r.file().records());
    }

    @Test
    void eventViewerExportWithRootAndABrokenEvent() throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<Events>\n"
                + event4625(1, "0x0") + "\n<Event><System><EventID>4625</Event>\n" + event4625(3, "0xc0000072")
                + "\n</Events>\n";
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), Fixtures.temp(dir, "saved.xml", xml));
        assertEquals(List.of(1L, 3L), r.section("events").stream().map(i -> i.fields().get("recordId")).toList(),
                "the events around the broken one are read");
        assertEquals(1, r.diagnostics().size());
        assertEquals(4, r.diagnostics().get(0).frame(), "the broken event's line");
        assertTrue(r.section("events").get(1).string("summary").contains("the account is disabled"));
    }

    @Test
    void externalEntitiesAreNeverResolved() throws IOException {
        Path secret = Fixtures.temp(dir, "secret.txt", "TOPSECRET-CONTENT");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE Events [ <!ENTITY xxe SYSTEM \"" + secret.toUri()
                + "\"> ]>\n<Events>\n" + event4625(7, "0x0").replace("<Data Name='TargetUserName'>John</Data>",
                        "<Data Name='TargetUserName'>&xxe;</Data>") + "\n" + event4625(8, "0x0") + "\n</Events>\n";
        Path f = Fixtures.temp(dir, "xxe.xml", xml);
        byte[] before = Files.readAllBytes(f);
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), f);
        for (EvidenceItem i : r.items()) {
            assertFalse(i.fields().toString().contains("TOPSECRET"), "the entity was resolved: " + i);
        }
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().contains("DTD")), r.diagnostics().toString());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().contains("xxe")), r.diagnostics().toString());
        assertEquals(List.of(8L), r.section("events").stream().map(i -> i.fields().get("recordId")).toList());
        assertArrayEquals(before, Files.readAllBytes(f), "the importer never writes the user's file");
    }

    @Test
    void notAnEventLog() throws IOException {
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), Fixtures.temp(dir, "x.txt", "hello\n"));
        assertEquals(0, r.items().size());
        assertEquals(1, r.diagnostics().size());
    }

    private static Optional<Path> corpusEvtx() {
        return Fixtures.shared().map(s -> s.resolve(
                "corpus/evidence/files/mdecrevoisier/ID4771-Kerberos brutforce with valid user.evtx"))
                .filter(Files::isRegularFile);
    }

    private Path copyOfCorpusFile() throws IOException {
        Optional<Path> src = corpusEvtx();
        if (src.isEmpty()) {
            System.out.println("EventLogTest: damaged-.evtx tests skipped: the reference corpus (../shared) is absent");
        }
        Assumptions.assumeTrue(src.isPresent(), "the reference corpus (../shared) is absent");
        Path copy = dir.resolve("copy.evtx");
        Files.copy(src.get(), copy);
        return copy;
    }

    @Test
    void intactCorpusCopyReadsCleanly() throws IOException {
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), copyOfCorpusFile());
        assertEquals(List.of(), r.diagnostics());
        assertEquals(54, r.file().records());
        assertEquals(54, r.section("events").size());
        assertTrue(r.section("events").get(0).string("summary").startsWith("Kerberos pre-authentication failed for "));
        assertTrue(r.section("events").get(0).string("summary").contains("KDC_ERR_PREAUTH_FAILED (0x18)"));
        assertEquals("evtx", r.file().format());
    }

    @Test
    void truncatedEvtxReadsTheCompleteRecords() throws IOException {
        Path copy = copyOfCorpusFile();
        byte[] b = Files.readAllBytes(copy);
        Files.write(copy, Arrays.copyOf(b, 4096 + 20_000));
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), copy);
        assertTrue(r.file().records() > 5 && r.file().records() < 54, "records read: " + r.file().records());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().contains("ends inside chunk 0")),
                r.diagnostics().toString());
    }

    @Test
    void damagedRecordIsSkippedAndTheRestRead() throws IOException {
        Path copy = copyOfCorpusFile();
        byte[] b = Files.readAllBytes(copy);
        // find the 10th record's signature in the first chunk and wreck the Binary XML after its header
        int found = 0;
        int at = -1;
        for (int p = 4096 + 512; p + 4 < b.length; p++) {
            if (b[p] == 0x2a && b[p + 1] == 0x2a && b[p + 2] == 0 && b[p + 3] == 0 && ++found == 10) {
                at = p;
                break;
            }
        }
        assertTrue(at > 0);
        for (int k = 24; k < 60; k++) {
            b[at + k] = (byte) 0xee;
        }
        Files.write(copy, b);
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), copy);
        assertEquals(53, r.file().records(), "every other record is still read");
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().contains("cannot be read")),
                r.diagnostics().toString());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().contains("checksum")), r.diagnostics().toString());
    }

    @Test
    void wreckedChunkHeaderIsReported() throws IOException {
        Path copy = copyOfCorpusFile();
        byte[] b = Files.readAllBytes(copy);
        for (int k = 0; k < 8; k++) {
            b[4096 + k] = 'X';
        }
        Files.write(copy, b);
        Fixtures.Result r = Fixtures.run(new SecurityEventLogImporter(), copy);
        assertEquals(0, r.file().records());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().contains("ElfChnk")), r.diagnostics().toString());
    }
}
