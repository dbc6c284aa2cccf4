package org.kerbscope.dissect.kerberos.tests;

import java.util.ArrayList;
import java.util.List;

import javax.security.auth.Subject;

import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.type.ticket.TgtTicket;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * Real exchanges, made once per test run: a JDK login and JGSS context (AS, TGS, AP-REQ, AP-REP), Kerby's
 * client with a wrong password and for an unknown service, and the same over TCP. Each keeps the bytes that
 * crossed the relay.
 */
final class Exchanges {
    static final Oid KRB5 = oid("1.2.840.113554.1.2.2");
    static final Oid KRB5_PRINCIPAL = oid("1.2.840.113554.1.2.2.1");
    static final Oid SPNEGO = oid("1.3.6.1.5.5.2");

    private static Exchanges instance;

    final KdcFixture kdc;
    /** JDK login + service ticket, over UDP: AS-REQ … TGS-REP. */
    final List<KdcFixture.Captured> jdkUdp;
    /** The GSS-API krb5 token with the AP-REQ, and the acceptor's token with the AP-REP. */
    final byte[] apReqToken;
    final byte[] apRepToken;
    /** The SPNEGO NegTokenInit and NegTokenResp of a second context. */
    final byte[] spnegoInit;
    final byte[] spnegoResp;
    /** Kerby client, wrong password, over UDP. */
    final List<KdcFixture.Captured> wrongPassword;
    /** Kerby client: TGT then a ticket for an unknown service, over TCP. */
    final List<KdcFixture.Captured> unknownServiceTcp;
    final String wrongPasswordOutcome;
    final String unknownServiceOutcome;

    static synchronized Exchanges get() throws Exception {
        if (instance == null) {
            instance = new Exchanges(KdcFixture.get());
        }
        return instance;
    }

    private Exchanges(KdcFixture kdc) throws Exception {
        this.kdc = kdc;
        int m = kdc.mark();
        Subject client = kdc.login(KdcFixture.USER, KdcFixture.PASSWORD, null);
        Subject service = kdc.login(KdcFixture.SERVICE, null, kdc.serviceKeytab);
        byte[][] krb = handshake(client, service, KRB5);
        jdkUdp = kdc.since(m);
        apReqToken = krb[0];
        apRepToken = krb[1];
        byte[][] sp = handshake(client, service, SPNEGO);
        spnegoInit = sp[0];
        spnegoResp = sp[1];

        m = kdc.mark();
        String outcome;
        try {
            kdc.kerbyClient(true).requestTgt(KdcFixture.USER, "not-the-password");
            outcome = "accepted";
        } catch (KrbException e) {
            outcome = e.getMessage();
        }
        wrongPassword = kdc.since(m);
        wrongPasswordOutcome = outcome;

        m = kdc.mark();
        KrbClient tcp = kdc.kerbyClient(false);
        TgtTicket tgt = tcp.requestTgt(KdcFixture.USER, KdcFixture.PASSWORD);
        try {
            tcp.requestSgt(tgt, "HTTP/nowhere.example.test@" + KdcFixture.REALM);
            outcome = "issued";
        } catch (KrbException e) {
            outcome = e.getMessage();
        }
        unknownServiceTcp = kdc.since(m);
        unknownServiceOutcome = outcome;
    }

    /** initSecContext / acceptSecContext until the initiator is done; returns [first token, reply token]. */
    private static byte[][] handshake(Subject client, Subject service, Oid mech) throws Exception {
        GSSManager m = GSSManager.getInstance();
        GSSContext init = Subject.callAs(client, () -> {
            GSSName name = m.createName(KdcFixture.SERVICE, KRB5_PRINCIPAL);
            GSSContext c = m.createContext(name, mech, null, GSSContext.DEFAULT_LIFETIME);
            c.requestMutualAuth(true);
            c.requestConf(true);
            c.requestInteg(true);
            return c;
        });
        byte[] first = Subject.callAs(client, () -> init.initSecContext(new byte[0], 0, 0));
        GSSContext accept = Subject.callAs(service, () -> m.createContext((org.ietf.jgss.GSSCredential) null));
        byte[] reply = Subject.callAs(service, () -> accept.acceptSecContext(first, 0, first.length));
        Subject.callAs(client, () -> init.initSecContext(reply, 0, reply.length));
        if (!init.isEstablished() || !accept.isEstablished()) {
            throw new IllegalStateException("the GSS context was not established");
        }
        return new byte[][] { first, reply };
    }

    static List<KdcFixture.Captured> udp(List<KdcFixture.Captured> list) {
        List<KdcFixture.Captured> out = new ArrayList<>();
        for (KdcFixture.Captured c : list) {
            if (c.transport().equals("udp")) {
                out.add(c);
            }
        }
        return out;
    }

    private static Oid oid(String s) {
        try {
            return new Oid(s);
        } catch (org.ietf.jgss.GSSException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
