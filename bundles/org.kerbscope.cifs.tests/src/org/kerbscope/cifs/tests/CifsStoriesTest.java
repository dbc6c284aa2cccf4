package org.kerbscope.cifs.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;

/**
 * The guide's "verify that other services function correctly" — John opens \\files.cifs.test\Software$ — and the
 * ways it goes wrong, each as a capture written around real tokens and analysed by the whole product.
 */
class CifsStoriesTest {
    static final String SHARE = "\\\\" + Kdc.HOST + "\\Software$";

    @TempDir
    Path dir;

    /** DNS, the AS and TGS exchanges, then NEGOTIATE, SESSION_SETUP with the AP-REQ, TREE_CONNECT. */
    @Test
    void kerberosToTheFileShareSucceedsStepByStep() throws Exception {
        Kdc kdc = Kdc.get();
        Capture c = new Capture();
        int dns = c.dns(Stories.CLIENT, Stories.DC, Kdc.HOST, Stories.FILES);
        int[] kdcReplies = Stories.kdc(c, kdc.exchanges, 49900);
        Capture.Tcp smb = c.tcp(Stories.CLIENT, 50100, Stories.FILES, 445).handshake();
        int negReq = smb.c2s(Smb.nbss(Smb.negotiateRequest(0, 0x0202, 0x0210, 0x0300, 0x0302)));
        int negResp = smb.s2c(Smb.nbss(Smb.negotiateResponse(0, 0x0302, Smb.negTokenInit2(Smb.MS_KRB5, Smb.KRB5, Smb.NTLMSSP))));
        int ssReq = smb.c2s(Smb.nbss(Smb.sessionSetupRequest(1, 0, kdc.init)));
        int ssResp = smb.s2c(Smb.nbss(Smb.sessionSetupResponse(1, 0x4401, Smb.SUCCESS, 0, kdc.resp)));
        smb.c2s(Smb.nbss(Smb.treeConnectRequest(2, 0x4401, SHARE)));
        int tcResp = smb.s2c(Smb.nbss(Smb.treeConnectResponse(2, 0x4401, 1)));
        smb.close();
        Analysis a = Stories.analyze(c, dir, "kerberos");

        List<Event> smb2 = a.events("smb2");
        assertEquals(List.of("NEGOTIATE", "NEGOTIATE", "SESSION_SETUP", "SESSION_SETUP", "TREE_CONNECT", "TREE_CONNECT"),
                smb2.stream().map(e -> e.string("command")).toList());
        assertEquals(ssReq, smb2.get(2).frame(), "the AP-REQ spans segments: the frame that completes it");
        assertEquals("kerberos", smb2.get(2).string("auth"));
        Event apReq = Stories.events(a, "kerberos", "msgType", "AP-REQ").get(0);
        assertEquals("smb2", apReq.string("carrier"));
        assertEquals("cifs/" + Kdc.HOST, apReq.string("sname"));
        assertEquals(ssReq, apReq.frame());
        Event apRep = Stories.events(a, "kerberos", "msgType", "AP-REP").get(0);
        assertEquals("smb2", apRep.string("carrier"));
        assertEquals(ssResp, apRep.frame());

        List<AuthAttempt> cifs = Stories.cifs(a);
        assertEquals(1, cifs.size());
        AuthAttempt at = cifs.get(0);
        assertEquals(Outcome.KERBEROS, at.outcome());
        assertEquals("cifs/" + Kdc.HOST, at.spn().toLowerCase());
        assertEquals(Stories.FILES, at.server().address());
        assertEquals(445, at.server().port());
        for (StepResult s : at.steps()) {
            assertEquals(StepStatus.OK, s.status(), s.step() + ": " + s.note());
        }
        assertEquals(List.of((long) dns - 1, (long) dns), at.step(Step.NAME_RESOLUTION).frames());
        assertEquals(List.of((long) negReq), at.step(Step.ANONYMOUS_REQUEST).frames());
        assertEquals(List.of((long) negResp), at.step(Step.CHALLENGE).frames());
        assertTrue(at.step(Step.CHALLENGE).note().contains("kerberos, ntlm"), at.step(Step.CHALLENGE).note());
        assertEquals(List.of((long) kdcReplies[kdcReplies.length - 1]), at.step(Step.TICKET).frames());
        assertEquals(List.of((long) ssReq), at.step(Step.AP_EXCHANGE).frames());
        assertTrue(at.step(Step.AUTHORIZED).frames().contains((long) tcResp));
        assertTrue(at.step(Step.AUTHORIZED).note().contains(SHARE + " → STATUS_SUCCESS"), at.step(Step.AUTHORIZED).note());
        assertEquals("john@" + Kdc.REALM, at.user());
        assertTrue(a.findings().stream().noneMatch(f -> f.id().startsWith("smb2.")), a.findings().toString());
    }

    private static byte[] ntlmLegs(Capture.Tcp smb, long session, String domain, String user, long finalStatus, int flags,
            int[] frames) {
        frames[0] = smb.c2s(Smb.nbss(Smb.sessionSetupRequest(1, 0, Smb.negTokenInit(Ntlm.negotiate(), Smb.NTLMSSP))));
        frames[1] = smb.s2c(Smb.nbss(Smb.sessionSetupResponse(1, session, Smb.MORE_PROCESSING, 0,
                Smb.negTokenResp(1, Smb.NTLMSSP, Ntlm.challenge("CIFS")))));
        frames[2] = smb.c2s(Smb.nbss(Smb.sessionSetupRequest(2, session,
                Smb.negTokenResp(1, null, Ntlm.authenticate(domain, user, "CLIENT01")).clone())));
        byte[] last = finalStatus == Smb.SUCCESS ? Smb.sessionSetupResponse(2, session, Smb.SUCCESS, flags, Smb.negTokenResp(0, null, null))
                : Smb.errorResponse(Smb.SESSION_SETUP, 2, session, 0, finalStatus);
        frames[3] = smb.s2c(Smb.nbss(last));
        return last;
    }

    private static void negotiate(Capture.Tcp smb, String... mechs) {
        smb.c2s(Smb.nbss(Smb.negotiateRequest(0, 0x0202, 0x0210, 0x0300, 0x0302)));
        smb.s2c(Smb.nbss(Smb.negotiateResponse(0, 0x0302, Smb.negTokenInit2(mechs))));
    }

    /** An alias with no SPN: the KDC answers 7, Windows falls back to NTLM. */
    @Test
    void anAliasWithoutSpnFallsBackToNtlmAndSaysWhy() throws Exception {
        Kdc kdc = Kdc.get();
        Capture c = new Capture();
        c.dns(Stories.CLIENT, Stories.DC, Kdc.ALIAS, Stories.FILES);
        int err = Stories.kdc(c, List.of(kdc.unknownSpn), 49950)[0];
        Capture.Tcp smb = c.tcp(Stories.CLIENT, 50200, Stories.FILES, 445).handshake();
        negotiate(smb, Smb.MS_KRB5, Smb.KRB5, Smb.NTLMSSP);
        int[] f = new int[4];
        ntlmLegs(smb, 0x77, "CIFS", "john", Smb.SUCCESS, 0, f);
        smb.c2s(Smb.nbss(Smb.treeConnectRequest(3, 0x77, "\\\\" + Kdc.ALIAS + "\\Software$")));
        smb.s2c(Smb.nbss(Smb.treeConnectResponse(3, 0x77, 1)));
        smb.close();
        Analysis a = Stories.analyze(c, dir, "fallback");

        List<Event> ntlm = a.events("ntlm");
        assertEquals(List.of("NEGOTIATE", "CHALLENGE", "AUTHENTICATE"), ntlm.stream().map(e -> e.string("messageType")).toList());
        assertTrue(ntlm.stream().allMatch(e -> "smb2".equals(e.string("carrier"))));
        assertEquals("john", ntlm.get(2).string("user"));
        assertEquals(f[2], ntlm.get(2).frame());

        AuthAttempt at = Stories.cifs(a).get(0);
        assertEquals(Outcome.NTLM_FALLBACK, at.outcome());
        assertEquals(StepStatus.FAILED, at.step(Step.TICKET).status());
        assertEquals(List.of((long) err), at.step(Step.TICKET).frames());
        assertEquals(StepStatus.FAILED, at.step(Step.AP_EXCHANGE).status());
        assertEquals("CIFS\\john", at.user());

        Finding fb = Stories.findings(a, "smb2.ntlm-fallback").get(0);
        assertEquals(Severity.WARNING, fb.severity());
        assertEquals(at.index(), fb.attempt());
        assertTrue(fb.explanation().contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"), fb.explanation());
        assertTrue(fb.evidence().stream().anyMatch(e -> e.frame() == f[0]));
        assertTrue(fb.evidence().stream().anyMatch(e -> e.frame() == err));
        assertTrue(fb.remediation().contains("setspn -Q cifs/" + Kdc.ALIAS), fb.remediation().toString());

        Finding spn = Stories.findings(a, "smb2.spn-unknown").get(0);
        assertEquals(Severity.ERROR, spn.severity());
        assertTrue(spn.title().contains("cifs/" + Kdc.ALIAS), spn.title());
        assertTrue(spn.evidence().stream().anyMatch(e -> e.frame() == err && e.what().startsWith("KRB-ERROR 7")));
        assertTrue(spn.remediation().stream().anyMatch(r -> r.startsWith("setspn -S HOST/" + Kdc.ALIAS + " CIFS\\ALIAS$")),
                spn.remediation().toString());
    }

    @Test
    void refusedLogonsNameTheAccountAndItsState() throws Exception {
        Capture c = new Capture();
        Capture.Tcp one = c.tcp(Stories.CLIENT, 50300, Stories.FILES, 445).handshake();
        negotiate(one, Smb.NTLMSSP);
        int[] locked = new int[4];
        ntlmLegs(one, 0x10, "CIFS", "john", Smb.ACCOUNT_LOCKED_OUT, 0, locked);
        one.close();
        Capture.Tcp two = c.tcp(Stories.CLIENT, 50301, Stories.FILES, 445).handshake();
        negotiate(two, Smb.NTLMSSP);
        int[] bad = new int[4];
        ntlmLegs(two, 0x11, "CIFS", "Mary Major", Smb.LOGON_FAILURE, 0, bad);
        two.close();
        Analysis a = Stories.analyze(c, dir, "logon");

        List<Event> answers = Stories.events(a, "smb2", "kind", "response").stream()
                .filter(e -> "SESSION_SETUP".equals(e.string("command"))).toList();
        assertEquals(List.of(0xC0000016L, 0xC0000234L, 0xC0000016L, 0xC000006DL),
                answers.stream().map(e -> e.fields().get("status")).toList());
        List<Finding> fs = Stories.findings(a, "smb2.logon-failure");
        assertEquals(2, fs.size(), fs.toString());
        Finding lock = fs.stream().filter(x -> x.title().contains("CIFS\\john")).findFirst().orElseThrow();
        assertEquals(Severity.ERROR, lock.severity());
        assertTrue(lock.title().contains("locked out") && lock.title().contains("STATUS_ACCOUNT_LOCKED_OUT"), lock.title());
        assertTrue(lock.remediation().contains("Unlock-ADAccount -Identity john"), lock.remediation().toString());
        assertTrue(lock.evidence().stream().anyMatch(e -> e.frame() == locked[3]));
        Finding wrong = fs.stream().filter(x -> x.title().contains("Mary Major")).findFirst().orElseThrow();
        assertTrue(wrong.title().contains("wrong user name or password"), wrong.title());
        assertTrue(wrong.remediation().stream().anyMatch(r -> r.contains("/user:\"CIFS\\Mary Major\"")), wrong.remediation().toString());
        assertTrue(wrong.remediation().stream().anyMatch(r -> r.startsWith("Get-ADUser 'Mary Major'")), wrong.remediation().toString());
        AuthAttempt at = Stories.cifs(a).get(0);
        assertEquals(Outcome.FAILED, at.outcome());
        assertTrue(at.step(Step.AUTHORIZED).note().contains("STATUS_LOGON_FAILURE"), at.step(Step.AUTHORIZED).note());
    }

    /** Authenticated with Kerberos, then the shares refuse: a compound of two tree connects in one frame. */
    @Test
    void refusedSharesAreNamedWithTheirPath() throws Exception {
        Kdc kdc = Kdc.get();
        Capture c = new Capture();
        Capture.Tcp smb = c.tcp(Stories.CLIENT, 50400, Stories.FILES, 445).handshake();
        negotiate(smb, Smb.KRB5, Smb.NTLMSSP);
        smb.c2s(Smb.nbss(Smb.sessionSetupRequest(1, 0, kdc.init)));
        smb.s2c(Smb.nbss(Smb.sessionSetupResponse(1, 0x20, Smb.SUCCESS, 0, kdc.resp)));
        smb.c2s(Smb.nbss(Smb.compound(Smb.treeConnectRequest(2, 0x20, "\\\\" + Kdc.HOST + "\\Missing$"),
                Smb.treeConnectRequest(3, 0x20, SHARE))));
        int refused = smb.s2c(Smb.nbss(Smb.compound(Smb.errorResponse(Smb.TREE_CONNECT, 2, 0x20, 0, Smb.BAD_NETWORK_NAME),
                Smb.errorResponse(Smb.TREE_CONNECT, 3, 0x20, 0, Smb.ACCESS_DENIED))));
        smb.close();
        Analysis a = Stories.analyze(c, dir, "shares");

        List<Event> tc = a.events("smb2").stream().filter(e -> e.frame() == refused).toList();
        assertEquals(2, tc.size(), "one event per command of the compound");
        List<Finding> fs = Stories.findings(a, "smb2.access-denied");
        assertEquals(2, fs.size(), fs.toString());
        Finding missing = fs.stream().filter(x -> x.title().contains("Missing$")).findFirst().orElseThrow();
        assertTrue(missing.title().contains("does not exist"), missing.title());
        assertTrue(missing.remediation().contains("net view \\\\" + Kdc.HOST + " /all"), missing.remediation().toString());
        Finding denied = fs.stream().filter(x -> x.title().contains("Software$")).findFirst().orElseThrow();
        assertTrue(denied.title().contains("was denied"), denied.title());
        assertTrue(denied.remediation().stream().anyMatch(r -> r.startsWith("Grant-SmbShareAccess -Name Software$")),
                denied.remediation().toString());
        assertTrue(denied.evidence().stream().anyMatch(e -> e.frame() == refused));
        AuthAttempt at = Stories.cifs(a).get(0);
        assertEquals(StepStatus.OK, at.step(Step.AP_EXCHANGE).status());
        assertEquals(StepStatus.FAILED, at.step(Step.AUTHORIZED).status());
        assertEquals(Outcome.FAILED, at.outcome());
    }

    @Test
    void guestAndNullSessionsAreWarnedAbout() throws Exception {
        Capture c = new Capture();
        Capture.Tcp nul = c.tcp(Stories.CLIENT, 50500, Stories.FILES, 445).handshake();
        negotiate(nul, Smb.NTLMSSP);
        nul.c2s(Smb.nbss(Smb.sessionSetupRequest(1, 0, new byte[0])));
        int nulResp = nul.s2c(Smb.nbss(Smb.sessionSetupResponse(1, 0x30, Smb.SUCCESS, 2, new byte[0])));
        nul.close();
        Capture.Tcp guest = c.tcp("192.168.2.102", 50501, Stories.FILES, 445).handshake();
        negotiate(guest, Smb.NTLMSSP);
        int[] g = new int[4];
        ntlmLegs(guest, 0x31, "CLIENT02", "visitor", Smb.SUCCESS, 1, g);
        guest.close();
        Analysis a = Stories.analyze(c, dir, "anonymous");

        List<Finding> fs = Stories.findings(a, "smb2.anonymous-session");
        assertEquals(2, fs.size(), fs.toString());
        assertTrue(fs.stream().allMatch(x -> x.severity() == Severity.WARNING));
        assertTrue(fs.stream().anyMatch(x -> x.title().contains("null") && x.evidence().stream().anyMatch(e -> e.frame() == nulResp)));
        assertTrue(fs.stream().anyMatch(x -> x.title().contains("guest") && x.title().contains("192.168.2.102")));
    }

    /** SMB1 over NetBIOS (port 139): session request, then NEGOTIATE and SESSION_SETUP_ANDX with Kerberos. */
    @Test
    void smb1OverNetbiosCarriesKerberosWithCarrierSmb() throws Exception {
        Kdc kdc = Kdc.get();
        Capture c = new Capture();
        Capture.Tcp smb = c.tcp(Stories.CLIENT, 50600, Stories.FILES, 139).handshake();
        smb.c2s(Smb.nbssControl(0x81, new byte[68]));
        smb.s2c(Smb.nbssControl(0x82, new byte[0]));
        smb.c2s(Smb.nbss(Smb.smb1NegotiateRequest("NT LM 0.12")));
        smb.s2c(Smb.nbss(Smb.smb1NegotiateResponse(Smb.negTokenInit2(Smb.MS_KRB5, Smb.KRB5, Smb.NTLMSSP))));
        int req = smb.c2s(Smb.nbss(Smb.smb1SessionSetupRequest(2, kdc.init)));
        int resp = smb.s2c(Smb.nbss(Smb.smb1SessionSetupResponse(2, 0x800, Smb.SUCCESS, 0, kdc.resp)));
        smb.close();
        Analysis a = Stories.analyze(c, dir, "smb1");

        assertTrue(a.events("smb2").isEmpty(), "SMB1 stays out of the smb2 array, as in Wireshark");
        assertEquals(4, a.events("smb").size());
        Event apReq = Stories.events(a, "kerberos", "msgType", "AP-REQ").get(0);
        assertEquals("smb", apReq.string("carrier"));
        assertEquals(req, apReq.frame());
        assertEquals("smb", Stories.events(a, "kerberos", "msgType", "AP-REP").get(0).string("carrier"));
        AuthAttempt at = Stories.cifs(a).get(0);
        assertEquals(139, at.server().port());
        assertEquals(Outcome.KERBEROS, at.outcome());
        assertEquals(List.of((long) resp), at.step(Step.AUTHORIZED).frames());
        assertNotNull(at.step(Step.ANONYMOUS_REQUEST));
        assertFalse(at.step(Step.ANONYMOUS_REQUEST).note().isEmpty());
    }

    @Test
    void anUnansweredConnectionToTheFileServerFailsAtConnect() throws Exception {
        Capture c = new Capture();
        c.dns(Stories.CLIENT, Stories.DC, Kdc.HOST, Stories.FILES);
        int syn = c.tcp(Stories.CLIENT, 50700, Stories.FILES, 445).syn();
        Analysis a = Stories.analyze(c, dir, "unanswered");
        AuthAttempt at = Stories.cifs(a).get(0);
        assertEquals(StepStatus.FAILED, at.step(Step.CONNECT).status());
        // the client's SYN and the two times it sent it again, one and three seconds later
        assertEquals(List.of((long) syn, syn + 1L, syn + 2L), at.step(Step.CONNECT).frames());
        assertEquals("no answer to the SYN, sent 3 times over 3.0 s: port 445 filtered or host down",
                at.step(Step.CONNECT).note());
        assertEquals(StepStatus.OK, at.step(Step.NAME_RESOLUTION).status());
        assertEquals("cifs/" + Kdc.HOST, at.spn());
        assertEquals(Outcome.FAILED, at.outcome());
    }
}
