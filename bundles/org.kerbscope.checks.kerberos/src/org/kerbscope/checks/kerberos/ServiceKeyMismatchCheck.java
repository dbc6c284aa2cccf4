package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.service-key-mismatch}: the service could not decrypt the ticket — KRB_AP_ERR_MODIFIED (41) or
 * BAD_INTEGRITY (31) returned by the service inside a GSS token, KRB_AP_ERR_BADKEYVER (44) or NOKEY (45) when it holds
 * no key of the ticket's version (a keytab older than the account's last password change), or the user's keytab
 * cannot decrypt the ticket (another kvno, a key that fails). A 401 after a valid-looking AP-REQ with no such evidence is reported with the
 * causes that remain and the one piece of evidence that would separate them.
 */
public final class ServiceKeyMismatchCheck implements Check {

    /** What the service's own Kerberos messages say about its key: the same for every attempt to that service. */
    private record ServiceEvidence(List<Finding.Evidence> frames, boolean proven, boolean skew, String decryptError,
            boolean noKeyVersion) {
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        // a busy site has thousands of rejected attempts: read its messages once, not once per attempt
        Map<Endpoint, ServiceEvidence> byServer = new HashMap<>();
        for (AuthAttempt at : a.attempts()) {
            var ap = at.step(Step.AP_EXCHANGE);
            var auth = at.step(Step.AUTHORIZED);
            // a Kerberos AP-REQ was sent and the service said no
            boolean rejected = ap != null && !ap.frames().isEmpty() && (ap.status() == StepStatus.FAILED
                    && ap.note().contains("rejected") || ap.status() == StepStatus.OK && auth != null && auth.status() == StepStatus.FAILED);
            if (!rejected || auth == null || auth.frames().isEmpty() || notAnAuthenticationRefusal(a, auth.frames().get(0))) {
                continue;
            }
            FindingBuilder f = new FindingBuilder("kerberos.service-key-mismatch").step(Step.AP_EXCHANGE)
                    .attempt(at.index());
            ServiceEvidence service = byServer.computeIfAbsent(at.server(), server -> serviceEvidence(a, server));
            if (service.skew()) {
                continue; // the clock-skew check explains this 401
            }
            for (Finding.Evidence ev : service.frames()) {
                f.frame(ev.frame(), ev.what());
            }
            String decryptError = service.decryptError();
            boolean proven = service.proven();
            f.frame(ap.frames().get(0), "AP-REQ for " + at.spn()).frame(auth.frames().get(0), auth.note());
            String spn = at.spn() != null ? at.spn() : "HTTP/<host>";
            String host = at.host() != null ? at.host() : "<host>";
            String domain = Flows.netbiosDomain(realmOf(a, at));
            if (service.noKeyVersion()) {
                Object kvno = ticketKvno(a, at.server(), ap.frames().get(0));
                String version = kvno != null ? "key version " + kvno : "the key version";
                f.title("The service's keytab is out of date for " + spn + ": it has no " + version)
                        .explanation("Step 7 failed: the KDC encrypted the service ticket with " + version + " of the account"
                                + " that holds " + spn + ", and the service answered that it holds no key of that version"
                                + " (KRB_AP_ERR_BADKEYVER or NOKEY). The account's password (or keys) changed after the"
                                + " service's keytab was made, or the keytab was made for another account with this SPN;"
                                + " the client then gets 401 again. Export the keytab again from the account that holds the"
                                + " SPN (a Linux or Java service: compare klist -k of its keytab with kvno " + spn + ").");
                f.fix("setspn -Q " + spn,
                        "ktpass -princ " + spn + "@" + (realmOf(a, at) != null ? realmOf(a, at) : "<REALM>")
                                + " -mapuser <service account> -pass * -ptype KRB5_NT_PRINCIPAL -crypto AES256-SHA1 -out <keytab>",
                        "klist purge");
                sink.report(f.build());
                continue;
            }
            if (proven) {
                f.title("The service cannot decrypt the ticket for " + spn + ": its key differs from the KDC's")
                        .explanation("Step 7 failed: the KDC encrypted the service ticket with the key of the account that holds "
                                + spn + ", but the service decrypts with another key" + (decryptError != null ? " (" + decryptError + ")" : "")
                                + ". Either the SPN sits on a different account from the one the service runs as, or the service's"
                                + " keytab/password is stale (its kvno lags the account's). The client then gets 401 again.");
            } else {
                f.title("The server rejected a valid-looking Kerberos ticket for " + spn)
                        .explanation("Step 7 failed: the client sent an AP-REQ for " + spn + " and the server answered 401 again."
                                + " The capture alone cannot tell which of these it is: (1) the SPN is registered on another account"
                                + " than the one the site runs as; (2) the service's key is stale (keytab or password changed);"
                                + " (3) a duplicate SPN; (4) IIS kernel-mode authentication with a custom application pool identity"
                                + " (useAppPoolCredentials); (5) clock skew on the server. One piece of evidence separates them:"
                                + " give the service keytab (--keytab) to test the key, run setspn -X for duplicates, or read the"
                                + " server's Security log (4625/4769) for the failure reason.");
            }
            f.fix("setspn -Q " + spn, "setspn -X",
                    "setspn -S " + spn + " " + domain + "\\" + Flows.computerAccount(host),
                    "%windir%\\system32\\inetsrv\\appcmd.exe set config \"Default Web Site\" -section:system.webServer/security/authentication/windowsAuthentication /useAppPoolCredentials:true /commit:apphost",
                    "klist purge");
            sink.report(f.build());
        }
    }

    /** The service's KRB-ERRORs (41, 31 or 37) and the AP-REQs to it the keytab could not decrypt. */
    private static ServiceEvidence serviceEvidence(Analysis a, Endpoint server) {
        List<Finding.Evidence> frames = new ArrayList<>();
        String decryptError = null;
        boolean proven = false;
        boolean skew = false;
        boolean noKeyVersion = false;
        for (Event e : Flows.kerberosAt(a, server)) {
            int code = e.integer("errorCode", -1);
            String type = e.string("msgType");
            if ("KRB-ERROR".equals(type) && (code == 41 || code == 31)) {
                frames.add(Finding.Evidence.frame(e.frame(), "the service answered KRB-ERROR " + code + " " + e.string("errorName")));
                proven = true;
            }
            if ("KRB-ERROR".equals(type) && (code == 44 || code == 45)) {
                frames.add(Finding.Evidence.frame(e.frame(), "the service answered KRB-ERROR " + code + " " + e.string("errorName")));
                noKeyVersion = true;
            }
            if ("KRB-ERROR".equals(type) && code == 37) {
                skew = true;
            }
            if ("AP-REQ".equals(type) && e.string("decryptError") != null) {
                decryptError = e.string("decryptError");
                frames.add(Finding.Evidence.frame(e.frame(), "with the given keytab: " + decryptError));
                proven = true;
            }
        }
        return new ServiceEvidence(frames, proven, skew, decryptError, noKeyVersion);
    }

    /**
     * Whether the web server's answer in the attempt's last frame says something else than "your credentials were not
     * accepted" (401, 407):
     * a 400 to a request too large (token bloat, http.header-too-large), a 403 (authorised, but not allowed), a 5xx.
     */
    static boolean notAnAuthenticationRefusal(Analysis a, long verdictFrame) {
        for (Event h : Flows.atFrame(a, "http", verdictFrame)) {
            if ("response".equals(h.string("kind"))) {
                int status = h.integer("status", 0);
                return status != 401 && status != 407;
            }
        }
        return false;
    }

    /** The key version of the ticket in the AP-REQ to {@code server} in {@code frame}, or null. */
    private static Object ticketKvno(Analysis a, Endpoint server, long frame) {
        for (Event e : Flows.kerberosAt(a, server)) {
            if (e.frame() == frame && "AP-REQ".equals(e.string("msgType"))
                    && e.get("ticket") instanceof Map<?, ?> t && t.get("kvno") != null) {
                return t.get("kvno");
            }
        }
        return null;
    }

    private static String realmOf(Analysis a, AuthAttempt at) {
        for (Event e : at.events()) {
            if ("kerberos".equals(e.protocol()) && e.string("realm") != null) {
                return e.string("realm");
            }
        }
        return null;
    }
}
