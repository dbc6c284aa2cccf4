package org.kerbscope.cifs.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.cifs.internal.NtStatus;
import org.kerbscope.cifs.internal.SmbSessions;
import org.kerbscope.cifs.internal.SmbSessions.Exchange;
import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code smb2.logon-failure}: the file server answered a SESSION_SETUP with STATUS_LOGON_FAILURE or one of the
 * statuses that name the account's state (disabled, locked out, expired, password expired, restricted). One
 * finding per account and status, with every refused set-up as evidence.
 */
public final class LogonFailureCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : CifsChecks.attempts(a)) {
            Map<String, List<Exchange>> groups = new LinkedHashMap<>();
            for (Exchange x : CifsChecks.exchanges(at)) {
                Event fin = x.finalResponse();
                if (fin != null && NtStatus.isLogonFailure(SmbSessions.status(fin))) {
                    String account = CifsChecks.account(a, at, x);
                    groups.computeIfAbsent(SmbSessions.status(fin) + "|" + account, k -> new ArrayList<>()).add(x);
                }
            }
            for (List<Exchange> xs : groups.values()) {
                sink.report(finding(a, at, xs));
            }
        }
    }

    private static org.kerbscope.core.model.Finding finding(Analysis a, AuthAttempt at, List<Exchange> xs) {
        Exchange first = xs.get(0);
        long status = SmbSessions.status(first.finalResponse());
        String statusName = NtStatus.name(status);
        String account = CifsChecks.account(a, at, first);
        String who = account != null ? account : "the user";
        String user = CifsChecks.ps(CifsChecks.samName(account));
        String server = CifsChecks.server(at);
        FindingBuilder f = new FindingBuilder("smb2.logon-failure").severity(Severity.ERROR).step(Step.AUTHORIZED)
                .attempt(at.index());
        for (Exchange x : xs) {
            Event req = x.requests().isEmpty() ? null : x.requests().get(x.requests().size() - 1);
            if (req != null) {
                f.frame(req.frame(), "SESSION_SETUP request with " + (x.auth() != null ? x.auth() : "a") + " token for " + who);
            }
            f.frame(x.finalResponse().frame(), "SESSION_SETUP response " + statusName + " (" + CifsChecks.hex(status) + ")");
        }
        CifsChecks.securityEvents(a, at, f, 4625);
        String times = xs.size() == 1 ? "" : " (" + xs.size() + " times)";
        String eventLog = "Get-WinEvent -ComputerName " + server
                + " -FilterHashtable @{LogName='Security';Id=4625} -MaxEvents 20";
        String domain = account != null && account.contains("\\") ? account.substring(0, account.indexOf('\\'))
                : Flows.netbiosDomain(at.user() != null && at.user().contains("@")
                        ? at.user().substring(at.user().indexOf('@') + 1) : null);
        String state;
        String why;
        List<String> fixes = new ArrayList<>();
        if (status == NtStatus.ACCOUNT_DISABLED) {
            state = "the account is disabled";
            why = "The credentials were right, but the account " + who + " is disabled, so no logon is allowed.";
            fixes.add("Get-ADUser " + user + " -Properties Enabled");
            fixes.add("Enable-ADAccount -Identity " + user);
        } else if (status == NtStatus.ACCOUNT_LOCKED_OUT) {
            state = "the account is locked out";
            why = "The account " + who + " is locked out after too many bad passwords (often an old password saved in"
                    + " a mapped drive, a service or a scheduled task); every logon fails until it is unlocked.";
            fixes.add("Get-ADUser " + user + " -Properties LockedOut,BadLogonCount,LastBadPasswordAttempt");
            fixes.add("Unlock-ADAccount -Identity " + user);
            fixes.add("Search-ADAccount -LockedOut");
        } else if (status == NtStatus.ACCOUNT_EXPIRED) {
            state = "the account has expired";
            why = "The account " + who + " has passed its expiration date (accountExpires).";
            fixes.add("Get-ADUser " + user + " -Properties AccountExpirationDate");
            fixes.add("Clear-ADAccountExpiration -Identity " + user);
        } else if (status == NtStatus.PASSWORD_EXPIRED || status == NtStatus.PASSWORD_MUST_CHANGE) {
            state = status == NtStatus.PASSWORD_EXPIRED ? "the password has expired" : "the password must be changed";
            why = "The password of " + who + " " + (status == NtStatus.PASSWORD_EXPIRED ? "has expired" : "must be"
                    + " changed at next logon") + "; a network logon cannot change it, so the user must change it"
                    + " interactively (Ctrl+Alt+Del) or an administrator must reset it.";
            fixes.add("Get-ADUser " + user + " -Properties PasswordExpired,PasswordLastSet,pwdLastSet");
            fixes.add("Set-ADAccountPassword -Identity " + user + " -Reset");
            fixes.add("Set-ADUser -Identity " + user + " -ChangePasswordAtLogon $false");
        } else if (status == NtStatus.ACCOUNT_RESTRICTION || status == NtStatus.INVALID_LOGON_HOURS
                || status == NtStatus.INVALID_WORKSTATION) {
            state = status == NtStatus.INVALID_LOGON_HOURS ? "outside the account's logon hours"
                    : status == NtStatus.INVALID_WORKSTATION ? "not allowed from this workstation"
                            : "an account restriction applies";
            why = "The account " + who + " may not log on here now: its logon hours, its allowed workstations, or a"
                    + " policy such as a blank password refused for network logons.";
            fixes.add("Get-ADUser " + user + " -Properties LogonHours,LogonWorkstations,userAccountControl");
            fixes.add("Set-ADUser -Identity " + user + " -LogonWorkstations $null");
        } else if (status == NtStatus.LOGON_TYPE_NOT_GRANTED) {
            state = "network logon is not granted";
            why = "The account " + who + " is not granted \"Access this computer from the network\" on " + server
                    + " (or is listed in \"Deny access to this computer from the network\").";
            fixes.add("gpresult /scope computer /h " + server + "-gpresult.html");
            fixes.add("secpol.msc > Local Policies > User Rights Assignment > Access this computer from the network");
        } else if (status == NtStatus.TIME_DIFFERENCE_AT_DC) {
            state = "the clocks differ";
            why = "The server's clock differs too much from the domain controller's: Kerberos and the secure channel"
                    + " refuse the logon.";
            fixes.add("w32tm /query /status /computer:" + server);
            fixes.add("w32tm /resync /computer:" + server);
        } else if (status == NtStatus.NO_LOGON_SERVERS || status == NtStatus.TRUSTED_RELATIONSHIP_FAILURE
                || status == 0xC000018BL || status == 0xC000018CL) {
            state = "the server cannot reach or trust its domain";
            why = "The file server could not check the credentials with a domain controller (no logon server, or its"
                    + " secure channel / trust is broken).";
            fixes.add("nltest /server:" + server + " /sc_verify:" + domain);
            fixes.add("Test-ComputerSecureChannel -Repair -Server <DC>   (on " + server + ")");
        } else {
            state = "wrong user name or password";
            why = "The server (or the domain controller it asked) did not accept the credentials of " + who
                    + ": the password is wrong, or the account is unknown there (a local account of another machine, a"
                    + " mistyped domain). The server's event 4625 gives the sub-status (0xC000006A wrong password,"
                    + " 0xC0000064 no such user).";
            fixes.add("net use " + CifsChecks.unc(at, first) + " /user:" + CifsChecks.cmd(CifsChecks.domainAccount(account, at)) + " *");
            fixes.add("Get-ADUser " + user + " -Properties Enabled,LockedOut,PasswordExpired,BadLogonCount,LastBadPasswordAttempt");
        }
        fixes.add(eventLog);
        return f.title("The file server " + server + " refused the logon of " + who + ": " + state + " (" + statusName + ")"
                        + times)
                .explanation("Step 8 failed: the SESSION_SETUP was answered " + statusName + ". " + why
                        + " Windows then asks for credentials again or reports \"The user name or password is incorrect\".")
                .fix(fixes.toArray(String[]::new))
                .build();
    }
}
