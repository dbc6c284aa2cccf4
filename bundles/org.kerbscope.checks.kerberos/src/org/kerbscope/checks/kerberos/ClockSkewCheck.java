package org.kerbscope.checks.kerberos;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.clock-skew}: KRB_AP_ERR_SKEW (37) from a KDC or a service; Kerby's 24 with a skew e-text; a
 * decrypted authenticator whose time is further from the capture clock than the tolerance; a 4769/4771 failing
 * with 0x25.
 */
public final class ClockSkewCheck implements Check {

    /**
     * The Kerberos messages that can show a skew (KRB_AP_ERR_SKEW, Kerby's 24 with a skew e-text, a decrypted
     * timestamp), in frame order: found once per analysis, the rest of the messages say nothing about clocks.
     */
    private static java.util.List<Event> timeEvidence(Analysis a) {
        return a.index("kerberos.clockSkew.messages", () -> {
            java.util.List<Event> out = new java.util.ArrayList<>();
            for (Event e : a.events("kerberos")) {
                int code = e.integer("errorCode", -1);
                boolean error = "KRB-ERROR".equals(e.string("msgType")) && (code == 37 || code == 24 && KdcErrorCheck.skewText(e));
                if (error || e.fields().get("decrypted") instanceof Map<?, ?>) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    /** Each web server's first response with a Date header, in frame order. */
    private static java.util.List<Event> firstDatePerServer(Analysis a) {
        return a.index("http.firstDatePerServer", () -> {
            java.util.List<Event> out = new java.util.ArrayList<>();
            java.util.Set<String> servers = new java.util.HashSet<>();
            for (Event e : a.events("http")) {
                if (e.string("date") != null && "response".equals(e.string("kind")) && servers.add(e.src().address())) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        FindingBuilder f = new FindingBuilder("kerberos.clock-skew").step(Step.AP_EXCHANGE);
        String where = null;
        for (Event e : timeEvidence(a)) {
            int code = e.integer("errorCode", -1);
            if ("KRB-ERROR".equals(e.string("msgType")) && (code == 37 || code == 24 && KdcErrorCheck.skewText(e))) {
                boolean fromKdc = e.string("carrier") != null && e.string("carrier").startsWith("kdc-");
                f.frame(e.frame(), "KRB-ERROR " + code + " " + e.string("errorName") + " from " + e.src().address()
                        + (e.string("stime") != null ? " (its clock: " + e.string("stime") + ")" : ""));
                if (f.attemptIndex() < 0) {
                    f.attempt(Flows.attemptOfExchange(a, e));
                }
                where = skewed(e, fromKdc);
                if (fromKdc) {
                    f.step(Step.TICKET);
                }
            }
            if (e.fields().get("decrypted") instanceof Map<?, ?> d && d.get("patimestamp") instanceof String ts) {
                try {
                    long diff = Duration.between(Instant.ofEpochSecond(0, e.timeNanos()), Instant.parse(ts)).toSeconds();
                    if (Math.abs(diff) > 300) {
                        f.frame(e.frame(), "the client's pre-authentication timestamp " + ts + " is " + Math.abs(diff) + " s "
                                + (diff > 0 ? "ahead of" : "behind") + " the capture clock");
                        f.step(Step.TICKET_REQUEST);
                        where = where != null ? where : "the client " + e.src().address();
                        if (f.attemptIndex() < 0) {
                            f.attempt(Flows.attemptOfExchange(a, e));
                        }
                    }
                } catch (RuntimeException ignored) {
                    // an unreadable time is no evidence either way
                }
            }
            if (e.fields().get("decrypted") instanceof Map<?, ?> d && d.get("ctime") instanceof String ctime) {
                try {
                    long diff = Duration.between(Instant.ofEpochSecond(0, e.timeNanos()), Instant.parse(ctime)).abs().toSeconds();
                    int tol = 300;
                    if (diff > tol) {
                        f.frame(e.frame(), "authenticator time " + ctime + " is " + diff + " s away from the capture clock");
                        where = where != null ? where : "the client " + e.src().address();
                    }
                } catch (RuntimeException ignored) {
                    // an unreadable time is no evidence either way
                }
            }
        }
        // a web server's Date header against the capture clock: the server's clock, seen without any keytab
        boolean skewError = where != null;
        for (Event e : firstDatePerServer(a)) {
            String date = e.string("date");
            try {
                Instant server = java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                long diff = Duration.between(Instant.ofEpochSecond(0, e.timeNanos()), server).toSeconds();
                if (Math.abs(diff) > 300 && (skewError || e.integer("status", 0) == 401)) {
                    f.frame(e.frame(), "the server's Date header says " + date + ": its clock is " + Math.abs(diff) + " s "
                            + (diff > 0 ? "ahead of" : "behind") + " the capture's");
                    where = where != null ? where : "the server " + e.src().address();
                    if (f.attemptIndex() < 0) {
                        f.attempt(Flows.attemptOf(a, e.frame()));
                    }
                }
            } catch (RuntimeException ignored) {
                // a Date header that is not RFC 1123 says nothing about the clock
            }
        }
        for (EvidenceItem ev : EventFields.events(a, 4768, 4769, 4771, 4625, 4776)) {
            if (ev.fields().get("data") instanceof Map<?, ?> data) {
                Object status = data.containsKey("Status") ? data.get("Status") : data.get("FailureCode");
                Object id = ev.fields().get("eventId");
                if (EventStatusCheck.sameCode("0x25", status) && id instanceof Number n
                        && (n.intValue() == 4769 || n.intValue() == 4771 || n.intValue() == 4768)) {
                    String who = EventFields.named(data.get("TargetUserName"));
                    String service = EventFields.named(data.get("ServiceName"));
                    f.file(ev.file(), "event " + n + " record " + ev.fields().get("recordId") + ": failure 0x25 (clock skew)"
                            + (who != null ? " for " + who : "") + (service != null ? " → " + service : "")
                            + (EventFields.named(data.get("IpAddress")) != null ? " from " + data.get("IpAddress") : ""));
                    where = where != null ? where : "the computer " + data.get("IpAddress");
                } else if ("0xc0000133".equals(LogonFailureEventCheck.reason(ev))) {
                    // 4625/4776 STATUS_TIME_DIFFERENCE_AT_DC: the server's clock and the domain controller's differ
                    f.file(ev.file(), "event " + id + " record " + ev.fields().get("recordId") + ": "
                            + LogonFailureEventCheck.account(data) + ", " + LogonFailureEventCheck.how(ev, data)
                            + ": the clocks of this computer and the domain controller differ too much (0xC0000133)");
                    where = where != null ? where : ev.string("computer") != null ? ev.string("computer") : "the server";
                }
            }
        }
        if (!f.hasEvidence()) {
            return;
        }
        sink.report(f.title("Clocks differ by more than Kerberos tolerates (5 minutes)")
                .explanation("Kerberos messages carry timestamps; a KDC or service rejects any whose time is more than 5 minutes"
                        + " away from its own clock (KRB_AP_ERR_SKEW, 37), so the ticket is refused and the browser gets 401"
                        + " again. The skewed party is " + where + ". Synchronise it with the domain's time hierarchy.")
                .fix("w32tm /query /status", "w32tm /resync /rediscover", "w32tm /stripchart /computer:<domain controller> /samples:3",
                        "klist purge")
                .build());
    }

    /**
     * Who a KRB_AP_ERR_SKEW points at. Its stime is the refusing side's clock: where it agrees with the capture's (within
     * a minute: stime has whole seconds, and the capture's host keeps its own time) the refused client's clock is the
     * one that is off, as when the capture was taken on the server or the network; otherwise the refusing side's (the
     * capture taken on the client or a host in time). A ctime echoed from the client's authenticator says the client's.
     */
    static String skewed(Event e, boolean fromKdc) {
        String refuser = (fromKdc ? "the domain controller " : "the server ") + e.src().address();
        Long byRefuser = offset(e, "stime");
        if (byRefuser == null) {
            return refuser;
        }
        if (Math.abs(byRefuser) <= 60) {
            Long byClient = offset(e, "ctime");
            return "the client " + e.dst().address() + (byClient != null && Math.abs(byClient) > 60 ? " (its clock is "
                    + Math.abs(byClient) + " s " + (byClient > 0 ? "ahead of" : "behind") + " the capture's)" : "")
                    + ": the clock of " + refuser + " agrees with the capture's";
        }
        return refuser + " (its clock is " + Math.abs(byRefuser) + " s " + (byRefuser > 0 ? "ahead of" : "behind")
                + " the capture's)";
    }

    /** Seconds from the message's capture time to the time in {@code field}, or null. */
    private static Long offset(Event e, String field) {
        String t = e.string(field);
        if (t == null) {
            return null;
        }
        try {
            return Duration.between(Instant.ofEpochSecond(0, e.timeNanos()), Instant.parse(t)).toSeconds();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
