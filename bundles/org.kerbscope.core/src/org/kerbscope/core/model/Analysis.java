package org.kerbscope.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one run produced from one capture (or none) and the outside evidence given with it. Filled by
 * the pipeline, read by checks, views, the CLI and reports. Not thread-safe: one run fills it, then it is
 * only read.
 */
public final class Analysis {
    private CaptureInfo capture;
    private final Map<String, List<Event>> events = new LinkedHashMap<>();
    private final List<AuthAttempt> attempts = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final List<EvidenceFile> evidenceFiles = new ArrayList<>();
    private final List<EvidenceItem> evidence = new ArrayList<>();
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final List<TcpEvent> tcpEvents = new ArrayList<>();
    private final List<Event> quoted = new ArrayList<>();
    private final Map<String, Object> indexes = new java.util.concurrent.ConcurrentHashMap<>();
    private int indexedAttempts = -1;
    /** Indexes built as events are added, by protocol; null when none is. */
    private Map<String, List<Building>> indexers;
    private ConversationSpans spans;
    private EventList.Budget eventBudget;
    /** Frames that repeated an IP packet captured just before, and that packet's frame: pairs, by frame. */
    private long[] repeats = new long[0];

    /** The capture read, or null when only evidence was given. */
    public CaptureInfo capture() { return capture; }
    public void setCapture(CaptureInfo capture) { this.capture = capture; }

    /** Events by protocol (the JSON array name), each list in frame order. */
    public Map<String, List<Event>> events() { return events; }

    public List<Event> events(String protocol) {
        return events.getOrDefault(protocol, List.of());
    }

    public void add(Event e) {
        List<Event> list = events.computeIfAbsent(e.protocol(), k -> new EventList(eventBudget));
        if (indexers == null) {
            list.add(e);
            return;
        }
        int position = list.size();
        list.add(e);
        List<Building> building = indexers.get(e.protocol());
        if (building != null) {
            for (Building b : building) {
                if (position == 0) {
                    b.list = list; // it sees every event of the list
                }
                b.indexer.add(list, e, position);
            }
        }
    }

    /** One index being built: its key, its indexer, and the list whose first event it saw. */
    private static final class Building {
        final String key;
        final Indexer indexer;
        List<Event> list;

        Building(String key, Indexer indexer) {
            this.key = key;
            this.indexer = indexer;
        }
    }

    /**
     * Builds one {@link #index} from each event as it is added, on the thread that reads the capture, instead of in a
     * pass over the events when the diagnosis first asks for it: that pass runs before the JIT has compiled it, and
     * after a large capture reads back every message that went to a temporary file.
     */
    public interface Indexer {
        /** One more event, at {@code position} of {@code list} (this analysis' list of the indexer's protocol). */
        void add(List<Event> list, Event e, int position);

        /** The index, every event added (at least one). */
        Object finish();
    }

    /**
     * Has {@code indexer} see every event of {@code protocol} added from now on; {@link #finishIndexers} makes what it
     * built the index {@code key} (if it saw the list's first event). For one reading thread filling this analysis
     * (not for shares merged afterwards).
     */
    public void indexAsAdded(String protocol, String key, Indexer indexer) {
        if (indexers == null) {
            indexers = new java.util.HashMap<>();
        }
        indexers.computeIfAbsent(protocol, k -> new ArrayList<>(2)).add(new Building(key, indexer));
    }

    /**
     * After the reading, the events in frame order: each indexer's result becomes its index where its protocol's list
     * is still the one it saw and kept the order of arrival (so the positions it holds are the list's); otherwise it
     * is dropped, and the index is built from the list when first asked for.
     */
    public void finishIndexers() {
        if (indexers == null) {
            return;
        }
        indexers.forEach((protocol, building) -> {
            for (Building b : building) {
                if (b.list != null && events.get(protocol) == b.list && b.list instanceof EventList l
                        && l.inArrivalOrder()) {
                    indexes.put(b.key, b.indexer.finish());
                }
            }
        });
        indexers = null;
    }

    /**
     * The heap the events added from now on may hold before they are written to temporary files ({@link EventList}):
     * one reading thread's share of the limit. Null (the default): events are all held.
     */
    public void setEventBudget(EventList.Budget budget) {
        this.eventBudget = budget;
    }

    /** Connection facts (SYN, SYN/ACK, RST, FIN) for the connect step. */
    public List<TcpEvent> tcpEvents() { return tcpEvents; }

    /**
     * Messages quoted in ICMP errors (a refused datagram's payload again, field {@code icmpQuote}), in frame order: the
     * JSON document lists them in their protocols' arrays at the ICMP message's frame, as Wireshark does, but they are
     * not messages of the flow, and no check reads them.
     */
    public List<Event> quoted() { return quoted; }
    public List<AuthAttempt> attempts() { return attempts; }
    public List<Finding> findings() { return findings; }
    public List<EvidenceFile> evidenceFiles() { return evidenceFiles; }
    public List<EvidenceItem> evidence() { return evidence; }

    public List<EvidenceItem> evidence(String section) {
        return evidence.stream().filter(i -> i.section().equals(section)).toList();
    }

    public List<Diagnostic> diagnostics() { return diagnostics; }

    /**
     * A lookup structure built once from this analysis' events (by the flow helpers and checks, so that diagnosis
     * stays linear in the number of events). Indexes that depend on the attempts are rebuilt when the attempts
     * change; events must not be added after the first index is asked for.
     */
    @SuppressWarnings("unchecked")
    public <T> T index(String key, java.util.function.Supplier<T> build) {
        if (indexedAttempts != attempts.size()) {
            clearAttemptIndexes();
        }
        Object v = indexes.get(key);
        if (v == null) {
            v = build.get();
            indexes.put(key, v);
        }
        return (T) v;
    }

    /** Where the dissected conversations lie, when the run was asked to keep them (the workbench), else null. */
    public ConversationSpans spans() { return spans; }

    /**
     * The frame whose IP packet frame {@code frame} repeated (the same packet captured twice: analysed once), or 0
     * when it did not, or when it is past the repeats kept.
     */
    public long repeatOf(long frame) {
        int lo = 0, hi = repeats.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long f = repeats[2 * mid];
            if (f < frame) {
                lo = mid + 1;
            } else if (f > frame) {
                hi = mid - 1;
            } else {
                return repeats[2 * mid + 1];
            }
        }
        return 0;
    }

    /** @param pairs each repeated frame and the frame it repeated, in frame order */
    public void setRepeats(long[] pairs) { this.repeats = pairs.clone(); }
    public void setSpans(ConversationSpans spans) { this.spans = spans; }

    /** Drops the indexes that depend on the attempts ({@code attempts.*}), after the attempts changed in place. */
    public void clearAttemptIndexes() {
        indexes.keySet().removeIf(k -> k.startsWith("attempts."));
        indexedAttempts = attempts.size();
    }

    /** Drops every index (after events or evidence were added). */
    public void clearIndexes() {
        indexes.clear();
    }
}
