package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;

/**
 * What a Security log alone proves about failed logons and refused tickets: the guide's step 8 reads 4625 on the
 * target server, and the domain controller's 4769 names the SPN it does not know. The log is
 * {@code security-failures.xml} (wevtutil's XML form, see the data README).
 */
class SecurityLogFailuresTest {

    private static List<Finding> findings;

    @BeforeAll
    static void analyse() throws Exception {
        findings = EvidenceChecksTest.findings("eventlog", "security-failures.xml");
    }

    private static List<Finding> withId(String id) {
        return findings.stream().filter(f -> f.id().equals(id)).toList();
    }

    private static Finding about(String id, String account) {
        List<Finding> l = withId(id).stream().filter(f -> f.title().contains(account)).toList();
        assertEquals(1, l.size(), id + " for " + account + " in " + findings);
        return l.get(0);
    }

    @Test
    void aTicketRequestForAnSpnNobodyHoldsIsSpnUnknown() {
        List<Finding> l = withId("kerberos.spn-unknown");
        assertEquals(1, l.size(), "one finding for the two requests: " + findings);
        Finding f = l.get(0);
        assertEquals("The KDC does not know the service principal HTTP/iisserver.contoso.com", f.title());
        assertEquals(Severity.ERROR, f.severity());
        assertEquals(Step.TICKET, f.step());
        assertEquals(2, f.evidence().size());
        assertTrue(f.evidence().get(0).what().contains("record 884401"), f.evidence().toString());
        assertTrue(f.remediation().contains("setspn -S HTTP/iisserver.contoso.com CONTOSO\\IISSERVER$"), f.remediation().toString());
    }

    @Test
    void aWrongPasswordOnTheServerAndItsNtlmValidationOnTheDcAreOneFinding() {
        Finding f = about("kerberos.preauth-failed", "John");
        assertEquals("Wrong password for CONTOSO\\John (1 failed logon and 1 failed NTLM validation)", f.title());
        assertEquals(Step.AUTHORIZED, f.step());
        assertEquals(2, f.evidence().size());
        assertTrue(f.evidence().get(0).what().contains("logon type 3 (network) with NTLM from 192.168.2.101"),
                f.evidence().get(0).what());
        assertTrue(f.evidence().get(1).what().contains("4776") && f.evidence().get(1).what().contains("0xC000006A"),
                f.evidence().get(1).what());
    }

    @Test
    void lockedOutAndDisabledAccountsAreRevokedWithTheCommandThatLiftsEach() {
        Finding locked = about("kerberos.client-revoked", "Mary");
        assertTrue(locked.title().endsWith("the account is locked out (0xC0000234)"), locked.title());
        assertTrue(locked.remediation().contains("Unlock-ADAccount Mary"), locked.remediation().toString());
        assertFalse(locked.remediation().contains("Enable-ADAccount Mary"), locked.remediation().toString());
        // Status 0xC000006E (an account restriction) refined by Sub Status 0xC0000072
        Finding disabled = about("kerberos.client-revoked", "Bob");
        assertTrue(disabled.title().endsWith("the account is disabled (0xC0000072)"), disabled.title());
        assertTrue(disabled.remediation().contains("Enable-ADAccount Bob"), disabled.remediation().toString());
    }

    @Test
    void anExpiredPasswordIsPasswordExpired() {
        Finding f = about("kerberos.password-expired", "Alice");
        assertEquals("The password of CONTOSO\\Alice has expired (1 failed logon)", f.title());
        assertTrue(f.remediation().contains("Set-ADAccountPassword Alice -Reset"), f.remediation().toString());
    }

    @Test
    void aLogonTypeNotGrantedNamesTheUserRightANetworkLogonNeeds() {
        Finding f = about("eventlog.logon-type-not-granted", "svc-report");
        assertTrue(f.title().contains("on IISServer.contoso.com"), f.title());
        assertTrue(f.explanation().contains("\"Access this computer from the network\" (SeNetworkLogonRight)"), f.explanation());
    }

    @Test
    void aTimeDifferenceAtTheDcIsClockSkew() {
        Finding f = withId("kerberos.clock-skew").get(0);
        assertTrue(f.evidence().stream().anyMatch(e -> e.what().contains("record 51206") && e.what().contains("0xC0000133")),
                f.evidence().toString());
    }

    @Test
    void otherTicketRequestFailuresNameTheirServiceOrAccount() {
        assertEquals("The service principal HTTP/portal.contoso.com is registered on more than one account",
                withId("kerberos.spn-not-unique").get(0).title());
        assertEquals("No encryption type in common for MSSQLSvc/sql01.contoso.com:1433",
                withId("kerberos.etype-unsupported").get(0).title());
        Finding delegation = withId("kerberos.delegation-refused").get(0);
        assertEquals("The KDC refused the requested ticket options for MSSQLSvc/sql02.contoso.com:1433", delegation.title());
        assertTrue(delegation.explanation().contains("through HTTP/iisserver.contoso.com@CONTOSO.COM"), delegation.explanation());
        // a TGT refused for an expired password (4768 0x17), beside Alice's failed logon for the same reason
        Finding expired = about("kerberos.password-expired", "svc-batch");
        assertEquals("The password of svc-batch has expired (1 request)", expired.title());
    }

    @Test
    void aServerThatReachesNoDomainControllerIsKdcUnreachable() {
        Finding f = about("kerberos.kdc-unreachable", "Carol");
        assertEquals("IISServer.contoso.com could reach no domain controller to validate CONTOSO\\Carol (1 failed logon)",
                f.title());
        assertTrue(f.remediation().contains("nltest /dsgetdc:<domain> /force"), f.remediation().toString());
    }

    @Test
    void eachFailureIsReportedOnceAndNothingElse() {
        assertEquals(Set.of("kerberos.spn-unknown", "kerberos.preauth-failed", "kerberos.client-revoked",
                "kerberos.password-expired", "eventlog.logon-type-not-granted", "kerberos.clock-skew",
                "kerberos.spn-not-unique", "kerberos.etype-unsupported", "kerberos.delegation-refused",
                "kerberos.kdc-unreachable"), Set.copyOf(findings.stream().map(Finding::id).toList()));
        assertEquals(12, findings.size(), findings.toString());
    }

    @Test
    void theDomainControllersRecordOfTheCapturedKrbErrorJoinsItsFinding(@TempDir Path dir)
            throws Exception {
        // the lab's spn-unknown sample, and the 4769 its KDC would log for that TGS-REQ (a DC of Windows would)
        Path capture = LabScenariosTest.samples().resolve("spn-unknown.pcapng");
        Path log = dir.resolve("dc-security.xml");
        Files.writeString(log, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                + "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID><TimeCreated"
                + " SystemTime='2022-11-28T00:59:29.5102339Z'/><EventRecordID>884401</EventRecordID><Channel>Security</Channel>"
                + "<Computer>DCA.contoso.com</Computer></System><EventData><Data Name='TargetUserName'>john@CONTOSO.COM</Data>"
                + "<Data Name='TargetDomainName'>CONTOSO.COM</Data><Data Name='ServiceName'>HTTP/intranet.contoso.com</Data>"
                + "<Data Name='TicketEncryptionType'>0xffffffff</Data><Data Name='IpAddress'>::ffff:10.0.0.2</Data>"
                + "<Data Name='Status'>0x7</Data></EventData></Event>\r\n");
        Analysis a = new Analyzer(Registries.platform(),
                AnalysisOptions.defaults()).analyze(capture, capture.toString(),
                        List.of(new EvidenceInput("eventlog", log)), Progress.NONE);
        List<Finding> l = a.findings().stream().filter(f -> f.id().equals("kerberos.spn-unknown")).toList();
        assertEquals(1, l.size(), "one finding for the SPN, not one per source: " + l);
        assertTrue(l.get(0).evidence().stream().anyMatch(e -> e.frame() > 0 && e.what().startsWith("KRB-ERROR 7")),
                l.get(0).evidence().toString());
        assertTrue(l.get(0).evidence().stream().anyMatch(e -> e.file() != null && e.what().contains("record 884401")),
                l.get(0).evidence().toString());
    }

    @Test
    void aPasswordSprayIsOneFindingThatNamesTheAccountsAndTheAddress(@TempDir Path dir) throws Exception {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            log.append("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                    + " Name='Microsoft-Windows-Security-Auditing'/><EventID>4625</EventID><TimeCreated SystemTime='2022-11-28T02:00:0")
                    .append(i % 10).append(".0000000Z'/><EventRecordID>").append(60000 + i).append("</EventRecordID><Channel>Security"
                    + "</Channel><Computer>IISServer.contoso.com</Computer></System><EventData><Data Name='TargetUserName'>user")
                    .append(i).append("</Data><Data Name='TargetDomainName'>CONTOSO</Data><Data Name='Status'>0xc000006d</Data>"
                    + "<Data Name='SubStatus'>0xc000006a</Data><Data Name='LogonType'>3</Data><Data"
                    + " Name='AuthenticationPackageName'>NTLM</Data><Data Name='IpAddress'>203.0.113.7</Data></EventData></Event>\r\n");
        }
        Path file = dir.resolve("spray.xml");
        Files.writeString(file, log);
        List<Finding> found = EvidenceChecksTest.findings("eventlog", file);
        assertEquals(1, found.size(), found.toString());
        Finding f = found.get(0);
        assertEquals("kerberos.preauth-failed", f.id());
        assertEquals("12 accounts could not log on: wrong password (0xC000006A) (12 events)", f.title());
        assertTrue(f.explanation().contains("CONTOSO\\user0 (1)") && f.explanation().contains("From 203.0.113.7 (12)"),
                f.explanation());
        assertEquals(12, f.evidence().size());
    }

    @Test
    void aFailureWhoseEventLeavesTheNamesEmptyIsStillReportedWithoutMadeUpCommands(@TempDir Path dir) throws Exception {
        // as the corpus's Kerberoasting log shows a 4769 failing 0x25: Account Name, Service Name empty
        Path file = dir.resolve("empty-names.xml");
        Files.writeString(file, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                + " Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID><TimeCreated SystemTime='2022-11-28T03:00:00Z'/>"
                + "<EventRecordID>70000</EventRecordID><Channel>Security</Channel><Computer>DCA.contoso.com</Computer></System>"
                + "<EventData><Data Name='TargetUserName'></Data><Data Name='TargetDomainName'></Data><Data Name='ServiceName'>"
                + "</Data><Data Name='IpAddress'>::ffff:192.168.2.101</Data><Data Name='Status'>0x7</Data></EventData></Event>\r\n");
        List<Finding> found = EvidenceChecksTest.findings("eventlog", file);
        assertEquals(1, found.size(), found.toString());
        Finding f = found.get(0);
        assertEquals("The KDC does not know the service principal (not named in the event)", f.title());
        assertEquals(List.of("setspn -X", "klist purge"), f.remediation());
    }

    @Test
    void codesAreComparedAsNumbersWhateverTheirPadding(@TempDir Path dir) throws Exception {
        String head = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                + " Name='Microsoft-Windows-Security-Auditing'/><EventID>";
        Path file = dir.resolve("padded.xml");
        Files.writeString(file, head + "4769</EventID><EventRecordID>1</EventRecordID><Computer>DCA</Computer></System>"
                + "<EventData><Data Name='TargetUserName'>john@CONTOSO.COM</Data><Data Name='ServiceName'>HTTP/web.contoso.com"
                + "</Data><Data Name='Status'>0x00000007</Data></EventData></Event>\r\n"
                + head + "4771</EventID><EventRecordID>2</EventRecordID><Computer>DCA</Computer></System><EventData><Data"
                + " Name='TargetUserName'>mary</Data><Data Name='FailureCode'>0X18</Data></EventData></Event>\r\n");
        List<Finding> found = EvidenceChecksTest.findings("eventlog", file);
        assertEquals(Set.of("kerberos.spn-unknown", "kerberos.preauth-failed"),
                Set.copyOf(found.stream().map(Finding::id).toList()), found.toString());
    }
}
