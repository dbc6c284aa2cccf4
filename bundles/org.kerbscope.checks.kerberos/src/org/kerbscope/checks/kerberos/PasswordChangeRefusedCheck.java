package org.kerbscope.checks.kerberos;

import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.password-change-refused}: the kpasswd service (port 464) answered a password change or set with a
 * result other than success, readable in its KRB-ERROR (RFC 3244). The usual follow-up of KDC_ERR_KEY_EXPIRED: the
 * user must change an expired password and the change is refused (policy, an old ticket, no permission).
 */
public final class PasswordChangeRefusedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        Event request = null;
        for (Event e : a.events("kerberos")) {
            if (!(e.fields().get("kpasswd") instanceof Map<?, ?> kp)) {
                continue;
            }
            if ("request".equals(kp.get("kind")) && "AP-REQ".equals(e.string("msgType"))) {
                request = e;
                continue;
            }
            if (!(kp.get("resultCode") instanceof Number code) || code.intValue() == 0) {
                continue;
            }
            Event req = request != null && request.src().equals(e.dst()) ? request : null;
            Object text = kp.get("resultText");
            String name = String.valueOf(kp.get("resultName"));
            String why = switch (code.intValue()) {
                case 1 -> "the server could not read the request";
                case 2 -> "the server failed to change it (a server-side error)";
                case 3 -> "the request's authentication failed";
                case 4 -> "the new password was refused (password policy: length, complexity, history or minimum age)";
                case 5 -> "the account may not change this password";
                case 6 -> "the server does not speak this version of the protocol";
                case 7 -> "a password change needs a ticket obtained with the password itself (an initial ticket for"
                        + " kadmin/changepw), not one from the ticket cache";
                default -> "result code " + code;
            };
            FindingBuilder f = new FindingBuilder("kerberos.password-change-refused").step(Step.TICKET_REQUEST);
            if (req != null) {
                f.frame(req.frame(), "kpasswd " + ((Map<?, ?>) req.fields().get("kpasswd")).get("operation") + " request");
            }
            f.frame(e.frame(), "kpasswd reply: " + name + (text != null ? " \"" + text + "\"" : ""));
            String client = e.dst().address();
            sink.report(f.title("The password change from " + client + " was refused: " + name)
                    .explanation("The client asked the password service (kpasswd, port 464) on " + e.src().address()
                            + " to change a password and the answer was " + name + ": " + why + "."
                            + (text != null ? " The server's text: \"" + text + "\"." : "")
                            + " Until a change succeeds, an expired password keeps the account from getting tickets"
                            + " (KDC_ERR_KEY_EXPIRED).")
                    .fix("Get-ADDefaultDomainPasswordPolicy", "Get-ADUser <user> -Properties PasswordLastSet,PasswordExpired",
                            "Set-ADAccountPassword <user> -Reset")
                    .build());
            request = null;
        }
    }
}
