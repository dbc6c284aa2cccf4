package org.kerbscope.core.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;

/**
 * An analysis' DNS messages filed by client, built in one pass, so that the flow helpers answer "which lookups did
 * this client make" without scanning every DNS message once per attempt (a busy capture holds hundreds of thousands).
 */
final class DnsIndex {
    /** One client's DNS messages, each list in frame order. */
    static final class Client {
        final List<Event> responses = new ArrayList<>();
        /** Responses by the queried name in lower case. */
        final Map<String, List<Event>> responsesByName = new HashMap<>();
        /** Responses by each answer, under {@link Flows#caseKey} (answers are compared ignoring case). */
        final Map<String, List<Event>> responsesByAnswer = new HashMap<>();
        final List<Event> queries = new ArrayList<>();
        /** Queries by their id (-1 when the query has none): filed when first asked, most clients never are. */
        private Map<Integer, List<Event>> queriesById;

        synchronized List<Event> queries(int id) {
            if (queriesById == null) {
                queriesById = new HashMap<>();
                for (Event q : queries) {
                    queriesById.computeIfAbsent(q.integer("id", -1), k -> new ArrayList<>()).add(q);
                }
            }
            return queriesById.getOrDefault(id, List.of());
        }
    }

    private static final Client NONE = new Client();

    /** What the responses say about one name. */
    static final class Name {
        /** Every response for it, in frame order. */
        final List<Event> responses = new ArrayList<>();
        /** Some response holds an address for it. */
        boolean answeredWithAddress;
        /** Some successful (rcode 0) response holds an address for it. */
        boolean resolved;
        /** The first A or AAAA response for it, or null. */
        Event firstAddressLookup;
    }

    private final Map<String, Client> clients = new HashMap<>();
    /** What the responses say about each name (lower case). */
    private final Map<String, Name> names = new HashMap<>();
    /** The first A or AAAA response for each name, in frame order. */
    private final List<Event> firstAddressLookups = new ArrayList<>();
    /** A response's lookup is made once, however many attempts and checks ask for it. */
    private final Map<Event, Flows.Lookup> lookups = new IdentityHashMap<>();

    static DnsIndex of(Analysis a) {
        return a.index("flows.dns", () -> new DnsIndex(a.events("dns")));
    }

    private DnsIndex(List<Event> dns) {
        // the same names and answers recur in thousands of responses (as one shared string each): fold each once
        Map<String, String> lowered = new HashMap<>();
        Map<String, String> caseKeys = new HashMap<>();
        for (Event e : dns) {
            String kind = e.string("kind");
            if ("response".equals(kind)) {
                Client c = clients.computeIfAbsent(e.dst().address(), k -> new Client());
                c.responses.add(e);
                String name = e.string("name");
                String lower = name != null ? lowered.computeIfAbsent(name, k -> k.toLowerCase(Locale.ROOT)) : null;
                if (lower != null) {
                    c.responsesByName.computeIfAbsent(lower, k -> new ArrayList<>()).add(e);
                }
                boolean withAddress = false;
                for (Object answer : e.list("answers")) {
                    String v = String.valueOf(answer);
                    withAddress |= Flows.isAddressAnswer(v);
                    List<Event> l = c.responsesByAnswer.computeIfAbsent(caseKeys.computeIfAbsent(v, Flows::caseKey),
                            k -> new ArrayList<>());
                    // a response that repeats an answer is still one response holding it
                    if (l.isEmpty() || l.get(l.size() - 1) != e) {
                        l.add(e);
                    }
                }
                if (lower != null) {
                    Name n = names.computeIfAbsent(lower, k -> new Name());
                    n.responses.add(e);
                    n.answeredWithAddress |= withAddress;
                    n.resolved |= withAddress && e.integer("rcode", 0) == 0;
                    int type = e.integer("type", 0);
                    if (n.firstAddressLookup == null && (type == 1 || type == 28)) {
                        n.firstAddressLookup = e;
                        firstAddressLookups.add(e);
                    }
                }
            } else if ("query".equals(kind)) {
                clients.computeIfAbsent(e.src().address(), k -> new Client()).queries.add(e);
            }
        }
    }

    Name name(String lower) {
        return names.get(lower);
    }

    List<Event> firstAddressLookups() {
        return firstAddressLookups;
    }

    Client client(String address) {
        return clients.getOrDefault(address, NONE);
    }

    /** Synchronised: views may ask from their own threads while the cache fills. */
    synchronized Flows.Lookup lookup(Event response, java.util.function.Function<Event, Flows.Lookup> make) {
        return lookups.computeIfAbsent(response, make);
    }
}
