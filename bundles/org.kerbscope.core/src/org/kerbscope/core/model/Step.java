package org.kerbscope.core.model;

/**
 * The generic steps of an authentication attempt (the guide's eight steps, made service-neutral). A service
 * profile says which of its messages stand for each step.
 */
public enum Step {
    NAME_RESOLUTION("name-resolution", 1, "Name resolution"),
    CONNECT("connect", 2, "Connect"),
    ANONYMOUS_REQUEST("anonymous-request", 3, "Anonymous request"),
    CHALLENGE("challenge", 4, "Challenge"),
    TICKET_REQUEST("ticket-request", 5, "Ticket request"),
    TICKET("ticket", 6, "Ticket issued"),
    AP_EXCHANGE("ap-exchange", 7, "AP exchange"),
    AUTHORIZED("authorized", 8, "Authorised");

    private final String id;
    private final int number;
    private final String title;

    Step(String id, int number, String title) {
        this.id = id;
        this.number = number;
        this.title = title;
    }

    public String id() { return id; }
    public int number() { return number; }
    public String title() { return title; }

    public static Step fromId(String id) {
        for (Step s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        return null;
    }
}
