package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/**
 * A domain controller's Security log (wevtutil's XML form) with Kerberos failures of every code: each refused ticket is
 * named by one kind of finding, and the refusals no check of their own reads are {@code kerberos.kdc-error}.
 */
class KdcErrorEventsTest {

    /** One 4768 (TGT) or 4769 (service ticket) failure, as a domain controller writes it. */
    static String event(int id, long record, String user, String service, int status) {
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                + " Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/><EventID>" + id
                + "</EventID><Version>0</Version><Level>0</Level><Task>14339</Task><Opcode>0</Opcode>"
                + "<Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime='2026-11-20T08:15:00.0000000Z'/>"
                + "<EventRecordID>" + record + "</EventRecordID><Correlation/><Execution ProcessID='704' ThreadID='1220'/>"
                + "<Channel>Security</Channel><Computer>DCA.contoso.com</Computer><Security/></System><EventData>"
                + "<Data Name='TargetUserName'>" + user + "</Data><Data Name='TargetDomainName'>CONTOSO.COM</Data>"
                + "<Data Name='ServiceName'>" + service + "</Data><Data Name='TicketOptions'>0x40810010</Data>"
                + "<Data Name='Status'>0x" + Integer.toHexString(status) + "</Data><Data Name='TicketEncryptionType'>0xffffffff</Data>"
                + "<Data Name='PreAuthType'>-</Data><Data Name='IpAddress'>::ffff:192.168.2.101</Data><Data Name='IpPort'>50123</Data>"
                + "</EventData></Event>\n";
    }

    @Test
    void everyRefusalInTheLogIsNamedByOneKindOfFinding(@TempDir Path dir) throws Exception {
        StringBuilder xml = new StringBuilder();
        Map<Long, String> records = new HashMap<>();
        long record = 1000;
        for (int code = 1; code <= 0x5d; code++) {
            // routine answers, not failures of the flow
            boolean tgtRoutine = code == 0x19;
            boolean serviceRoutine = code == 0x20 || code == 0x17;
            String user = "user" + code;
            xml.append(event(4768, ++record, user, "krbtgt", code));
            if (!tgtRoutine) {
                records.put(record, "4768 0x" + Integer.toHexString(code));
            }
            xml.append(event(4769, ++record, user + "@CONTOSO.COM", "HTTP/site" + code + ".contoso.com", code));
            if (!serviceRoutine) {
                records.put(record, "4769 0x" + Integer.toHexString(code));
            }
        }
        Path log = dir.resolve("dc-security.xml");
        Files.writeString(log, xml);
        List<Finding> findings = EvidenceChecksTest.findings("eventlog", log);
        Map<Long, Set<String>> citedBy = new HashMap<>();
        for (Finding f : findings) {
            for (Finding.Evidence e : f.evidence()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("record (\\d+)").matcher(e.what());
                if (m.find()) {
                    citedBy.computeIfAbsent(Long.parseLong(m.group(1)), k -> new HashSet<>()).add(f.id());
                }
            }
        }
        KdcErrorsTest.namedOnce(records, citedBy);
    }

    @Test
    void aPolicyRefusalOfATgtNamesTheAccountAndItsRestrictions(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("policy.xml");
        Files.writeString(log, event(4768, 7001, "Alice", "krbtgt", 0xc) + event(4768, 7002, "Alice", "krbtgt", 0xc));
        List<Finding> f = EvidenceChecksTest.findings("eventlog", log).stream().filter(x -> x.id().equals("kerberos.kdc-error")).toList();
        assertEquals(1, f.size(), f.toString());
        assertEquals(Severity.ERROR, f.get(0).severity());
        assertEquals(Step.TICKET_REQUEST, f.get(0).step());
        assertTrue(f.get(0).title().startsWith("The KDC's policy refused Alice: a logon restriction"), f.get(0).title());
        assertTrue(f.get(0).explanation().startsWith("The domain controller's Security log shows 2 refusals KDC_ERR_POLICY (12)"),
                f.get(0).explanation());
        assertTrue(f.get(0).remediation().get(0).startsWith("Get-ADUser Alice -Properties LogonHours,LogonWorkstations"),
                f.get(0).remediation().toString());
        assertEquals(2, f.get(0).evidence().size());
    }

    @Test
    void aServiceTicketTheKdcCouldNotVerifyNamesTheDomainController(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("integrity.xml");
        Files.writeString(log, event(4769, 7101, "John@CONTOSO.COM", "HTTP/web.contoso.com", 0x1f));
        Finding f = EvidenceChecksTest.findings("eventlog", log).stream().filter(x -> x.id().equals("kerberos.kdc-error"))
                .findFirst().orElseThrow();
        assertEquals(Step.TICKET, f.step());
        assertEquals("The KDC DCA.contoso.com could not verify the request of John@CONTOSO.COM (KRB_AP_ERR_BAD_INTEGRITY)", f.title());
        assertTrue(f.remediation().contains("repadmin /showrepl DCA.contoso.com"), f.remediation().toString());
    }
}
