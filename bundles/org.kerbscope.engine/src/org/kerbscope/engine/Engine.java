package org.kerbscope.engine;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.kerbscope.core.internal.Log;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.ConversationSpans;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.model.TcpEvent;
import org.kerbscope.core.registry.DissectorContribution;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.engine.internal.Context;
import org.kerbscope.engine.internal.Conversation;
import org.kerbscope.engine.internal.UnlistedDiagnostics;
import org.kerbscope.engine.internal.UnreadServices;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.FrameLayers;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;
import org.kerbscope.net.UdpFlow;

/**
 * Hands transport payloads to dissectors: picks the dissector of a conversation once (decode-as, port
 * tables, then heuristics) and keeps it; frames TCP streams into PDUs with the dissector's framer, buffering
 * only the PDU in progress and skipping bodies; attributes a PDU to the frame that completes it. Conversations
 * no dissector wants are passed over at the cost of a map lookup.
 */
public final class Engine implements TransportHandler {
    private static final DissectorContribution NONE = null;

    private final DissectorTables tables;
    private final AnalysisOptions options;
    private final Analysis analysis;
    private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();
    /** The attachment of a UDP conversation no dissector wants. */
    private static final Object IGNORED = new Object();
    private final Map<String, Boolean> failuresLogged = new HashMap<>();
    /**
     * The tables that share equal endpoints and texts: direct-mapped (a slot per hash, the newest value wins it), so
     * a look-up is one array read and one comparison, and a stream of values seen once (the ports of DNS clients,
     * the names they ask for) costs no table growth. A value that recurs keeps its slot between two such values
     * and is shared all the same; sharing is an economy, not a guarantee.
     */
    private static final int SHARED_SLOTS = 1 << 14;
    private final Endpoint[] endpoints = new Endpoint[SHARED_SLOTS];
    private final String[] strings = new String[SHARED_SLOTS];
    /** Frame for which a dissection tree is wanted (the workbench's details pane), or 0. */
    private long treeFrame;
    private FieldNode treeRoot;
    private FrameLayers layers;
    private Frame current;
    private long dissectorFailures;
    /** Where each dissected conversation lies, when kept (see {@link #keepSpans}), else null. */
    private ConversationSpans spans;
    /** See {@link #askedForService()}. */
    private boolean askedForService;
    /** The one conversation to dissect (see {@link #focus}), or null for all. */
    private Endpoint focusA, focusB;
    private String focusTransport;
    /** Conversations of services that only a plug-in not installed would read (see {@link UnreadServices}). */
    private final UnreadServices unread = new UnreadServices();
    /** Diagnostics listed so far, and those counted beyond them (a hostile capture can have one per frame). */
    private int listed;
    private final UnlistedDiagnostics unlisted = new UnlistedDiagnostics();
    /** TCP control facts kept so far (see {@link #handshake}). */
    private long handshakes;
    private final long maxHandshakes;
    private boolean handshakesCapped;
    /** See {@link #servicePorts}; null keeps every handshake. */
    private java.util.BitSet servicePorts;

    public Engine(DissectorTables tables, AnalysisOptions options, Analysis analysis) {
        this.tables = tables;
        this.options = options;
        this.analysis = analysis;
        this.maxHandshakes = options.limit(org.kerbscope.core.spi.Limits.TCP_HANDSHAKES);
    }

    public DissectorTables tables() {
        return tables;
    }

    public AnalysisOptions options() {
        return options;
    }

    /**
     * Asks for the dissection tree of one frame; read it with {@link #tree()} after that frame was decoded. Its link,
     * network and transport layers come from the decoder when it tells {@link #layers()} that frame's headers
     * ({@link org.kerbscope.net.NetworkDecoder#headersOf}); what the dissectors read is added after them.
     */
    public void wantTree(long frame) {
        this.treeFrame = frame;
        this.treeRoot = null;
        this.layers = new FrameLayers();
    }

    /** What takes the headers of the frame whose tree is asked for; null when none is. */
    public FrameLayers layers() {
        return layers;
    }

    /** The frame's tree: its layers and what the dissectors read in it; null when the frame was not decoded. */
    public FieldNode tree() {
        return treeRoot != null ? treeRoot : layers != null ? layers.root() : null;
    }

    /** Records where each dissected conversation lies into {@code spans} (the workbench's quick frame details). */
    public void keepSpans(ConversationSpans spans) {
        this.spans = spans;
    }

    /**
     * Dissects only the conversation between {@code a} and {@code b} over {@code transport} (either direction):
     * the others are passed over like conversations no dissector wants. For re-reading one frame's conversation.
     */
    public void focus(Endpoint a, Endpoint b, String transport) {
        this.focusA = a;
        this.focusB = b;
        this.focusTransport = transport;
    }

    /** Whether a new conversation is outside the {@link #focus}. */
    private boolean outOfFocus(Endpoint a, Endpoint b, String transport) {
        return focusA != null && !(transport.equals(focusTransport)
                && (a.equals(focusA) && b.equals(focusB) || a.equals(focusB) && b.equals(focusA)));
    }

    /** Starts the span of a conversation a dissector reads. */
    private void span(Conversation conv, long firstFrame, String transport) {
        if (spans != null) {
            conv.setSpan(spans.add(firstFrame, ConversationSpans.key(conv.client(), conv.server(), transport)));
        }
    }

    /** Whether a dissector asked for state shared across conversations ({@link #service}). */
    public boolean askedForService() {
        return askedForService;
    }

    /** The conversations of SMB and LDAP that no installed dissector read, so far. */
    public UnreadServices unreadServices() {
        return unread;
    }

    /** How many times a dissector threw (each is also a diagnostic): a defect of that dissector, never of the input. */
    public long dissectorFailures() {
        return dissectorFailures;
    }

    @SuppressWarnings("unchecked")
    public <T> T service(Class<T> type, Supplier<T> create) {
        askedForService = true;
        if (spans != null) {
            spans.shared(); // state beyond one conversation: a frame's tree may depend on frames of others
        }
        return (T) services.computeIfAbsent(type, k -> create.get());
    }

    public void emit(String protocol, long frame, long timeNanos, Endpoint src, Endpoint dst,
            Map<String, Object> fields) {
        if (quoting) {
            Map<String, Object> marked = new java.util.LinkedHashMap<>(fields);
            marked.put("icmpQuote", true);
            analysis.quoted().add(new Event(protocol, frame, timeNanos, endpoint(src), endpoint(dst), marked, this::canonical));
            return;
        }
        analysis.add(new Event(protocol, frame, timeNanos, endpoint(src), endpoint(dst), fields, this::canonical));
    }

    /** While a datagram quoted in an ICMP error is dissected: its messages are {@link Analysis#quoted}. */
    private boolean quoting;

    /**
     * The payload an ICMP error quotes, dissected as the datagram it was (by its ports and decode-as rules), on no
     * conversation's state: its messages go to {@link Analysis#quoted}, its problems nowhere (a
     * quote is often cut short, which says nothing of the datagram that was sent).
     */
    @Override
    public void quotedDatagram(Frame frame, FlowKey refused, ByteBuffer payload, int payloadOffset) {
        current = frame;
        ByteBuffer bytes = onHeap(payload);
        if (outOfFocus(refused.src(), refused.dst(), "udp")) {
            return;
        }
        // by its ports (and decode-as rules) only: a quote is no conversation's first datagram, to be guessed at or
        // counted among the services nobody read
        DissectorContribution d = byPort("udp", refused);
        if (d == null) {
            return;
        }
        quoting = true;
        try {
            Endpoint src = endpoint(refused.src()), dst = endpoint(refused.dst());
            dissectTop(d, pdu(bytes, payloadOffset), frame, src, dst, "udp", new Conversation(src, dst));
        } finally {
            quoting = false;
        }
    }

    /**
     * A shared copy of an endpoint seen before: a busy capture repeats a few thousand addresses in hundreds of
     * thousands of events.
     */
    public Endpoint endpoint(Endpoint e) {
        if (e == null) {
            return null;
        }
        int slot = slot(e.hashCode());
        Endpoint c = endpoints[slot];
        if (e.equals(c)) {
            return c;
        }
        endpoints[slot] = e;
        return e;
    }

    private static int slot(int hash) {
        return (hash ^ hash >>> 14) & (SHARED_SLOTS - 1);
    }

    /** A shared copy of a short text value seen before (host names, realms, status words); other values as they are. */
    private Object canonical(Object v) {
        if (v instanceof String s && s.length() <= 256) {
            int slot = slot(s.hashCode());
            String c = strings[slot];
            if (c != null && c.equals(s)) {
                return c;
            }
            strings[slot] = s;
            return s;
        }
        if (v instanceof java.util.ArrayList<?> list) {
            return compact(list);
        }
        return v;
    }

    /**
     * A list value as an immutable list of its exact size, its texts shared: the lists dissectors build (answers,
     * encryption types, PA-DATA) have one or two elements in a backing array of ten, and a large capture keeps
     * more than a million of them (about a fifth of the analysis' heap). Lists with null elements stay as they are.
     */
    private Object compact(java.util.ArrayList<?> list) {
        int n = list.size();
        Object[] a = new Object[n];
        for (int i = 0; i < n; i++) {
            Object x = list.get(i);
            if (x == null) {
                return java.util.Collections.unmodifiableList(list);
            }
            a[i] = x instanceof String ? canonical(x) : x;
        }
        return switch (n) {
            case 0 -> java.util.List.of();
            case 1 -> java.util.List.of(a[0]);
            case 2 -> java.util.List.of(a[0], a[1]);
            default -> java.util.List.of(a);
        };
    }

    /** A dissector's (or the engine's) diagnostic: listed among the analysis' first ones, else counted. */
    public void diagnostic(long frame, String protocol, String message) {
        if (quoting) {
            return;
        }
        Diagnostic d = new Diagnostic(frame, protocol, message);
        if (listed < UnlistedDiagnostics.LISTED) {
            listed++;
            analysis.diagnostics().add(d);
        } else {
            unlisted.count(d);
        }
    }

    /** The diagnostics beyond the first {@link UnlistedDiagnostics#LISTED}, counted. */
    public UnlistedDiagnostics unlistedDiagnostics() {
        return unlisted;
    }

    // ---------------------------------------------------------------- UDP

    @Override
    public void datagram(Frame frame, UdpFlow flow, boolean fromFirst, ByteBuffer payload, int payloadOffset) {
        current = frame;
        Object pin = flow.attachment;
        if (pin == IGNORED) {
            return;
        }
        payload = onHeap(payload);
        if (pin == null) {
            // The conversation's first datagram: its sender is the client, its ports pick the dissector.
            FlowKey key = flow.first();
            DissectorContribution d = outOfFocus(key.src(), key.dst(), "udp") ? NONE
                    : choose("udp", key, pdu(payload, payloadOffset), frame.number());
            if (d == NONE) {
                flow.attachment = IGNORED;
                return;
            }
            Conversation started = new Conversation(endpoint(key.src()), endpoint(key.dst()));
            span(started, frame.number(), "udp");
            pin = new UdpPin(d, started);
            flow.attachment = pin;
        } else if (pin == IGNORED) {
            return;
        }
        UdpPin p = (UdpPin) pin;
        Conversation conv = p.conversation();
        if (spans != null && payloadOffset < 0 && conv.span() >= 0) {
            spans.fragments(conv.span());
        }
        Endpoint src = fromFirst ? conv.client() : conv.server();
        Endpoint dst = fromFirst ? conv.server() : conv.client();
        dissectTop(p.dissector(), pdu(payload, payloadOffset), frame, src, dst, "udp", conv);
    }

    /**
     * The bytes a dissector or framer is given, as a heap buffer: a frame's payload is a view of the file mapping (a
     * direct buffer), reassembled and decoded bytes are heap buffers, and parsers that met both classes were compiled
     * for one, trapped on the other and compiled again (up to six times each for the HTTP head parser, the largest
     * compilations of a run). The copy is of the conversations some dissector reads, never of those it passes over.
     */
    static ByteBuffer onHeap(ByteBuffer b) {
        if (b.hasArray()) {
            return b;
        }
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        return ByteBuffer.wrap(a);
    }

    private static Pdu pdu(ByteBuffer payload, int offset) {
        ByteBuffer b = payload.slice();
        return offset >= 0 ? Pdu.ofFrame(b, offset) : Pdu.detached(b, "Reassembled IP");
    }

    /** decode-as and port tables (server port first: the lower, well-known one), then heuristics. */
    private DissectorContribution choose(String transport, FlowKey key, Pdu firstPdu, long frame) {
        DissectorContribution d = byPort(transport, key);
        if (d != null) {
            return d;
        }
        if (firstPdu != null && firstPdu.length() > 0) {
            for (DissectorContribution h : tables.heuristics(transport)) {
                Dissector dis = h.get();
                if (dis != null && accepts(h, dis, firstPdu, transport)) {
                    return h;
                }
            }
        }
        unread.unread(transport, Math.min(key.srcPort(), key.dstPort()), Math.max(key.srcPort(), key.dstPort()), frame);
        return NONE;
    }

    /** The dissector decode-as rules or the port table give the lower port, else the higher one; null when none. */
    private DissectorContribution byPort(String transport, FlowKey key) {
        String table = transport + ".port";
        DissectorContribution d = tables.lookup(table, Integer.toString(Math.min(key.srcPort(), key.dstPort())));
        if (d == null) {
            d = tables.lookup(table, Integer.toString(Math.max(key.srcPort(), key.dstPort())));
        }
        return d != null && d.get() != null ? d : null;
    }

    /** Runs a heuristic; one that throws is a defect of its plug-in, reported and counted as "no". */
    public boolean accepts(DissectorContribution d, Dissector dis, Pdu pdu, String transport) {
        try {
            return dis.accepts(pdu, transport);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            reportFailure(d, "heuristic", e);
            return false;
        }
    }

    private void dissectTop(DissectorContribution d, Pdu pdu, Frame frame, Endpoint src, Endpoint dst,
            String transport, Conversation conv) {
        FieldNode root = null;
        if (treeFrame != 0 && frame.number() == treeFrame) {
            if (treeRoot == null && layers != null) {
                treeRoot = layers.root();
            }
            if (treeRoot == null) {
                treeRoot = new FieldNode("frame", "Frame " + frame.number() + ": " + frame.originalLength()
                        + " bytes on wire, " + frame.capturedLength() + " bytes captured", frame.number(),
                        new org.kerbscope.core.model.ByteRange(0, frame.capturedLength()));
                treeRoot.add(transport, ("udp".equals(transport) ? "User Datagram Protocol" : "Transmission Control Protocol")
                        + ", " + src + " → " + dst, null, 0, 0);
            }
            root = treeRoot.add(d.id(), d.name(), null, Math.max(0, pdu.base()), pdu.length());
            if (pdu.base() < 0) {
                root.setSource(pdu.source());
            }
        }
        if (spans != null && conv != null && conv.span() >= 0) {
            spans.extend(conv.span(), frame.number());
        }
        Context ctx = new Context(this, frame.number(), frame.timeNanos(), src, dst, transport, null, d.id(), root,
                conv, 0);
        invoke(d, pdu, ctx);
    }

    /** Calls a dissector; whatever escapes it is reported against its plug-in and the analysis goes on. */
    public void invoke(DissectorContribution d, Pdu pdu, Context ctx) {
        Dissector dis = d.get();
        if (dis == null) {
            return;
        }
        try {
            dis.dissect(pdu, ctx);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError e) {
            diagnostic(current != null ? current.number() : 0, d.id(),
                    "the " + d.name() + " dissector failed on this PDU (" + e.getClass().getSimpleName() + ")");
            dissectorFailures++;
            reportFailure(d, "dissect", e);
        }
    }

    private void reportFailure(DissectorContribution d, String where, Throwable e) {
        if (failuresLogged.putIfAbsent(d.id() + where, Boolean.TRUE) == null) {
            Log.error("Plug-in " + d.contributor() + ": dissector '" + d.id() + "' threw in " + where
                    + " (reported once per analysis)", e);
        }
    }

    // ---------------------------------------------------------------- TCP

    @Override
    public void tcpControl(Frame frame, TcpConnection connection, FlowKey key, int kind) {
        current = frame;
        String k = switch (kind) {
            case SYN -> "SYN";
            case SYN_ACK -> "SYN-ACK";
            case FIN -> "FIN";
            case RST -> "RST";
            default -> null;
        };
        if (k == null || kind == FIN && !interesting(connection)) {
            return;
        }
        boolean keep = servicePorts == null || interesting(connection) || servicePorts.get(connection.client().dstPort());
        if (!keep && connection.attachment != null && !(connection.attachment instanceof Handshake)) {
            return; // data came and no dissector took the connection
        }
        TcpEvent e = new TcpEvent(frame.number(), frame.timeNanos(), k, endpoint(key.src()), endpoint(key.dst()));
        if (keep) {
            handshake(e);
        } else {
            // a port no service listens on: kept until the first data says whether a dissector reads the connection
            Handshake h = connection.attachment instanceof Handshake p ? p : new Handshake();
            connection.attachment = h;
            h.add(e);
        }
    }

    /** Keeps a TCP control fact, up to the limit {@code tcp.handshakes} (a SYN flood makes one per frame). */
    /**
     * An ICMP "destination unreachable" for a datagram or segment to a service's port, a KDC's or a DNS server's: kept
     * as a connection fact whose kind is "ICMP " and the reason, from the refused packet's sender to its destination
     * (the client told that the server cannot be reached).
     */
    @Override
    public void unreachable(Frame frame, FlowKey refused, String reason) {
        current = frame;
        int port = refused.dstPort();
        if (servicePorts == null || port == 53 || servicePorts.get(port)) {
            handshake(new TcpEvent(frame.number(), frame.timeNanos(), "ICMP " + reason, endpoint(refused.src()),
                    endpoint(refused.dst())));
        }
    }

    private void handshake(TcpEvent e) {
        if (handshakes < maxHandshakes) {
            handshakes++;
            analysis.tcpEvents().add(e);
        } else if (!handshakesCapped) {
            handshakesCapped = true;
            diagnostic(e.frame(), "tcp", "more than " + handshakes + " TCP handshake facts (SYN, SYN/ACK, RST, FIN):"
                    + " later connections have no connect step (" + org.kerbscope.core.spi.Limits.reached(
                            org.kerbscope.core.spi.Limits.TCP_HANDSHAKES, handshakes) + ")");
        }
    }

    /**
     * The TCP ports of the services (their handshakes are kept for the connect step and for connections nobody
     * answered); the handshakes of connections to other ports are kept only when a dissector reads the connection.
     * A port scan or a SYN flood therefore costs no memory per SYN. Null (the default) keeps every handshake.
     */
    public void servicePorts(java.util.BitSet ports) {
        this.servicePorts = ports;
    }

    /** The SYN, SYN/ACK and RST of a connection to a port of no service, until its first data (a few at most). */
    private static final class Handshake {
        private final TcpEvent[] events = new TcpEvent[4];
        private int n;

        void add(TcpEvent e) {
            if (n < events.length) {
                events[n++] = e;
            }
        }
    }

    private boolean interesting(TcpConnection c) {
        return c.attachment instanceof TcpState s && s.dissector != NONE;
    }

    @Override
    public void tcpData(Frame frame, TcpConnection connection, boolean fromClient, ByteBuffer data, int dataOffset) {
        current = frame;
        if (connection.attachment instanceof TcpState s && (s.ignored || (fromClient ? s.c2s : s.s2c).rejected)) {
            return; // before the copy: nothing reads these bytes
        }
        data = onHeap(data);
        TcpState st;
        if (connection.attachment instanceof TcpState s) {
            st = s;
        } else {
            Handshake held = connection.attachment instanceof Handshake h ? h : null;
            st = new TcpState(connection, this);
            connection.attachment = st;
            st.dissector = outOfFocus(st.conversation.client(), st.conversation.server(), "tcp") ? NONE
                    : choose("tcp", connection.client(), pdu(data, dataOffset), connection.firstFrame());
            if (st.dissector == NONE) {
                ignore(st, connection);
            } else {
                if (held != null) {
                    for (int i = 0; i < held.n; i++) {
                        handshake(held.events[i]);
                    }
                }
                span(st.conversation, connection.firstFrame(), "tcp");
                if (spans != null && dataOffset < 0 && frame.number() == connection.firstFrame()) {
                    spans.fragments(st.conversation.span()); // its first segment came in IP fragments
                }
            }
        }
        if (st.ignored) {
            return;
        }
        Dir dir = fromClient ? st.c2s : st.s2c;
        if (dir.rejected) {
            return;
        }
        Dissector dis = st.dissector.get();
        if (dis == null) {
            ignore(st, connection);
            return;
        }
        if (dir.framer == null && !dir.framerAsked) {
            dir.framerAsked = true;
            try {
                dir.framer = dis.newFramer(st.conversation, fromClient);
            } catch (RuntimeException e) {
                reportFailure(st.dissector, "newFramer", e);
                dir.rejected = true;
                return;
            }
        }
        Endpoint src = fromClient ? st.conversation.client() : st.conversation.server();
        Endpoint dst = fromClient ? st.conversation.server() : st.conversation.client();
        if (dir.framer == null) {
            dissectTop(st.dissector, pdu(data, dataOffset), frame, src, dst, "tcp", st.conversation);
            return;
        }
        feed(st, dir, frame, src, dst, data.slice(), dataOffset);
        if (dir.skip > 0) {
            // The rest of a body: the reassembler passes over it without handing it here.
            connection.skip(fromClient, dir.skip);
            dir.skip = 0;
        }
    }

    /** No dissector reads this connection: from now on the reassembler keeps only its sequence numbers. */
    private static void ignore(TcpState st, TcpConnection connection) {
        st.ignored = true;
        connection.ignore(true);
        connection.ignore(false);
    }

    private void feed(TcpState st, Dir dir, Frame frame, Endpoint src, Endpoint dst, ByteBuffer data, int dataOffset) {
        int pos = 0;
        int n = data.limit();
        while (pos < n && !dir.rejected) {
            if (dir.skip > 0) {
                int k = (int) Math.min(dir.skip, n - pos);
                dir.skip -= k;
                pos += k;
                continue;
            }
            if (dir.buffered == 0) {
                // zero-copy path: frame directly on this segment's bytes
                ByteBuffer view = data.slice(pos, n - pos);
                long r = next(st, dir, view);
                if (r == StreamFramer.REJECT) {
                    dir.rejected = true;
                    return;
                }
                if (r > 0 && r <= n - pos) {
                    Pdu p = dataOffset >= 0 ? Pdu.ofFrame(data.slice(pos, (int) r), dataOffset + pos)
                            : Pdu.detached(data.slice(pos, (int) r), "Reassembled TCP");
                    dissectTop(st.dissector, p, frame, src, dst, "tcp", st.conversation);
                    pos += (int) r;
                    continue;
                }
                if (r < 0) {
                    dir.skip = -r;
                    if (dir.skip >= StreamFramer.REST) {
                        dir.release();
                    }
                    continue;
                }
                if (r > options.maxPduBytes()) {
                    diagnostic(frame.number(), st.dissector.id(), "a PDU of " + r + " bytes exceeds the "
                            + options.maxPduBytes() + "-byte limit: skipped ("
                            + org.kerbscope.core.spi.Limits.reached(org.kerbscope.core.spi.Limits.PDU_MAX_BYTES, options.maxPduBytes()) + ")");
                    dir.skip = r;
                    continue;
                }
                append(dir, data, pos, n - pos);
                return;
            }
            // bytes are waiting from earlier segments: add these and frame on the buffer
            append(dir, data, pos, n - pos);
            pos = n;
            drain(st, dir, frame, src, dst);
        }
    }

    private void drain(TcpState st, Dir dir, Frame frame, Endpoint src, Endpoint dst) {
        while (dir.buffered > 0 && !dir.rejected) {
            ByteBuffer view = ByteBuffer.wrap(dir.buf, dir.start, dir.buffered).slice();
            long r = next(st, dir, view);
            if (r == StreamFramer.REJECT) {
                dir.rejected = true;
                dir.clear();
                return;
            }
            if (r < 0) {
                long k = Math.min(-r, dir.buffered);
                dir.consume((int) k);
                dir.skip = -r - k;
                if (dir.skip > 0) {
                    if (-r >= StreamFramer.REST) {
                        dir.release();
                    }
                    return;
                }
                continue;
            }
            if (r > 0 && r <= dir.buffered) {
                byte[] copy = new byte[(int) r];
                System.arraycopy(dir.buf, dir.start, copy, 0, (int) r);
                dir.consume((int) r);
                dissectTop(st.dissector, Pdu.detached(ByteBuffer.wrap(copy), "Reassembled TCP"), frame, src, dst,
                        "tcp", st.conversation);
                continue;
            }
            if (r > options.maxPduBytes() || dir.buffered > options.maxPduBytes()) {
                diagnostic(frame.number(), st.dissector.id(), "a PDU larger than the " + options.maxPduBytes()
                        + "-byte limit: skipped ("
                        + org.kerbscope.core.spi.Limits.reached(org.kerbscope.core.spi.Limits.PDU_MAX_BYTES, options.maxPduBytes()) + ")");
                long k = Math.max(r, dir.buffered);
                int drop = (int) Math.min(k, dir.buffered);
                dir.consume(drop);
                dir.skip = k - drop;
            }
            return;
        }
    }

    private long next(TcpState st, Dir dir, ByteBuffer view) {
        try {
            return dir.framer.next(view);
        } catch (RuntimeException e) {
            reportFailure(st.dissector, "framing", e);
            return StreamFramer.REJECT;
        }
    }

    private static void append(Dir dir, ByteBuffer data, int pos, int len) {
        dir.ensure(len);
        data.get(pos, dir.buf, dir.start + dir.buffered, len);
        dir.buffered += len;
    }

    @Override
    public void tcpGap(Frame frame, TcpConnection connection, boolean fromClient, long missingBytes) {
        if (connection.attachment instanceof TcpState st && !st.ignored) {
            // Lost bytes inside a body being skipped never get here: the reassembler counts them against the skip.
            Dir dir = fromClient ? st.c2s : st.s2c;
            diagnostic(frame.number(), st.dissector.id(),
                    missingBytes + " bytes of the stream were not captured; dissection resumes where it can");
            dir.clear();
            dir.skip = 0;
            if (dir.framer != null) {
                try {
                    dir.framer.gap();
                } catch (RuntimeException e) {
                    dir.rejected = true;
                }
            }
        }
    }

    // ---------------------------------------------------------------- state

    private static final class TcpState {
        final Conversation conversation;
        DissectorContribution dissector;
        boolean ignored;
        final Dir c2s = new Dir();
        final Dir s2c = new Dir();

        TcpState(TcpConnection c, Engine engine) {
            conversation = new Conversation(engine.endpoint(c.client().src()), engine.endpoint(c.client().dst()));
        }
    }

    private static final class Dir {
        StreamFramer framer;
        boolean framerAsked;
        boolean rejected;
        long skip;
        byte[] buf = new byte[0];
        int start;
        int buffered;

        void ensure(int more) {
            if (start + buffered + more <= buf.length) {
                return;
            }
            if (buffered + more <= buf.length) {
                System.arraycopy(buf, start, buf, 0, buffered);
                start = 0;
                return;
            }
            byte[] nb = new byte[Math.max(buffered + more, Math.max(1024, buf.length * 2))];
            System.arraycopy(buf, start, nb, 0, buffered);
            buf = nb;
            start = 0;
        }

        void consume(int n) {
            start += n;
            buffered -= n;
            if (buffered == 0) {
                start = 0;
                if (buf.length > 1 << 16) {
                    buf = new byte[0]; // give back a large PDU's buffer
                }
            }
        }

        void clear() {
            start = 0;
            buffered = 0;
        }

        /** Nothing more will be buffered in this direction: its buffer goes back. */
        void release() {
            clear();
            buf = new byte[0];
        }
    }

    /** The dissector of a UDP conversation and its state. */
    private record UdpPin(DissectorContribution dissector, Conversation conversation) {
    }
}
