package org.kerbscope.core.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;

/**
 * An analysis' DNS messages filed by client, built in one pass, so that the flow helpers answer "which lookups did
 * this client make" without scanning every DNS message once per attempt (a busy capture holds hundreds of thousands).
 * The pass keeps positions in the analysis' DNS list, not the messages: a domain controller's capture holds millions,
 * most of them by clients no attempt asks about, and the list may hold them in a file ({@link
 * org.kerbscope.core.model.EventList}). A client's messages are read back and filed the first time it is asked about.
 */
final class DnsIndex {
    /** One client's DNS messages, each list in frame order; filled by {@link #filed()}. */
    static final class Client {
        private final DnsIndex index;
        private final EventPositions responsePositions;
        private final EventPositions queryPositions;
        private boolean filed;
        List<Event> responses = List.of();
        /** Responses by the queried name in lower case. */
        Map<String, List<Event>> responsesByName = Map.of();
        /** Responses by each answer, under {@link Flows#caseKey} (answers are compared ignoring case). */
        Map<String, List<Event>> responsesByAnswer = Map.of();
        List<Event> queries = List.of();
        /** Queries by their id (-1 when the query has none): filed when first asked, most clients never are. */
        private Map<Integer, List<Event>> queriesById;

        Client(DnsIndex index) {
            this.index = index;
            this.responsePositions = new EventPositions(index.dns);
            this.queryPositions = new EventPositions(index.dns);
        }

        /** This client's messages, read back and filed the first time. */
        synchronized Client filed() {
            if (filed) {
                return this;
            }
            filed = true;
            responses = new ArrayList<>(responsePositions); // read back once: the maps below hold these
            queries = new ArrayList<>(queryPositions);
            responsesByName = new HashMap<>();
            responsesByAnswer = new HashMap<>();
            for (Event e : responses) {
                String name = e.string("name");
                if (name != null) {
                    responsesByName.computeIfAbsent(index.lower(name), k -> new ArrayList<>()).add(e);
                }
                for (Object answer : e.list("answers")) {
                    List<Event> l = responsesByAnswer.computeIfAbsent(index.caseKey(String.valueOf(answer)),
                            k -> new ArrayList<>());
                    // a response that repeats an answer is still one response holding it
                    if (l.isEmpty() || l.get(l.size() - 1) != e) {
                        l.add(e);
                    }
                }
            }
            return this;
        }

        synchronized List<Event> queries(int id) {
            filed();
            if (queriesById == null) {
                queriesById = new HashMap<>();
                for (Event q : queries) {
                    queriesById.computeIfAbsent(q.integer("id", -1), k -> new ArrayList<>()).add(q);
                }
            }
            return queriesById.getOrDefault(id, List.of());
        }
    }

    /** The client no message names. */
    private final Client none;

    /** What the responses say about one name. */
    static final class Name {
        private final EventPositions positions;
        private List<Event> responses;
        /** Some response holds an address for it. */
        boolean answeredWithAddress;
        /** Some successful (rcode 0) response holds an address for it. */
        boolean resolved;
        /** The first A or AAAA response for it, or null. */
        Event firstAddressLookup;

        Name(List<Event> dns) {
            this.positions = new EventPositions(dns);
        }

        /** Every response for it, in frame order (read back the first time). */
        synchronized List<Event> responses() {
            if (responses == null) {
                responses = new ArrayList<>(positions);
            }
            return responses;
        }
    }

    private final List<Event> dns;
    private final Map<String, Client> clients = new HashMap<>();
    /** What the responses say about each name (lower case). */
    private final Map<String, Name> names = new HashMap<>();
    /** The first A or AAAA response for each name, in frame order. */
    private final List<Event> firstAddressLookups = new ArrayList<>();
    /**
     * A response's lookup is made once, however many attempts and checks ask for it (by value: a message read back
     * from a file is a new object each time).
     */
    private final Map<Event, Flows.Lookup> lookups = new HashMap<>();
    /** The same names and answers recur in thousands of responses (as one shared string each): folded once. */
    private final Map<String, String> lowered = new HashMap<>();
    private final Map<String, String> caseKeys = new HashMap<>();
    /**
     * The A, AAAA and SRV names queried that no response names (lower case), with their queries; names a response
     * named are dropped once the pass is done.
     */
    private final Map<String, Queried> queried = new HashMap<>();
    /** The addresses some DNS response came from. */
    private final java.util.Set<String> answering = new java.util.HashSet<>();

    /** The queries for one name: the first's position, how many, the servers asked. */
    static final class Queried {
        final int type;
        final int first;
        int count;
        final List<String> servers = new ArrayList<>(1);

        Queried(int type, int first) {
            this.type = type;
            this.first = first;
        }
    }

    static final String KEY = "flows.dns";

    static DnsIndex of(Analysis a) {
        return a.index(KEY, () -> IndexAsRead.all(a.events("dns"), DnsIndex::new, DnsIndex::add, DnsIndex::finish));
    }

    /** The same index, built as the reading adds each DNS message ({@link Analysis#indexAsAdded}). */
    static Analysis.Indexer indexer() {
        return new IndexAsRead<>(DnsIndex::new, DnsIndex::add, DnsIndex::finish);
    }

    private DnsIndex(List<Event> dns) {
        this.dns = dns;
        this.none = new Client(this);
    }

    /** Files the message at position {@code i} of the DNS array (positions ascending). */
    private void add(Event e, int i) {
        String kind = e.string("kind");
        if ("response".equals(kind)) {
            clients.computeIfAbsent(e.dst().address(), k -> new Client(this)).responsePositions.add(i);
            String name = e.string("name");
            String lower = name != null ? lowered.computeIfAbsent(name, k -> k.toLowerCase(Locale.ROOT)) : null;
            boolean withAddress = false;
            for (Object answer : e.list("answers")) {
                String v = String.valueOf(answer);
                withAddress |= Flows.isAddressAnswer(v);
                caseKeys.computeIfAbsent(v, Flows::caseKey);
            }
            if (lower != null) {
                Name n = names.computeIfAbsent(lower, k -> new Name(dns));
                n.positions.add(i);
                n.answeredWithAddress |= withAddress;
                n.resolved |= withAddress && e.integer("rcode", 0) == 0;
                int type = e.integer("type", 0);
                if (n.firstAddressLookup == null && (type == 1 || type == 28)) {
                    n.firstAddressLookup = e;
                    firstAddressLookups.add(e);
                }
            }
            answering.add(e.src().address());
        } else if ("query".equals(kind)) {
            clients.computeIfAbsent(e.src().address(), k -> new Client(this)).queryPositions.add(i);
            int type = e.integer("type", 0);
            String name = e.string("name");
            if (name != null && (type == 1 || type == 28 || type == 33)) {
                String lower = lowered.computeIfAbsent(name, k -> k.toLowerCase(Locale.ROOT));
                if (!names.containsKey(lower)) {
                    final int at = i;
                    Queried q = queried.computeIfAbsent(lower, k -> new Queried(type, at));
                    q.count++;
                    String server = e.dst().address();
                    if (q.servers.size() < 8 && !q.servers.contains(server)) {
                        q.servers.add(server);
                    }
                }
            }
        }
    }

    private DnsIndex finish() {
        queried.keySet().removeIf(names::containsKey);
        return this;
    }

    /** The A, AAAA and SRV names (lower case) queried that no response in the capture names. */
    Map<String, Queried> unanswered() {
        return queried;
    }

    /** Whether some DNS response came from this address. */
    boolean answers(String address) {
        return answering.contains(address);
    }

    Event at(int position) {
        return dns.get(position);
    }

    /** Read-only once built: the folding maps hold every name and answer of the responses. */
    private String lower(String name) {
        String l = lowered.get(name);
        return l != null ? l : name.toLowerCase(Locale.ROOT);
    }

    private String caseKey(String answer) {
        String k = caseKeys.get(answer);
        return k != null ? k : Flows.caseKey(answer);
    }

    Name name(String lower) {
        return names.get(lower);
    }

    /** The names (lower case) the responses answer whose first label starts with "_" (SRV service names). */
    List<String> serviceNames() {
        List<String> out = new ArrayList<>();
        for (String n : names.keySet()) {
            if (n.startsWith("_")) {
                out.add(n);
            }
        }
        return out;
    }

    List<Event> firstAddressLookups() {
        return firstAddressLookups;
    }

    Client client(String address) {
        Client c = clients.get(address);
        return (c != null ? c : none).filed();
    }

    /** Synchronised: views may ask from their own threads while the cache fills. */
    synchronized Flows.Lookup lookup(Event response, java.util.function.Function<Event, Flows.Lookup> make) {
        return lookups.computeIfAbsent(response, make);
    }
}
