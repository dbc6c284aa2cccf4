package org.kerbscope.cifs.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;

/**
 * Rebuilds session set-ups from the {@code smb2} and {@code smb} events: per connection, the negotiation, then
 * each SESSION_SETUP exchange (its legs until a final answer that is not MORE_PROCESSING_REQUIRED) and the tree
 * connects made on it. The service profile and the checks read the same reconstruction.
 */
public final class SmbSessions {
    private SmbSessions() {
    }

    /** NEGOTIATE, SESSION_SETUP(_ANDX), TREE_CONNECT(_ANDX), LOGOFF(_ANDX), or the command itself. */
    public static String role(Event e) {
        String c = e.string("command");
        if (c == null) {
            return "";
        }
        return switch (c) {
            case "SESSION_SETUP", "SESSION_SETUP_ANDX" -> "SESSION_SETUP";
            case "TREE_CONNECT", "TREE_CONNECT_ANDX" -> "TREE_CONNECT";
            case "LOGOFF", "LOGOFF_ANDX" -> "LOGOFF";
            default -> c;
        };
    }

    public static boolean isRequest(Event e) {
        return "request".equals(e.string("kind"));
    }

    /** The response status as an unsigned number, or -1 for a request. */
    public static long status(Event e) {
        return e.fields().get("status") instanceof Number n ? n.longValue() : -1;
    }

    public static Endpoint client(Event e) {
        return isRequest(e) ? e.src() : e.dst();
    }

    public static Endpoint server(Event e) {
        return isRequest(e) ? e.dst() : e.src();
    }

    /** Every SMB2 and SMB1 event of the analysis, in frame order. */
    public static List<Event> events(Analysis a) {
        List<Event> all = new ArrayList<>(a.events("smb2"));
        all.addAll(a.events("smb"));
        all.sort(Comparator.comparingLong(Event::frame));
        return all;
    }

    /** One SESSION_SETUP exchange on one connection, with what came before and after it there. */
    public static final class Exchange {
        private final Endpoint client;
        private final Endpoint server;
        private final Event negotiateRequest;
        private final Event negotiateResponse;
        private final List<Event> legs = new ArrayList<>();
        private final List<Event> trees = new ArrayList<>();
        private boolean finished;

        Exchange(Endpoint client, Endpoint server, Event negotiateRequest, Event negotiateResponse) {
            this.client = client;
            this.server = server;
            this.negotiateRequest = negotiateRequest;
            this.negotiateResponse = negotiateResponse;
        }

        public Endpoint client() { return client; }
        public Endpoint server() { return server; }
        /** The NEGOTIATE request of the connection (SMB2 or SMB1), or null when the capture missed it. */
        public Event negotiateRequest() { return negotiateRequest; }
        /** The last NEGOTIATE response before the exchange, or null. */
        public Event negotiateResponse() { return negotiateResponse; }
        /** SESSION_SETUP requests and responses, in frame order. */
        public List<Event> legs() { return legs; }
        /** TREE_CONNECT requests and responses made after the exchange on the same connection. */
        public List<Event> trees() { return trees; }

        public long firstFrame() {
            return legs.isEmpty() ? Long.MAX_VALUE : legs.get(0).frame();
        }

        public List<Event> requests() {
            return legs.stream().filter(SmbSessions::isRequest).toList();
        }

        /** The answer that ended the exchange, or null when it never ended in the capture. */
        public Event finalResponse() {
            if (!finished) {
                return null;
            }
            for (int i = legs.size() - 1; i >= 0; i--) {
                if (!isRequest(legs.get(i))) {
                    return legs.get(i);
                }
            }
            return null;
        }

        public boolean succeeded() {
            Event f = finalResponse();
            return f != null && status(f) == NtStatus.SUCCESS;
        }

        /**
         * kerberos or ntlm when a request carried one (or, when the capture missed the requests, an answer: an
         * AP-REP or an NTLM CHALLENGE), else what the first request carried (none, spnego, legacy, …).
         */
        public String auth() {
            String first = null;
            for (Event r : requests()) {
                String a = r.string("auth");
                if ("kerberos".equals(a) || "ntlm".equals(a)) {
                    return a;
                }
                if (first == null) {
                    first = a;
                }
            }
            if (first == null) {
                for (Event r : legs) {
                    String a = r.string("auth");
                    if ("kerberos".equals(a) || "ntlm".equals(a)) {
                        return a;
                    }
                }
            }
            return first;
        }

        /** The first leg (request, else answer) whose token carried {@code auth}, or null. */
        public Event legWith(String auth) {
            Event r = requestWith(auth);
            if (r != null) {
                return r;
            }
            for (Event e : legs) {
                if (auth.equals(e.string("auth"))) {
                    return e;
                }
            }
            return null;
        }

        /** The first request whose token carried {@code auth}, or null. */
        public Event requestWith(String auth) {
            for (Event r : requests()) {
                if (auth.equals(r.string("auth"))) {
                    return r;
                }
            }
            return null;
        }

        /** The mechanisms the server offered in its NEGOTIATE response (kerberos, ntlm, negoex, …). */
        public List<String> offered() {
            if (negotiateResponse == null) {
                return List.of();
            }
            return negotiateResponse.list("mechanisms").stream().map(String::valueOf).toList();
        }

        public boolean kerberosOffered() {
            return offered().contains("kerberos");
        }

        /** guest / null (SMB2 SessionFlags, SMB1 Action) of the final answer. */
        public List<String> sessionFlags() {
            Event f = finalResponse();
            return f == null ? List.of() : f.list("sessionFlags").stream().map(String::valueOf).toList();
        }

        /** The share the first tree connect named (\\server\share), or null. */
        public String share() {
            for (Event t : trees) {
                if (t.string("share") != null) {
                    return t.string("share");
                }
            }
            return null;
        }
    }

    /** The exchanges of these events (any mix of connections), ordered by their first frame. */
    public static List<Exchange> exchanges(List<Event> events) {
        Map<String, List<Event>> byConn = new LinkedHashMap<>();
        for (Event e : events) {
            if ("ENCRYPTED".equals(e.string("command"))) {
                continue;
            }
            byConn.computeIfAbsent(client(e) + ">" + server(e), k -> new ArrayList<>()).add(e);
        }
        List<Exchange> out = new ArrayList<>();
        for (List<Event> conn : byConn.values()) {
            Event negReq = null;
            Event negResp = null;
            Exchange cur = null;
            for (Event e : conn) {
                switch (role(e)) {
                    case "NEGOTIATE" -> {
                        if (isRequest(e)) {
                            // the first one opens the connection (an SMB1 multi-protocol NEGOTIATE, say)
                            if (negReq == null) {
                                negReq = e;
                            }
                        } else {
                            negResp = e;
                        }
                    }
                    case "SESSION_SETUP" -> {
                        if (cur == null || cur.finished) {
                            cur = new Exchange(client(e), server(e), negReq, negResp);
                            out.add(cur);
                        }
                        cur.legs.add(e);
                        if (!isRequest(e) && status(e) != NtStatus.MORE_PROCESSING_REQUIRED
                                && status(e) != NtStatus.PENDING) {
                            cur.finished = true;
                        }
                    }
                    case "TREE_CONNECT" -> {
                        if (cur != null) {
                            cur.trees.add(e);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(Exchange::firstFrame));
        return out;
    }

    /** The server name of a UNC path ({@code \\IISServer.contoso.com\Software$} → iisserver.contoso.com). */
    public static String hostOfShare(String share) {
        if (share == null) {
            return null;
        }
        String s = share.replace('/', '\\');
        while (s.startsWith("\\")) {
            s = s.substring(1);
        }
        int slash = s.indexOf('\\');
        String h = slash >= 0 ? s.substring(0, slash) : s;
        return h.isBlank() ? null : h.toLowerCase(Locale.ROOT);
    }

    /** The share name of a UNC path ({@code Software$}), or null. */
    public static String shareName(String share) {
        if (share == null) {
            return null;
        }
        String s = share.replace('/', '\\');
        while (s.startsWith("\\")) {
            s = s.substring(1);
        }
        int slash = s.indexOf('\\');
        return slash >= 0 && slash + 1 < s.length() ? s.substring(slash + 1) : null;
    }
}
