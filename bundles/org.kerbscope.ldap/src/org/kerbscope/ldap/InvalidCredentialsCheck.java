package org.kerbscope.ldap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code ldap.invalid-credentials}: a bind answered invalidCredentials (49). Active Directory says why after
 * {@code data} in the diagnosticMessage (52e wrong password, 525 no such user, 775 locked, …); the finding names
 * the account and gives the command that checks or fixes that state. One finding per account and reason.
 */
public final class InvalidCredentialsCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : LdapEvents.attempts(a)) {
            Map<String, List<Event[]>> byReason = new LinkedHashMap<>();
            for (Event r : LdapEvents.ops(at, "bindResponse")) {
                if (r.integer("resultCode", -1) != 49) {
                    continue;
                }
                Event req = LdapEvents.requestFor(at, r);
                String user = LdapEvents.user(a, at, req);
                byReason.computeIfAbsent(user + "|" + r.string("adError"), k -> new ArrayList<>())
                        .add(new Event[] { req, r });
            }
            for (List<Event[]> binds : byReason.values()) {
                report(a, at, binds, sink);
            }
        }
    }

    private static void report(Analysis a, AuthAttempt at, List<Event[]> binds, FindingSink sink) {
        Event first = binds.get(0)[1];
        String user = LdapEvents.user(a, at, binds.get(0)[0]);
        String who = user != null ? user : "the account";
        String id = LdapEvents.identity(user);
        String code = first.string("adError");
        String meaning = first.string("adErrorMeaning");
        String server = LdapEvents.server(at);
        FindingBuilder f = new FindingBuilder("ldap.invalid-credentials").step(Step.AUTHORIZED).attempt(at.index());
        for (Event[] b : binds) {
            if (b[0] != null) {
                f.frame(b[0].frame(), "bindRequest " + describe(b[0]) + (user != null ? " for " + user : ""));
            }
            f.frame(b[1].frame(), "bindResponse invalidCredentials (49)" + (b[1].string("diagnosticMessage") != null
                    ? ": " + b[1].string("diagnosticMessage") : ""));
        }
        String reason = code == null ? "the server gave no reason"
                : "Active Directory's sub-code data " + code + (meaning != null ? " means: " + meaning : " is not one of"
                        + " the well-known logon failures; look it up as a Win32 error code (certutil -error 0x" + code + ")");
        f.title("The directory server " + server + " rejected the credentials of " + who
                + (code != null ? " (data " + code + (meaning != null ? ": " + meaning : "") + ")" : ""))
            .explanation("Step 8 failed: the bind " + (binds.size() > 1 ? "was tried " + binds.size() + " times and each"
                    + " time was" : "was") + " answered invalidCredentials (49); " + reason + ". The LDAP exchange"
                    + " itself worked: the account or its password is the problem, not Kerberos or the network."
                    + advice(code))
            .fix(fixes(code, id, user, server).toArray(String[]::new));
        sink.report(f.build());
    }

    private static String describe(Event req) {
        String choice = req.string("authChoice");
        if ("sasl".equals(choice)) {
            return "SASL " + req.string("mechanism") + ("ntlm".equals(req.string("saslCredsKind")) ? " (NTLM)"
                    : "kerberos".equals(req.string("saslCredsKind")) ? " (Kerberos)" : "");
        }
        return choice != null && choice.startsWith("sicily") ? "sicily NTLM" : "simple";
    }

    private static String advice(String code) {
        if (code == null) {
            return " The domain controller's Security log (event 4625, or 4771/4776) names the reason.";
        }
        return switch (code) {
            case "52e" -> " The password is wrong; an application or service that binds with a stored password still"
                    + " uses an old one after a password change.";
            case "525" -> " No account matches the bind name: check the spelling, the domain, and the form (DOMAIN\\user,"
                    + " user@domain or the full distinguished name).";
            case "530" -> " The account's logon hours do not allow a logon now.";
            case "531" -> " The account may only log on from listed workstations (userWorkstations) and this client is"
                    + " not one of them.";
            case "532" -> " The password has expired: set a new one (or, for a service account, decide on a password"
                    + " policy that fits it).";
            case "533" -> " The account is disabled.";
            case "701" -> " The account has expired (accountExpires is in the past).";
            case "773" -> " The account is flagged \"must change password at next logon\"; an LDAP bind cannot change it.";
            case "775" -> " The account is locked out, typically by repeated bad passwords from a client or service"
                    + " that still uses an old one: find that source before unlocking, or it locks again.";
            default -> " The domain controller's Security log (event 4625, or 4771/4776) names the reason.";
        };
    }

    private static List<String> fixes(String code, String id, String user, String server) {
        List<String> out = new ArrayList<>();
        String c = code == null ? "" : code;
        switch (c) {
            case "52e" -> {
                out.add("runas /netonly /user:" + (user != null && user.contains("\\") ? user : id) + " cmd");
                out.add("Set-ADAccountPassword -Identity '" + id + "' -Reset");
                out.add("Update the password stored in the application or service that binds as " + (user != null ? user : id));
            }
            case "525" -> {
                out.add("Get-ADUser -Filter \"SamAccountName -eq '" + id + "' -or UserPrincipalName -eq '"
                        + (user != null ? user : id) + "'\"");
                out.add("dsquery user -name \"" + id + "\"");
            }
            case "530" -> out.add("Get-ADUser -Identity '" + id + "' -Properties logonHours");
            case "531" -> {
                out.add("Get-ADUser -Identity '" + id + "' -Properties LogonWorkstations");
                out.add("Set-ADUser -Identity '" + id + "' -LogonWorkstations '<existing list>,<this client>'");
            }
            case "532" -> {
                out.add("Get-ADUser -Identity '" + id + "' -Properties PasswordLastSet,PasswordExpired");
                out.add("Set-ADAccountPassword -Identity '" + id + "' -Reset");
            }
            case "533" -> {
                out.add("Get-ADUser -Identity '" + id + "' -Properties Enabled");
                out.add("Enable-ADAccount -Identity '" + id + "'");
            }
            case "701" -> {
                out.add("Get-ADUser -Identity '" + id + "' -Properties AccountExpirationDate");
                out.add("Clear-ADAccountExpiration -Identity '" + id + "'");
            }
            case "773" -> {
                out.add("Set-ADAccountPassword -Identity '" + id + "' -Reset");
                out.add("Set-ADUser -Identity '" + id + "' -ChangePasswordAtLogon $false");
            }
            case "775" -> {
                out.add("Get-ADUser -Identity '" + id + "' -Properties LockedOut,BadLogonCount,LastBadPasswordAttempt");
                out.add("Get-WinEvent -ComputerName (Get-ADDomain).PDCEmulator -FilterHashtable @{LogName='Security';Id=4740}"
                        + " | Where-Object { $_.Properties[0].Value -eq '" + id + "' }");
                out.add("Unlock-ADAccount -Identity '" + id + "'");
            }
            default -> {
                out.add("Get-ADUser -Identity '" + id + "' -Properties Enabled,LockedOut,PasswordExpired,AccountExpirationDate");
                out.add("Get-WinEvent -ComputerName " + server + " -FilterHashtable @{LogName='Security';Id=4625} -MaxEvents 20");
            }
        }
        return out;
    }
}
