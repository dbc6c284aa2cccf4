package org.kerbscope.cifs.checks;

import java.util.List;

import org.kerbscope.cifs.CifsService;
import org.kerbscope.cifs.internal.SmbSessions.Exchange;
import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code smb2.anonymous-session}: the file server set up a guest session (it mapped the client to the Guest
 * account) or a null session (no credentials at all). Either way no user was authenticated, Kerberos or not.
 */
public final class AnonymousSessionCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : CifsChecks.attempts(a)) {
            for (Exchange x : CifsChecks.exchanges(at)) {
                if (!x.succeeded()) {
                    continue;
                }
                List<String> flags = x.sessionFlags();
                boolean guest = flags.contains("guest");
                boolean nul = flags.contains("null") || "none".equals(x.auth())
                        || "anonymous".equals(CifsService.ntlmAccount(a, x));
                if (!guest && !nul) {
                    continue;
                }
                String server = CifsChecks.server(at);
                FindingBuilder f = new FindingBuilder("smb2.anonymous-session").severity(Severity.WARNING)
                        .step(Step.AP_EXCHANGE).attempt(at.index());
                if (!x.requests().isEmpty()) {
                    f.frame(x.requests().get(0).frame(), "SESSION_SETUP request"
                            + ("none".equals(x.auth()) ? " without a security token" : nul ? " with an anonymous NTLM logon" : ""));
                }
                f.frame(x.finalResponse().frame(), "SESSION_SETUP response STATUS_SUCCESS, session flags " + flags);
                if (guest) {
                    sink.report(f.title("The file server " + server + " gave " + at.client() + " a guest session")
                            .explanation("The SESSION_SETUP succeeded with the guest flag: the server did not recognise the"
                                    + " account and mapped the client to Guest. Nobody was authenticated, Kerberos was not used,"
                                    + " and signing cannot protect the session. Windows 10 1709 and later refuse such insecure"
                                    + " guest logons by default, so the same share fails on newer clients.")
                            .fix("net use \\\\" + server + "\\<share> /user:DOMAIN\\<user>",
                                    "Get-SmbClientConfiguration | Select-Object EnableInsecureGuestLogons",
                                    "Set-SmbClientConfiguration -EnableInsecureGuestLogons $false")
                            .build());
                } else {
                    sink.report(f.title("The client " + at.client() + " set up an anonymous (null) session with " + server)
                            .explanation("The SESSION_SETUP carried no user: an anonymous logon, as tools use to browse IPC$."
                                    + " No identity was proved, so this session says nothing about Kerberos; a file share"
                                    + " opened this way only works when the server allows anonymous access.")
                            .fix("Get-ItemProperty HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters"
                                    + " -Name RestrictNullSessAccess,NullSessionShares,NullSessionPipes",
                                    "net use \\\\" + server + "\\<share> /user:DOMAIN\\<user>")
                            .build());
                }
            }
        }
    }
}
