package org.kerbscope.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One client authenticating to one service: the events that belong to it and the generic steps a service
 * profile derived from them. Built by the flow; read by checks and views.
 */
public final class AuthAttempt {
    private final int index;
    private final String client;
    private final Endpoint server;
    private final String service;
    private String host;
    private String spn;
    private String user;
    private Outcome outcome = Outcome.INCOMPLETE;
    private String serverRole = "Server";
    /** The name the client asked DNS for before it connected (the site's, or its proxy's), when the capture shows it. */
    private String lookedUp;
    private final List<Event> events = new ArrayList<>();
    private final List<StepResult> steps = new ArrayList<>();

    public AuthAttempt(int index, String client, Endpoint server, String service) {
        this.index = index;
        this.client = client;
        this.server = server;
        this.service = service;
    }

    public int index() { return index; }
    public String client() { return client; }
    public Endpoint server() { return server; }
    /** The service profile id ({@code http}, or a plug-in's). */
    public String service() { return service; }
    /** The name the client used for the server (Host header, DNS name), or null. */
    public String host() { return host; }
    public void setHost(String host) { this.host = host; }
    public String spn() { return spn; }
    public void setSpn(String spn) { this.spn = spn; }
    public String user() { return user; }
    public void setUser(String user) { this.user = user; }
    public Outcome outcome() { return outcome; }
    /** What the server is to the client, as the flow diagram names its lane: "Server", or "Proxy" for a web proxy. */
    public String serverRole() { return serverRole; }
    public void setServerRole(String role) { this.serverRole = role; }
    public String lookedUp() { return lookedUp; }
    public void setLookedUp(String name) { this.lookedUp = name; }
    public void setOutcome(Outcome outcome) { this.outcome = outcome; }
    /** Every event tied to this attempt, in frame order. */
    public List<Event> events() { return events; }
    public List<StepResult> steps() { return steps; }

    public StepResult step(Step s) {
        for (StepResult r : steps) {
            if (r.step() == s) {
                return r;
            }
        }
        return null;
    }

    /** The first step that failed, or null. */
    public StepResult failedStep() {
        for (StepResult r : steps) {
            if (r.status() == StepStatus.FAILED) {
                return r;
            }
        }
        return null;
    }
}
