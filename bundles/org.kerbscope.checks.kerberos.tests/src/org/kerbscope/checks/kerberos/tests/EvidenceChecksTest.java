package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;

/**
 * Outside evidence alone raises the findings it proves: setspn -X's duplicate SPN, auditpol's logon auditing
 * turned off, Test-NetConnection's failed port. The files are the command outputs typed from the documented
 * formats in the evidence importer's test data.
 */
class EvidenceChecksTest {

    static Path data(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("bundles/org.kerbscope.evidence.windows.tests/data/" + name);
            if (Files.isRegularFile(d)) {
                return d;
            }
        }
        throw new AssertionError("test data " + name + " not found");
    }

    static List<Finding> findings(String kind, String file) throws Exception {
        return findings(kind, data(file));
    }

    /** The findings of an analysis of this evidence file alone. */
    static List<Finding> findings(String kind, Path file) throws Exception {
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(null, null,
                List.of(new EvidenceInput(kind, file)), Progress.NONE);
        return a.findings();
    }

    @Test
    void setspnDuplicatesAreSpnNotUnique() throws Exception {
        List<Finding> f = findings("setspn", "setspn.txt").stream().filter(x -> x.id().equals("kerberos.spn-not-unique")).toList();
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).title().contains("HTTP/iisserver.contoso.com"), f.get(0).title());
        assertTrue(f.get(0).remediation().contains("setspn -X"));
    }

    @Test
    void logonAuditingOffExplainsMissingEvents() throws Exception {
        List<Finding> f = findings("auditpol", "auditpol.txt");
        Finding off = f.stream().filter(x -> x.id().equals("eventlog.logon-auditing-off")).findFirst().orElseThrow();
        assertTrue(off.title().contains("4624 and 4625"), off.title());
        assertTrue(off.remediation().get(0).startsWith("auditpol /set /subcategory:\"Logon\" /Success:enable /Failure:enable"));
    }

    @Test
    void aFailedPortTestIsAConnectFailure() throws Exception {
        Finding f = findings("port-test", "tnc-failed.txt").stream().filter(x -> x.id().equals("tcp.connect-failed"))
                .findFirst().orElseThrow();
        assertTrue(f.title().contains("IISServer.contoso.com") && f.title().contains("80"), f.title());
        assertEquals("error", f.severity().id());
    }

    @Test
    void aKlistGetForAnSpnNobodyHoldsIsSpnUnknown() throws Exception {
        List<Finding> f = findings("klist", "klist-get-error.txt");
        assertEquals(1, f.size(), f.toString());
        assertEquals("kerberos.spn-unknown", f.get(0).id());
        assertEquals("The KDC does not know the service principal HTTP/webapp.contoso.com", f.get(0).title());
        assertTrue(f.get(0).evidence().get(0).what().contains("0x6fb ERROR_NO_TRUST_SAM_ACCOUNT"), f.get(0).evidence().toString());
        assertTrue(f.get(0).remediation().contains("setspn -S HTTP/webapp.contoso.com CONTOSO\\WEBAPP$"), f.get(0).remediation().toString());
    }

    @Test
    void aKlistGetWithNoLogonServersIsKdcUnreachable(@TempDir Path dir) throws Exception {
        // the two lines Windows prints when no domain controller answers, as in the "klist" reference's error form
        Path out = dir.resolve("klist.txt");
        Files.writeString(out, "C:\\>klist get host/dca.contoso.com\r\n\r\nCurrent LogonId is 0:0x3e7\r\n"
                + "Error calling API LsaCallAuthenticationPackage (GetTicket substatus): 0x51f\r\n\r\n"
                + "klist failed with 0xc000005e/-1073741730: There are currently no logon servers available to service the"
                + " logon request.\r\n");
        List<Finding> found = findings("klist", out);
        assertEquals(List.of("kerberos.kdc-unreachable"), found.stream().map(Finding::id).toList(), found.toString());
        assertTrue(found.get(0).title().endsWith("for host/dca.contoso.com"), found.get(0).title());
    }

    @ParameterizedTest
    @ValueSource(strings = {"resolve-dnsname.txt", "nslookup.txt"})
    void aCnameInTheDnsOutputIsTheAliasWarning(String file) throws Exception {
        List<Finding> f = findings("dns", file).stream().filter(x -> x.id().equals("dns.cname-alias")).toList();
        assertEquals(1, f.size(), f.toString());
        assertEquals(Severity.WARNING, f.get(0).severity());
        assertEquals("www.contoso.com is an alias of iisserver.contoso.com: the SPN is built from iisserver.contoso.com",
                f.get(0).title());
        assertTrue(f.get(0).remediation().contains("setspn -Q HTTP/iisserver.contoso.com"), f.get(0).remediation().toString());
    }

    @Test
    void aWebRequestRefusedWithInvalidCredentialsIsAuthRejected() throws Exception {
        // the file holds a 200 (no finding) and IIS's 401.1 for the second site
        List<Finding> f = findings("web-request", "invoke-webrequest.txt");
        assertEquals(List.of("http.auth-rejected"), f.stream().map(Finding::id).toList(), f.toString());
        assertEquals("http://webapp.contoso.com refused the signed-in user's credentials (401.1)", f.get(0).title());
        assertTrue(f.get(0).remediation().contains("klist get HTTP/webapp.contoso.com"), f.get(0).remediation().toString());
    }

    @Test
    void aClientWithoutACredentialsCacheHasNoTickets(@TempDir Path dir) throws Exception {
        // MIT klist's one line when nobody ran kinit (the krb5 documentation, "klist")
        Path out = dir.resolve("klist.txt");
        Files.writeString(out, "klist: No credentials cache found (filename: /tmp/krb5cc_1000)\n");
        List<Finding> found = findings("klist", out);
        assertEquals(List.of("kerberos.no-credentials"), found.stream().map(Finding::id).toList(), found.toString());
        assertEquals("The client has no Kerberos tickets (no credentials cache)", found.get(0).title());
        assertTrue(found.get(0).remediation().contains("kinit user@REALM"));
        // a cache that holds a TGT and a service ticket raises nothing of the kind
        assertTrue(findings("klist", "klist-mit.txt").stream().noneMatch(f -> f.id().equals("kerberos.no-credentials")));
    }
}
