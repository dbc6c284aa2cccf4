package org.kerbscope.core.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;

/**
 * An analysis' Kerberos messages filed by host, endpoint, host pair and ticket request, in one pass: every attempt
 * and several checks ask "which messages did this client exchange", and a busy capture holds tens of thousands.
 * Every list is in frame order.
 */
final class KerberosIndex {
    /** Hosts (addresses) a message went from and to. */
    record HostPair(String from, String to) {
    }

    /** A client (address) and a service principal as {@link Flows#sameSpn} compares it. */
    record ClientSpn(String client, String spn) {
    }

    /** By the address that sent or received each message. */
    final Map<String, List<Event>> byHost = new HashMap<>();
    /** By the endpoint (address and port) that sent or received each message. */
    final Map<Endpoint, List<Event>> byEndpoint = new HashMap<>();
    /** By the (sender, receiver) addresses. */
    final Map<HostPair, List<Event>> byHostPair = new HashMap<>();
    /** Every KRB-ERROR. */
    final List<Event> errors = new ArrayList<>();
    /** KRB-ERRORs by the address that received them. */
    final Map<String, List<Event>> errorsTo = new HashMap<>();
    /** TGS-REQs naming a service, by the client's address. */
    final Map<String, List<Event>> ticketRequestsByClient = new HashMap<>();
    /** TGS-REQs by (client address, service principal as {@link Flows#sameSpn} compares it). */
    final Map<ClientSpn, List<Event>> ticketRequestsBySpn = new HashMap<>();

    static KerberosIndex of(Analysis a) {
        return a.index("flows.kerberos", () -> new KerberosIndex(a.events("kerberos")));
    }

    private KerberosIndex(List<Event> kerberos) {
        for (Event e : kerberos) {
            String src = e.src().address();
            String dst = e.dst().address();
            byHost.computeIfAbsent(src, k -> new ArrayList<>()).add(e);
            if (!dst.equals(src)) {
                byHost.computeIfAbsent(dst, k -> new ArrayList<>()).add(e);
            }
            byEndpoint.computeIfAbsent(e.src(), k -> new ArrayList<>()).add(e);
            if (!e.dst().equals(e.src())) {
                byEndpoint.computeIfAbsent(e.dst(), k -> new ArrayList<>()).add(e);
            }
            byHostPair.computeIfAbsent(new HostPair(src, dst), k -> new ArrayList<>()).add(e);
            String type = e.string("msgType");
            if ("KRB-ERROR".equals(type)) {
                errors.add(e);
                errorsTo.computeIfAbsent(dst, k -> new ArrayList<>()).add(e);
            }
            String sname = e.string("sname");
            if (sname != null && "TGS-REQ".equals(type)) {
                ticketRequestsByClient.computeIfAbsent(src, k -> new ArrayList<>()).add(e);
                ticketRequestsBySpn.computeIfAbsent(new ClientSpn(src, Flows.strip(sname)), k -> new ArrayList<>()).add(e);
            }
        }
    }
}
