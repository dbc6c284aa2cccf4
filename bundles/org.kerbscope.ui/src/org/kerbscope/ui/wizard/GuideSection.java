package org.kerbscope.ui.wizard;

import java.util.List;

import org.kerbscope.core.model.Step;

/**
 * The sections of the guide's "Troubleshoot the authentication workflow", with the flow steps and evidence each
 * one judges, and what to gather when the evidence is missing.
 */
enum GuideSection {
    CONNECTIVITY("Verify network connectivity",
            "Can the client resolve the server's name, and reach its port?",
            List.of(Step.NAME_RESOLUTION, Step.CONNECT), List.of("dns", "portTests"), "dns",
            "Resolve-DnsName -Name {host}\nTest-NetConnection -Port {port} {host}",
            List.of("dns.", "tcp.")),
    TICKET("Verify the ticket information on the client",
            "Does the client get a service ticket for the site's SPN from the KDC?",
            List.of(Step.TICKET_REQUEST, Step.TICKET), List.of("tickets"), "klist",
            "klist purge\nklist get {spn}",
            List.of("kerberos.spn", "kerberos.etype", "kerberos.kdc", "kerberos.client", "kerberos.preauth", "kerberos.password",
                    "kerberos.rc4", "kerberos.delegation", "http.no-kerberos")),
    DEFAULT_CREDENTIALS("Verify the site with the default credentials",
            "Does the web service accept the client's Kerberos ticket?",
            List.of(Step.CHALLENGE, Step.AP_EXCHANGE, Step.AUTHORIZED), List.of("webRequests"), "web-request",
            "Invoke-WebRequest -Uri http://{host} -UseDefaultCredentials",
            List.of("http.", "kerberos.service-key", "kerberos.clock")),
    EVENT_LOG("Review the Security event log on the target server",
            "What did the server (4624/4625) and the domain controller (4768/4769/4771) log?",
            List.of(Step.AUTHORIZED), List.of("events", "audit"), "eventlog",
            "auditpol /get /subcategory:\"Logon\"\nwevtutil qe Security /q:\"*[System[(EventID=4624 or EventID=4625)]]\" /c:20 /rd:true /f:xml > security.xml",
            List.of("kerberos.preauth-failed", "kerberos.client", "kerberos.rc4", "kerberos.clock")),
    OTHER_SERVICES("Verify that other services function correctly",
            "Can the same client use Kerberos with another service on the same server (a file share)?",
            List.of(), List.of("tickets"), "klist",
            "dir \\\\{host}\\Software$\nklist tickets",
            List.of("smb2.", "ldap."));

    final String title;
    final String question;
    final List<Step> steps;
    final List<String> evidenceSections;
    final String evidenceKind;
    final String commands;
    final List<String> findingPrefixes;

    GuideSection(String title, String question, List<Step> steps, List<String> evidenceSections, String evidenceKind,
            String commands, List<String> findingPrefixes) {
        this.title = title;
        this.question = question;
        this.steps = steps;
        this.evidenceSections = evidenceSections;
        this.evidenceKind = evidenceKind;
        this.commands = commands;
        this.findingPrefixes = findingPrefixes;
    }
}
