package org.kerbscope.ui.wizard;

import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;

/** Page 2: the environment of the guide (client, target, SPN, realm), pre-filled from the capture. */
final class EnvironmentPage extends WizardPage {
    private Combo attempt;
    private Text client, target, spn, realm;

    EnvironmentPage() {
        super("environment", "The environment", null);
        setDescription("Who connects to what: Kerbscope read this from the capture; correct it if the guide's names differ.");
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        c.setLayout(new GridLayout(2, false));
        new Label(c, SWT.NONE).setText("Attempt:");
        attempt = new Combo(c, SWT.READ_ONLY);
        attempt.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        attempt.addListener(SWT.Selection, e -> fill());
        client = field(c, "Client:");
        target = field(c, "Target URL:");
        spn = field(c, "Expected SPN:");
        realm = field(c, "Realm:");
        setControl(c);
    }

    private static Text field(Composite c, String label) {
        new Label(c, SWT.NONE).setText(label);
        Text t = new Text(c, SWT.BORDER);
        t.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        return t;
    }

    @Override
    public void setVisible(boolean visible) {
        if (visible) {
            ((TroubleshootingWizard) getWizard()).inputsPage().analyzeIfChanged();
            Analysis a = TroubleshootingWizard.analysis();
            attempt.removeAll();
            if (a != null) {
                for (AuthAttempt at : a.attempts()) {
                    attempt.add(at.index() + ": " + at.client() + " → " + at.server() + " — " + at.outcome().id());
                }
            }
            if (attempt.getItemCount() > 0) {
                attempt.select(0);
            }
            fill();
        }
        super.setVisible(visible);
    }

    private void fill() {
        Analysis a = TroubleshootingWizard.analysis();
        int i = attempt.getSelectionIndex();
        if (a == null || i < 0 || i >= a.attempts().size()) {
            return;
        }
        AuthAttempt at = a.attempts().get(i);
        client.setText(at.client());
        String host = at.host() != null ? at.host() : at.server().address();
        target.setText((at.server().port() == 443 ? "https://" : "http://") + host
                + (at.server().port() == 80 || at.server().port() == 443 ? "" : ":" + at.server().port()));
        spn.setText(at.spn() != null ? at.spn() : "HTTP/" + host);
        for (Event e : at.events()) {
            if ("kerberos".equals(e.protocol()) && e.string("realm") != null) {
                realm.setText(e.string("realm"));
                break;
            }
        }
        if (realm.getText().isEmpty() && host.contains(".")) {
            realm.setText(host.substring(host.indexOf('.') + 1).toUpperCase());
        }
        if (Flows.isIpLiteral(host)) {
            setMessage("The client used an IP address: Windows will not ask for a Kerberos ticket for it.", WARNING);
        }
    }

    String host() {
        String t = target.getText().replaceFirst("^https?://", "");
        int slash = t.indexOf('/');
        return Flows.hostOnly(slash >= 0 ? t.substring(0, slash) : t);
    }

    String spn() {
        return spn.getText();
    }

    int port() {
        return target.getText().startsWith("https") ? 443 : 80;
    }
}
