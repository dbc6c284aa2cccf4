package org.kerbscope.dissect.http.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the two framers and the dissector of one connection share: the methods of requests still waiting for
 * their final response (a response to HEAD has no body), and per direction the header block whose message is
 * still arriving and the framing problems the dissector is to report.
 */
public final class HttpConversation {
    /** Key under which it is kept in the conversation state. */
    public static final String KEY = "http.conversation";
    /** Requests a server leaves unanswered must not grow the queue without end. */
    private static final int MAX_OUTSTANDING = 1024;
    private boolean outstandingWarned;

    private final ArrayDeque<String> methods = new ArrayDeque<>();
    private int requestsFramed;
    private int finalResponses;
    /** After a 101 or a CONNECT tunnel both directions carry another protocol. */
    boolean tunnel;
    public final Side fromClient = new Side();
    public final Side fromServer = new Side();

    /** One direction's hand-over from framer to dissector. */
    public static final class Side {
        /** Header block of a message whose end is the next PDU (bodies are passed over, not kept). */
        byte[] pendingHead;
        /** The next PDU only completes {@link #pendingHead}'s message. */
        boolean completionNext;
        /** The next PDU is a header block cut at the size bound. */
        boolean oversized;
        final List<String> notes = new ArrayList<>(1);
        /**
         * The head the framer parsed for the PDU it framed last (a PDU starts with it): the dissector reads it instead
         * of parsing the same bytes again. Cleared whenever the framer is asked again.
         */
        HttpHead framedHead;
        /** The PDU the framer framed last is a tunnel's (TLS through CONNECT), for the tunnel's dissector. */
        boolean tunnelled;

        /** Whether the PDU the framer framed last is a tunnel's. */
        public boolean tunnelled() {
            return tunnelled;
        }

        /** The framer's parse of the whole head this PDU of {@code length} bytes starts with, or null (parse it). */
        public HttpHead takeFramedHead(int length) {
            HttpHead h = framedHead;
            framedHead = null;
            return h != null && h.length() > 0 && h.length() <= length ? h : null;
        }

        public byte[] takePendingHead() {
            byte[] h = pendingHead;
            pendingHead = null;
            return h;
        }

        public boolean takeCompletion() {
            boolean c = completionNext;
            completionNext = false;
            return c;
        }

        public boolean takeOversized() {
            boolean o = oversized;
            oversized = false;
            return o;
        }

        public List<String> takeNotes() {
            if (notes.isEmpty()) {
                return List.of();
            }
            List<String> n = List.copyOf(notes);
            notes.clear();
            return n;
        }

        void note(String s) {
            if (notes.size() < 16) {
                notes.add(s);
            }
        }
    }

    public Side side(boolean client) {
        return client ? fromClient : fromServer;
    }

    /** Records a request, returning its 1-based number on this connection. */
    int requestFramed(String method) {
        if (methods.size() < MAX_OUTSTANDING) {
            methods.add(method);
        } else if (!outstandingWarned) {
            outstandingWarned = true;
            fromClient.note("more than " + MAX_OUTSTANDING + " requests wait for their responses (a fixed bound): the"
                    + " methods of later ones are not remembered, so a response to HEAD may be read as having a body");
        }
        return ++requestsFramed;
    }

    /** Records a final (non-1xx) response and returns the method of the request it answers, or null. */
    String finalResponse() {
        finalResponses++;
        return methods.poll();
    }

    int finalResponses() {
        return finalResponses;
    }
}
