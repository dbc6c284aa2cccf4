package org.kerbscope.core.flow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;

/**
 * An analysis' Kerberos messages filed by host, endpoint, host pair and ticket request, in one pass: every attempt
 * and several checks ask "which messages did this client exchange", and a busy capture holds tens of thousands.
 * Every list is in frame order, and holds positions in the Kerberos array, not the messages: a domain controller's
 * capture holds millions, which the array may keep in a file.
 */
final class KerberosIndex {
    /** By the address that sent or received each message. */
    final Map<String, List<Event>> byHost = new HashMap<>();
    /** By the endpoint (address and port) that sent or received each message. */
    final Map<Endpoint, List<Event>> byEndpoint = new HashMap<>();
    /** By the (sender, receiver) addresses. */
    final Map<PairKey, List<Event>> byHostPair = new HashMap<>();
    /** Every KRB-ERROR. */
    final List<Event> errors;
    /** KRB-ERRORs by error code. */
    final Map<Integer, List<Event>> errorsByCode = new HashMap<>();
    /** KRB-ERRORs by the address that received them. */
    final Map<String, List<Event>> errorsTo = new HashMap<>();
    /** TGS-REQs naming a service, by the client's address. */
    final Map<String, List<Event>> ticketRequestsByClient = new HashMap<>();
    /** TGS-REQs by (client address, service principal as {@link Flows#sameSpn} compares it). */
    final Map<PairKey, List<Event>> ticketRequestsBySpn = new HashMap<>();

    static final String KEY = "flows.kerberos";

    static KerberosIndex of(Analysis a) {
        return a.index(KEY,
                () -> IndexAsRead.all(a.events("kerberos"), KerberosIndex::new, KerberosIndex::add, x -> x));
    }

    /** The same index, built as the reading adds each Kerberos message ({@link Analysis#indexAsAdded}). */
    static Analysis.Indexer indexer() {
        return new IndexAsRead<>(KerberosIndex::new, KerberosIndex::add, x -> x);
    }

    private final List<Event> kerberos;

    private KerberosIndex(List<Event> kerberos) {
        this.kerberos = kerberos;
        errors = new EventPositions(kerberos);
    }

    /** Files the message at position {@code i} of the Kerberos array (positions ascending). */
    private void add(Event e, int i) {
        String src = e.src().address();
        String dst = e.dst().address();
        add(byHost, src, kerberos, i);
        if (!dst.equals(src)) {
            add(byHost, dst, kerberos, i);
        }
        add(byEndpoint, e.src(), kerberos, i);
        if (!e.dst().equals(e.src())) {
            add(byEndpoint, e.dst(), kerberos, i);
        }
        add(byHostPair, new PairKey(src, dst), kerberos, i);
        String type = e.string("msgType");
        if ("KRB-ERROR".equals(type)) {
            ((EventPositions) errors).add(i);
            add(errorsTo, dst, kerberos, i);
            add(errorsByCode, e.integer("errorCode", -1), kerberos, i);
        }
        String sname = e.string("sname");
        if (sname != null && "TGS-REQ".equals(type)) {
            add(ticketRequestsByClient, src, kerberos, i);
            add(ticketRequestsBySpn, new PairKey(src, Flows.strip(sname)), kerberos, i);
        }
    }

    /** The KRB-ERRORs with one of these codes, in frame order. */
    List<Event> errors(int... codes) {
        if (codes.length == 1) {
            return errorsByCode.getOrDefault(codes[0], List.of());
        }
        List<EventPositions> lists = new java.util.ArrayList<>();
        for (int c : codes) {
            List<Event> l = errorsByCode.get(c);
            if (l != null) {
                lists.add((EventPositions) l);
            }
        }
        return EventPositions.merged(kerberos, lists);
    }

    /** The KRB-ERRORs whose code is none of {@code codes}, in frame order. */
    List<Event> errorsExcept(int... codes) {
        List<EventPositions> lists = new java.util.ArrayList<>();
        for (Map.Entry<Integer, List<Event>> e : errorsByCode.entrySet()) {
            if (java.util.Arrays.stream(codes).noneMatch(c -> c == e.getKey())) {
                lists.add((EventPositions) e.getValue());
            }
        }
        return EventPositions.merged(kerberos, lists);
    }

    /** Files the message at {@code position} under {@code key} (its position only: see {@link EventPositions}). */
    private static <K> void add(Map<K, List<Event>> map, K key, List<Event> kerberos, int position) {
        ((EventPositions) map.computeIfAbsent(key, k -> new EventPositions(kerberos))).add(position);
    }
}
