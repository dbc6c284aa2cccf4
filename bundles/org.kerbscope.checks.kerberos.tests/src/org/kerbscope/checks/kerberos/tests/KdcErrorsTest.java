package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kerby.kerberos.kerb.KrbErrorCode;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.apache.kerby.kerberos.kerb.type.base.KrbError;
import org.apache.kerby.kerberos.kerb.type.base.NameType;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.kdc.AsReq;
import org.apache.kerby.kerberos.kerb.type.kdc.KdcOptions;
import org.apache.kerby.kerberos.kerb.type.kdc.KdcReqBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.lab.record.LabEndpoint;
import org.kerbscope.lab.record.Recorder;

/**
 * Every refusal a KDC can send is named by some finding: clients ask a KDC for TGTs (AS-REQs encoded by Apache
 * Kerby) and the KDC answers each with another KRB-ERROR code (encoded by Kerby too), as the capture of a domain
 * controller would show them.
 */
class KdcErrorsTest {
    private static final String REALM = "CONTOSO.COM";
    private static final LabEndpoint KDC = new LabEndpoint("192.168.2.10", 88);

    /** One AS-REQ of {@code user} and the KDC's answer: KRB-ERROR {@code code} with this e-data (or none). */
    private static void refused(Recorder r, int client, String user, KrbErrorCode code, byte[] eData) throws Exception {
        LabEndpoint c = new LabEndpoint("192.168.3." + client, 50000 + client);
        byte[] req = asReq(user, client);
        r.udp(c, KDC, req, 0, req.length);
        KrbError e = new KrbError();
        e.setStime(KerberosTime.now());
        e.setSusec(0);
        e.setErrorCode(code);
        e.setCrealm(REALM);
        e.setCname(new PrincipalName(user));
        e.setRealm(REALM);
        e.setSname(new PrincipalName("krbtgt/" + REALM, NameType.NT_SRV_INST));
        if (eData != null) {
            e.setEdata(eData);
        }
        byte[] b = e.encode();
        r.udp(KDC, c, b, 0, b.length);
    }

    private static byte[] asReq(String user, int nonce) throws Exception {
        KdcReqBody body = new KdcReqBody();
        body.setKdcOptions(new KdcOptions());
        body.setCname(new PrincipalName(user));
        body.setRealm(REALM);
        body.setSname(new PrincipalName("krbtgt/" + REALM, NameType.NT_SRV_INST));
        body.setTill(new KerberosTime(System.currentTimeMillis() + 36_000_000L));
        body.setNonce(nonce);
        body.setEtypes(List.of(EncryptionType.AES256_CTS_HMAC_SHA1_96, EncryptionType.AES128_CTS_HMAC_SHA1_96));
        AsReq req = new AsReq();
        req.setReqBody(body);
        return req.encode();
    }

    /** KERB-ERROR-DATA (MS-KILE 2.2.1) of type KERB_ERR_TYPE_EXTENDED with a KERB-EXT-ERROR (2.2.2) holding status. */
    static byte[] extendedError(int ntstatus) {
        ByteBuffer ext = ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(ntstatus).putInt(0).putInt(1);
        ByteBuffer b = ByteBuffer.allocate(23);
        b.put(new byte[] {0x30, 0x15, (byte) 0xa1, 0x03, 0x02, 0x01, 0x03, (byte) 0xa2, 0x0e, 0x04, 0x0c}).put(ext.array());
        return b.array();
    }

    /** The analysis of a capture alone, as {@code kerbscope analyze} makes it. */
    static Analysis analyze(Path capture) throws Exception {
        return new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(capture, capture.toString(),
                List.of(), Progress.NONE);
    }

    @Test
    void everyKdcRefusalIsNamedByOneKindOfFinding(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("every-error.pcapng");
        Map<Long, KrbErrorCode> errorFrames = new HashMap<>();
        try (Recorder r = new Recorder(capture, "a KDC answering every error code")) {
            int client = 1;
            for (KrbErrorCode code : KrbErrorCode.values()) {
                if (code.getValue() <= 0) {
                    continue;
                }
                refused(r, client, "user" + client, code, null);
                errorFrames.put(r.frames(), code);
                client++;
            }
        }
        Analysis a = analyze(capture);
        Map<Long, Set<String>> citedBy = new HashMap<>();
        for (Finding f : a.findings()) {
            for (Finding.Evidence e : f.evidence()) {
                if (errorFrames.containsKey(e.frame())) {
                    citedBy.computeIfAbsent(e.frame(), k -> new HashSet<>()).add(f.id());
                }
            }
        }
        Map<Long, String> named = new HashMap<>();
        errorFrames.forEach((frame, code) -> named.put(frame, code + " (" + code.getValue() + ")"));
        namedOnce(named, citedBy);
    }

    /**
     * Asserts that every refusal ({@code what} by where it is: a frame, a record) is cited by some finding, and by
     * {@code kerberos.kdc-error} only where no other finding cites it.
     */
    static void namedOnce(Map<Long, String> what, Map<Long, Set<String>> citedBy) {
        List<String> unexplained = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        for (Map.Entry<Long, String> e : what.entrySet()) {
            Set<String> ids = citedBy.getOrDefault(e.getKey(), Set.of());
            if (ids.isEmpty()) {
                unexplained.add(e.getValue());
            } else if (ids.contains("kerberos.kdc-error") && ids.size() > 1) {
                twice.add(e.getValue() + " " + ids);
            }
        }
        assertTrue(unexplained.isEmpty(), "refusals no finding cites: " + unexplained);
        assertTrue(twice.isEmpty(), "refusals the fallback names beside a check of their own: " + twice);
    }

    @Test
    void aPolicyRefusalNamesTheRestrictionFromTheExtendedError(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("policy.pcapng");
        try (Recorder r = new Recorder(capture, "an authentication policy silo refuses the account")) {
            refused(r, 7, "alice", KrbErrorCode.KDC_ERR_POLICY, extendedError(0xC0000413));
        }
        Finding f = only(analyze(capture), "kerberos.kdc-error");
        assertEquals(Severity.ERROR, f.severity());
        assertEquals(Step.TICKET_REQUEST, f.step());
        assertTrue(f.title().startsWith("The KDC's policy refused alice: an authentication policy or silo"), f.title());
        assertTrue(f.explanation().contains("NTSTATUS 0xc0000413 (STATUS_AUTHENTICATION_FIREWALL_FAILED)"), f.explanation());
        assertTrue(f.remediation().contains("Get-ADAuthenticationPolicy -Filter *"), f.remediation().toString());
        assertEquals(List.of("AS-REQ for krbtgt/CONTOSO.COM by alice", "KRB-ERROR 12 KDC_ERR_POLICY"),
                f.evidence().stream().map(Finding.Evidence::what).toList());
    }

    @Test
    void aReferralTheClientFollowsIsOnlyInformation(@TempDir Path dir) throws Exception {
        Path followed = dir.resolve("referral.pcapng");
        try (Recorder r = new Recorder(followed, "a referral to another realm, followed")) {
            refused(r, 8, "bob", KrbErrorCode.WRONG_REALM, null);
            byte[] again = asReq("bob", 9);
            r.udp(new LabEndpoint("192.168.3.8", 50100), new LabEndpoint("192.168.4.10", 88), again, 0, again.length);
        }
        Finding f = only(analyze(followed), "kerberos.kdc-error");
        assertEquals(Severity.INFO, f.severity());
        assertEquals("The KDC 192.168.2.10 referred the request to another realm", f.title());

        Path dropped = dir.resolve("referral-dropped.pcapng");
        try (Recorder r = new Recorder(dropped, "a referral to another realm, not followed")) {
            refused(r, 8, "bob", KrbErrorCode.WRONG_REALM, null);
        }
        Finding g = only(analyze(dropped), "kerberos.kdc-error");
        assertEquals(Severity.WARNING, g.severity());
        assertFalse(g.remediation().isEmpty());
    }

    @Test
    void aRevokedTgtTellsTheUserToGetANewOne(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("tgt-revoked.pcapng");
        try (Recorder r = new Recorder(capture, "the TGT was revoked")) {
            refused(r, 9, "carol", KrbErrorCode.KDC_ERR_TGT_REVOKED, null);
        }
        Finding f = only(analyze(capture), "kerberos.kdc-error");
        assertEquals("The KDC no longer accepts carol's TGT", f.title());
        assertEquals(List.of("klist purge", "klist tgt", "nltest /dsgetdc:CONTOSO.COM /kdc /force"), f.remediation());
    }

    private static Finding only(Analysis a, String id) {
        List<Finding> f = a.findings().stream().filter(x -> x.id().equals(id)).toList();
        assertEquals(1, f.size(), a.findings().toString());
        return f.get(0);
    }
}
