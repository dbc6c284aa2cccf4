package org.kerbscope.checks.kerberos;

import java.util.List;

import org.kerbscope.core.model.Severity;

/**
 * What each KRB-ERROR code means for the user and what to run next, for the refusals no check of their own explains:
 * read from the wire ({@link OtherKdcErrorCheck}) or from a domain controller's Security log
 * ({@link OtherKdcErrorEventCheck}).
 */
final class KdcRefusals {
    private KdcRefusals() {
    }

    /**
     * One refusal: its code and name, the service and client it concerns, the KDC (address or name), the realm, the
     * NTSTATUS of its extended error and its e-text (or null), the client's realm it points to, whether the request
     * was an AS exchange and a smart-card (PKINIT) one, whether the client asked again afterwards, and for
     * KDC_ERR_BADOPTION the option refused ({@link KdcErrorCheck#refusedOption}, or null).
     */
    record Refusal(int code, String name, String spn, String user, String kdc, String realm, Long ntstatus,
            String ntstatusName, String eText, String crealm, boolean asExchange, boolean pkinit, boolean followed,
            String option) {
    }

    /** What a refusal says: a title, why, the commands that show or mend it, its severity. */
    record Meaning(String title, String why, List<String> fix, Severity severity) {
        Meaning(String title, String why, String... fix) {
            this(title, why, List.of(fix), Severity.ERROR);
        }
    }

    /** The explanation of a refusal: its name and code, the meaning, and its NTSTATUS and e-text where it has them. */
    static String why(Refusal r, Meaning m) {
        StringBuilder why = new StringBuilder(r.name()).append(" (").append(r.code()).append("): ").append(m.why());
        if (r.ntstatus() != null) {
            why.append(" The error's extended data carries NTSTATUS 0x").append(String.format("%08x", r.ntstatus()))
                .append(r.ntstatusName() != null ? " (" + r.ntstatusName() + ")" : "").append('.');
        }
        if (r.eText() != null) {
            why.append(" Its e-text reads \"").append(r.eText()).append("\".");
        }
        return why.toString();
    }

    /** What {@code r} means: RFC 4120 7.5.9, RFC 4556 3.1.3, RFC 6113, MS-KILE 3.3.5. */
    static Meaning meaning(Refusal r) {
        int code = r.code();
        // where one meaning serves several codes, the title names the code: findings are told apart by title
        String which = " (" + r.name() + ")";
        String spn = r.spn() != null ? r.spn() : "<service>";
        String user = r.user() != null ? r.user() : "<client>";
        String u = KdcErrorCheck.simple(user);
        String kdc = r.kdc();
        String realm = r.realm() != null ? r.realm() : "<realm>";
        String clocks = "w32tm /stripchart /computer:" + kdc + " /samples:3 /dataonly";
        String spnQuery = "setspn -Q " + spn;
        return switch (code) {
            case 1 -> new Meaning("The account " + user + " has expired",
                "the client's entry in the KDC database is past its expiration date, so the KDC issues it no ticket.",
                "Get-ADUser " + u + " -Properties AccountExpirationDate", "Set-ADAccountExpiration " + u + " -DateTime <new date>");
            case 2 -> new Meaning("The account behind " + spn + " has expired",
                "the service's entry in the KDC database is past its expiration date, so no ticket is issued for it.",
                spnQuery, "Get-ADUser <service account> -Properties AccountExpirationDate");
            case 3 -> new Meaning("The KDC " + kdc + " refused a request that is not Kerberos version 5",
                "the request's protocol version number is not 5: the client is not speaking Kerberos 5 to port 88.");
            case 4, 5 -> new Meaning("The KDC " + kdc + " holds a key made with an older master key" + which,
                "the principal's key in the KDC database was encrypted with an old master key (an MIT KDC whose master key"
                    + " was changed without re-encrypting the database).");
            case 9 -> new Meaning("The account of " + (r.asExchange() ? user : spn) + " has no key",
                "the KDC has no key for the client or the service: its password was never set (a computer account whose"
                    + " machine password is missing, or an account created without one).",
                "Test-ComputerSecureChannel -Repair", "Set-ADAccountPassword " + u + " -Reset");
            case 10 -> new Meaning("The KDC will not issue the postdated ticket " + user + " asked for",
                "the request asked for a postdated ticket and the KDC's policy does not allow them.");
            case 11 -> new Meaning("The ticket " + user + " asked for would never be valid",
                "the requested start time is after the requested end time: the client's clock or its requested lifetime"
                    + " is wrong.", clocks);
            case 12 -> policy(r.ntstatus(), user, u);
            case 13 -> badOption(r.option(), user, spn, kdc, spnQuery);
            case 15 -> new Meaning("The KDC does not support the checksum type " + user + " used",
                "the request carries a checksum of a type the KDC does not support.",
                "Get-ADUser " + u + " -Properties msDS-SupportedEncryptionTypes");
            case 16 -> padata(r.pkinit(), user, kdc);
            case 17 -> new Meaning("The KDC cannot read the transited realms of a cross-realm ticket",
                "the ticket lists the realms it passed through in an encoding the KDC does not support.",
                "nltest /domain_trusts /all_trusts /v");
            case 19 -> new Meaning("The account behind " + spn + " cannot get tickets: " + KdcErrorCheck.accountState(r.ntstatus() != null ? r.ntstatus().intValue() : 0),
                "the service's account is disabled, locked out or expired: the KDC issues no ticket for it.",
                spnQuery, "Get-ADUser <service account> -Properties Enabled,LockedOut,AccountExpirationDate");
            case 20 -> new Meaning("The KDC no longer accepts " + user + "'s TGT",
                "the ticket-granting ticket presented was revoked: the account was disabled or its password reset"
                    + " since it was issued, or the TGT came from a domain controller this KDC does not trust (a read-only"
                    + " DC's TGT presented to another, a krbtgt key reset). Getting a new TGT mends it.",
                "klist purge", "klist tgt", "nltest /dsgetdc:" + realm + " /kdc /force");
            case 21 -> new Meaning("The account " + user + " is not valid yet",
                "the client's entry in the KDC database has a start time in the future.", clocks);
            case 22 -> new Meaning("The account behind " + spn + " is not valid yet",
                "the service's entry in the KDC database has a start time in the future.", spnQuery, clocks);
            case 26 -> new Meaning("The KDC found the request's server does not match its ticket",
                "the request names a server other than the one its ticket was issued for.", spnQuery);
            case 27 -> new Meaning(spn + " can only be reached user-to-user",
                "the service principal has no key of its own the KDC can encrypt a ticket with (an account without a"
                    + " password, or one that allows only user-to-user tickets).", spnQuery);
            case 28, 51 -> new Meaning("The trust path to " + spn + " was not accepted" + which,
                "the realms the cross-realm ticket passed through are not an accepted path: a trust is missing or"
                    + " broken between the client's realm and the service's.",
                "nltest /domain_trusts /all_trusts /v", "nltest /sc_verify:" + realm);
            case 29 -> new Meaning("The KDC " + kdc + " could not serve the request",
                "the KDC is unavailable for it: a read-only domain controller that cannot reach a writable one to"
                    + " forward to, a KDC that is starting or paused, or one that demands armoring (FAST) the client"
                    + " does not use.",
                "nltest /dsgetdc:" + realm + " /kdc /writable /force", "sc.exe \\\\" + kdc + " query kdc");
            case 33 -> new Meaning("A ticket for " + spn + " is not valid yet: the clocks disagree",
                "the ticket's start time is still in the future for its receiver, whose clock is behind the KDC's.",
                clocks, "w32tm /resync");
            case 34 -> new Meaning("The service refused a replayed authenticator for " + spn,
                "the service had already seen this authenticator: a client, proxy or load balancer sent the same AP-REQ"
                    + " again, or servers sharing one service account shared one replay cache.", spnQuery);
            case 35 -> new Meaning("The ticket for " + spn + " reached a service it is not for",
                "the service found it is not the ticket's server: the name the client used leads to another host or"
                    + " account than the one the SPN is registered on (a load balancer, a DNS alias, an SPN on the"
                    + " wrong account).", spnQuery, "Resolve-DnsName " + host(spn));
            case 36 -> new Meaning("The ticket and the authenticator for " + spn + " do not match",
                "the authenticator names another client than the ticket, or was made with another session key.", "klist purge");
            case 38 -> new Meaning("The ticket for " + spn + " is bound to another address",
                "the ticket carries client addresses and the request came from another one (network address"
                    + " translation between client and service).", "klist purge");
            case 39, 40, 42, 47, 48, 49, 50 -> new Meaning("The service behind " + spn + " refused the client's message" + which,
                "a protocol error between client and service: the message was of a version, type, order, direction,"
                    + " method, sequence number or checksum the receiver does not accept.");
            case 44, 45 -> new Meaning("The service behind " + spn + " does not have the key its ticket was made with" + which,
                "the ticket is encrypted with a key version (or key) of the service account the service does not hold:"
                    + " its keytab was made before the account's last password change, or is for another account.",
                spnQuery, "ktpass -princ " + spn + " -mapuser <service account> -pass * -ptype KRB5_NT_PRINCIPAL"
                    + " -crypto AES256-SHA1 -out <keytab>");
            case 31, 41 -> new Meaning("The KDC " + kdc + " could not verify the request of " + user + which,
                "the KDC could not decrypt or check the ticket or authenticator the request carried: the TGT was made"
                    + " with a krbtgt key this KDC does not have (a read-only DC's, a key reset not yet replicated, a"
                    + " TGT from another realm's KDC) or the request was altered on the way. A new TGT usually mends it.",
                "klist purge", "repadmin /showrepl " + kdc, "nltest /dsgetdc:" + realm + " /kdc /force");
            case 46 -> new Meaning("Mutual authentication with " + spn + " failed",
                "the client could not verify the service's AP-REP: the service does not hold the session key it should.",
                spnQuery);
            case 60 -> new Meaning("The KDC " + kdc + " refused the request with a generic error",
                "the KDC says only that the request failed"
                    + (r.eText() == null && r.ntstatus() == null ? ", with neither e-text nor extended data"
                        + " to say why: the KDC's own log will." : "; the e-text or extended data below says why."),
                kdcLog(kdc));
            case 61 -> new Meaning("A field of the request was too long for the KDC " + kdc,
                "the KDC does not accept a request or field of this size; Windows clients can be made to use TCP, whose"
                    + " messages may be larger.",
                "reg add HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\Kerberos\\Parameters /v MaxPacketSize /t REG_DWORD /d 1");
            case 62, 64, 66, 70, 71, 72, 75, 77, 78, 79, 80, 81 -> new Meaning(
                "The KDC " + kdc + " refused the certificate of " + user + which,
                "smart-card or certificate logon (PKINIT) failed on the client's certificate: its chain is not trusted by"
                    + " the KDC (the issuer not in NTAuth), its signature or key usage is wrong, it is revoked, or it does"
                    + " not map to the account.",
                "certutil -verify -urlfetch <client certificate>", "certutil -viewstore -enterprise NTAuth");
            case 63, 76 -> new Meaning("The client does not trust the certificate of the KDC " + kdc + which,
                "smart-card or certificate logon (PKINIT) failed on the KDC's certificate: it is missing, expired, not"
                    + " trusted by the client or does not name the domain controller.",
                "certutil -dcinfo verify", "certutil -viewstore -enterprise NTAuth");
            case 65 -> new Meaning("The KDC " + kdc + " refused a key too weak for certificate logon",
                "the client's certificate or Diffie-Hellman key is shorter than the KDC accepts.",
                "certutil -verify <client certificate>");
            case 73, 74 -> new Meaning("The KDC " + kdc + " could not check whether a certificate is revoked" + which,
                "the revocation list or OCSP responder of the certificate's issuer could not be reached, so the"
                    + " certificate logon (PKINIT) is refused.", "certutil -verify -urlfetch <client certificate>");
            case 67, 69 -> new Meaning(spn + " needs a user-to-user exchange the client cannot do" + which,
                "the service can only be reached user-to-user (with the service's own TGT) and the exchange lacked it.",
                spnQuery);
            case 68 -> {
                boolean followed = r.followed();
                yield new Meaning(followed ? "The KDC " + kdc + " referred the request to another realm"
                        : "The KDC " + kdc + " says the request is for another realm, and none followed",
                    "the request belongs to another realm" + (r.crealm() != null ? " (" + r.crealm() + ")" : "")
                        + (followed ? "; the client asked again, as a referral expects." : "; the client did not ask"
                            + " there: its realm or the realm's KDCs are not known to it."),
                    followed ? List.of() : List.of("nltest /dsgetdc:" + realm + " /kdc /force", "ksetup /dumpstate"),
                    followed ? Severity.INFO : Severity.WARNING);
            }
            case 90 -> new Meaning("The pre-authentication of " + user + " expired",
                "the pre-authentication data (or the FAST cookie) is older than the KDC accepts: a slow client or"
                    + " skewed clocks.", clocks);
            case 91 -> {
                boolean followed = r.followed();
                yield new Meaning(followed ? "The KDC asked " + user + " for another round of pre-authentication"
                        : "The KDC asked " + user + " for more pre-authentication and none followed",
                    "a multi-round pre-authentication (FAST, SPAKE, OTP) continues with another request"
                        + (followed ? "; it followed." : "; none followed: the client gave up."),
                    List.of(), followed ? Severity.INFO : Severity.WARNING);
            }
            case 93 -> new Meaning("The KDC " + kdc + " does not know a critical FAST option",
                "the armored (FAST) request set a critical option the KDC does not support.");
            default -> new Meaning("The KDC " + kdc + " refused the request for " + spn + which,
                "the KDC or service refused it with this error; the flow stops here.", kdcLog(kdc));
        };
    }

    /**
     * KDC_ERR_BADOPTION for a request that was not delegation (RFC 4120 3.3.3: the KDC checks the options the TGS-REQ
     * asks for against the ticket it presents): a renewal, a validation, a user-to-user ticket or an AS exchange.
     */
    private static Meaning badOption(String option, String user, String spn, String kdc, String spnQuery) {
        boolean tgt = spn.toLowerCase(java.util.Locale.ROOT).startsWith("krbtgt/");
        String ticket = tgt ? "ticket-granting ticket" : "ticket for " + spn;
        return switch (option == null ? "" : option) {
            case "renew" -> new Meaning("The KDC " + kdc + " refused to renew " + user + "'s " + ticket,
                "the request asked to renew a ticket (the RENEW option) that is not renewable or whose renewable lifetime"
                    + " has ended. The client has to get a new ticket instead: Windows does so with the credentials it"
                    + " keeps, a service that runs from a keytab or a ticket cache has to log on again (kinit). Tickets are"
                    + " renewable only when asked for and allowed (Windows: the domain's \"Maximum lifetime for user ticket"
                    + " renewal\", 7 days by default; MIT: the maxrenewlife of the principal and of krbtgt).",
                List.of("klist", "klist purge"), Severity.WARNING);
            case "validate" -> new Meaning("The KDC " + kdc + " refused to validate " + user + "'s postdated " + ticket,
                "the request asked to validate a ticket (the VALIDATE option) that is not a postdated, invalid one, or"
                    + " whose start time has not come yet.", List.of("klist"), Severity.WARNING);
            case "enc-tkt-in-skey" -> new Meaning("The KDC " + kdc + " refused a user-to-user ticket for " + spn,
                "the request asked for a ticket encrypted in the session key of another ticket-granting ticket"
                    + " (user-to-user, the ENC-TKT-IN-SKEY option) and the KDC will not issue it: the additional ticket"
                    + " is missing, is not a ticket-granting ticket, or is not the named server's.", spnQuery);
            case "as" -> new Meaning("The KDC " + kdc + " refused the ticket options " + user + " asked for",
                "the AS-REQ asked for options the KDC does not grant this account (a renewable, proxiable or"
                    + " postdated ticket-granting ticket the policy forbids).", "klist");
            default -> new Meaning("The KDC " + kdc + " refused the requested ticket options for " + spn,
                "the request asked for options the KDC will not grant with the ticket it presented.", spnQuery);
        };
    }

    /** The Windows KDC's events in the domain controller's System log. */
    private static String kdcLog(String kdc) {
        return "Get-WinEvent -ComputerName " + kdc + " -LogName System -MaxEvents 20 -FilterXPath"
            + " \"*[System[Provider[@Name='Microsoft-Windows-Kerberos-Key-Distribution-Center']]]\"";
    }

    /** KDC_ERR_POLICY: the NTSTATUS of the extended data says which restriction (MS-KILE 3.3.5.7). */
    private static Meaning policy(Long ntstatus, String user, String u) {
        long status = ntstatus != null ? ntstatus : 0;
        String restriction = switch ((int) status) {
            case 0xC000006F -> "it is outside the account's allowed logon hours";
            case 0xC0000070 -> "the account may not log on from this workstation";
            case 0xC0000413 -> "an authentication policy or silo (or a trust's selective authentication) does not allow"
                + " this account here";
            case 0xC000006E -> "an account restriction applies (a member of Protected Users, a smart card required,"
                + " or a blank password)";
            default -> "a logon restriction of the account applies (logon hours, workstations, an authentication"
                + " policy or silo, Protected Users)";
        };
        return new Meaning("The KDC's policy refused " + user + ": " + restriction,
            "the KDC will not issue the ticket because " + restriction + ".",
            "Get-ADUser " + u + " -Properties LogonHours,LogonWorkstations,msDS-AssignedAuthNPolicy,"
                + "msDS-AssignedAuthNPolicySilo,MemberOf",
            "Get-ADAuthenticationPolicy -Filter *");
    }

    /** KDC_ERR_PADATA_TYPE_NOSUPP: with a PKINIT request (padata 16 or 14), the DC has no usable KDC certificate. */
    private static Meaning padata(boolean pkinit, String user, String kdc) {
        if (pkinit) {
            return new Meaning("The KDC " + kdc + " cannot do smart-card logon for " + user,
                "the client used certificate pre-authentication (PKINIT) and the domain controller does not support it:"
                    + " it has no valid KDC certificate (Kerberos Authentication or Domain Controller Authentication).",
                "certutil -dcinfo verify", "certutil -viewstore -enterprise NTAuth");
        }
        return new Meaning("The KDC " + kdc + " does not support the pre-authentication " + user + " used",
            "the request's pre-authentication type is one the KDC does not support.", "klist purge");
    }

    /** The host of a service principal: HTTP/web.contoso.com:8080@REALM → web.contoso.com. */
    private static String host(String spn) {
        if (spn == null) {
            return "<host>";
        }
        String s = spn;
        int at = s.indexOf('@');
        s = at > 0 ? s.substring(0, at) : s;
        int slash = s.indexOf('/');
        s = slash >= 0 ? s.substring(slash + 1) : s;
        int colon = s.indexOf(':');
        s = colon > 0 ? s.substring(0, colon) : s;
        slash = s.indexOf('/');
        return slash > 0 ? s.substring(0, slash) : s;
    }
}
