package org.kerbscope.cifs.checks;

import java.util.LinkedHashMap;
import java.util.Map;

import org.kerbscope.cifs.internal.NtStatus;
import org.kerbscope.cifs.internal.SmbSessions;
import org.kerbscope.cifs.internal.SmbSessions.Exchange;
import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code smb2.access-denied}: the session was set up, then TREE_CONNECT to the share was refused —
 * STATUS_ACCESS_DENIED (the share's permissions do not admit the account) or STATUS_BAD_NETWORK_NAME (no such
 * share). One finding per share and status.
 */
public final class AccessDeniedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : CifsChecks.attempts(a)) {
            Map<String, Object[]> seen = new LinkedHashMap<>();
            for (Exchange x : CifsChecks.exchanges(at)) {
                Event request = null;
                for (Event t : x.trees()) {
                    if (SmbSessions.isRequest(t)) {
                        request = t;
                        continue;
                    }
                    long st = SmbSessions.status(t);
                    if (!NtStatus.isShareRefusal(st)) {
                        continue;
                    }
                    String share = t.string("share") != null ? t.string("share")
                            : request != null ? request.string("share") : null;
                    String key = st + "|" + share;
                    if (!seen.containsKey(key)) {
                        seen.put(key, new Object[] { x, request, t, share });
                    }
                }
            }
            for (Object[] v : seen.values()) {
                sink.report(finding(a, at, (Exchange) v[0], (Event) v[1], (Event) v[2], (String) v[3]));
            }
        }
    }

    private static org.kerbscope.core.model.Finding finding(Analysis a, AuthAttempt at, Exchange x, Event request,
            Event response, String share) {
        long st = SmbSessions.status(response);
        String server = SmbSessions.hostOfShare(share) != null ? SmbSessions.hostOfShare(share) : CifsChecks.server(at);
        String name = SmbSessions.shareName(share) != null ? SmbSessions.shareName(share) : "<share>";
        String unc = share != null ? share : "\\\\" + server + "\\" + name;
        String account = CifsChecks.account(a, at, x);
        String who = account != null ? account : "the user";
        FindingBuilder f = new FindingBuilder("smb2.access-denied").severity(Severity.ERROR).step(Step.AUTHORIZED)
                .attempt(at.index());
        if (x.finalResponse() != null) {
            f.frame(x.finalResponse().frame(), "SESSION_SETUP response STATUS_SUCCESS: " + who + " is authenticated");
        }
        if (request != null) {
            f.frame(request.frame(), "TREE_CONNECT request for " + unc);
        }
        f.frame(response.frame(), "TREE_CONNECT response " + NtStatus.name(st) + " (" + CifsChecks.hex(st) + ")");
        if (st == NtStatus.BAD_NETWORK_NAME || st == NtStatus.BAD_NETWORK_PATH) {
            return f.title("The share " + unc + " does not exist on " + server + " (" + NtStatus.name(st) + ")")
                    .explanation("Authentication worked (the SESSION_SETUP succeeded), but the server has no share named "
                            + name + ": it is misspelt, was removed, or lives on another server (a DFS path or a moved"
                            + " share). Hidden shares end with $ and do not show in a browse list.")
                    .fix("net view \\\\" + server + " /all", "Get-SmbShare -CimSession " + server,
                            "New-SmbShare -Name " + name + " -Path <folder> -ReadAccess " + CifsChecks.ps(CifsChecks.domainAccount(account, at))
                                    + " -CimSession " + server)
                    .build();
        }
        return f.title("Access to " + unc + " was denied to " + who + " (" + NtStatus.name(st) + ")")
                .explanation("Authentication worked (the SESSION_SETUP succeeded, so Kerberos or NTLM is not the problem),"
                        + " but the share's permissions do not admit " + who + ". Both the share permissions and the"
                        + " folder's NTFS permissions must grant access; a group membership added since the logon only counts"
                        + " after a new logon (klist purge, or sign out and in).")
                .fix("Get-SmbShareAccess -Name " + name + " -CimSession " + server,
                        "Grant-SmbShareAccess -Name " + CifsChecks.ps(name) + " -AccountName " + CifsChecks.ps(CifsChecks.domainAccount(account, at))
                                + " -AccessRight Read -Force -CimSession " + server,
                        "icacls (Get-SmbShare -Name " + name + " -CimSession " + server + ").Path",
                        "whoami /groups")
                .build();
    }
}
