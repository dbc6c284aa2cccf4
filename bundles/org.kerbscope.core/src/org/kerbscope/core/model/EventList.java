package org.kerbscope.core.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicLong;

import org.kerbscope.core.spi.Limits;

/**
 * One protocol's events of an analysis, in a list whose heap stays bounded on captures of millions of messages (a
 * domain controller's DNS, a web farm's requests). While the reading thread's {@link Budget} lasts, events are held
 * as objects, exactly as in an {@link ArrayList}. Past it, the list holding the most writes its events in a compact
 * binary form to a temporary file (owner-only, unlinked as soon as it is open where the system allows it, else
 * deleted when it is closed; closed when the list is no longer reachable), then every later one, and reads them
 * back on demand.
 * <p>
 * An event read back from the file is a new {@link Event} each time: such events compare by value
 * ({@link Event#equals}), not by identity. A list that spilled is read only once {@link #sortedByFrame} has put it
 * in frame order; the reading phase only appends. Appended by one thread; once sorted, read by any number.
 * <p>
 * When a file can take no more (the disk is full, or the analysis' {@link FileSpace} is used up), the rest of its
 * bytes stay in memory in the same compact form: nothing is lost, and {@link #spillFailure} says why.
 */
public final class EventList extends AbstractList<Event> implements RandomAccess {

    /**
     * How many bytes of event objects the lists of one reading thread (all protocols) hold at most before some go to
     * temporary files. When it runs out, the list holding the most is moved to its file whole: a capture's bulk of
     * messages (a domain controller's DNS) goes first, and the few that the diagnosis reads most stay objects. Used
     * by one thread.
     */
    public static final class Budget {
        private final long bytes;
        private final Path dir;
        private final FileSpace space;
        private long used;
        private final List<EventList> lists = new ArrayList<>();

        public Budget(long bytes) {
            this(bytes, null);
        }

        /** @param dir where the temporary files go; null: the system's temporary directory */
        public Budget(long bytes, Path dir) {
            this(bytes, dir, new FileSpace(Long.MAX_VALUE));
        }

        /**
         * @param dir where the temporary files go; null: the system's temporary directory
         * @param space the bytes the files may hold, shared with the analysis' other reading threads
         */
        public Budget(long bytes, Path dir, FileSpace space) {
            this.bytes = bytes;
            this.dir = dir;
            this.space = space;
        }

        /** Room for {@code n} bytes more held by {@code asking}, moving larger lists to their files; false: none. */
        boolean reserve(long n, EventList asking) {
            while (used + n > bytes) {
                EventList largest = null;
                for (EventList l : lists) {
                    boolean canSpill = l.store == null && l.spillFailure == null;
                    if (canSpill && (largest == null || l.heldBytes > largest.heldBytes)) {
                        largest = l;
                    }
                }
                if (largest == null || largest == asking || largest.heldBytes <= asking.heldBytes) {
                    return false;
                }
                largest.spill(); // when it cannot, it holds on and is not asked again
            }
            used += n;
            return true;
        }
    }

    /**
     * The bytes the temporary files of one analysis may hold at once (the limit {@link Limits#EVENTS_DISK}), shared by
     * its reading threads; a file that would pass it keeps the rest of its bytes in memory. A file's bytes are given
     * back when it is closed.
     */
    public static final class FileSpace {
        private final long bytes;
        private final AtomicLong used = new AtomicLong();

        /** @param bytes at most this many at once; {@code Long.MAX_VALUE}: no bound but the disk's */
        public FileSpace(long bytes) {
            this.bytes = bytes;
        }

        /** The bytes the files hold now. */
        public long used() {
            return used.get();
        }

        boolean take(long n) {
            while (true) {
                long u = used.get();
                if (u + n > bytes || u + n < 0) {
                    return false;
                }
                if (used.compareAndSet(u, u + n)) {
                    return true;
                }
            }
        }

        void give(long n) {
            used.addAndGet(-n);
        }

        String reached() {
            return Limits.reached(Limits.EVENTS_DISK, bytes);
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();
    /** Events per entry of a store's index: a random read decodes at most this many. */
    private static final int BLOCK = 16;
    /** Strings a store shares by number; later distinct ones are written out in each record. */
    private static final int MAX_SHARED_STRINGS = 1 << 18;
    /** Out-of-order events (a reassembled PDU completed by an earlier frame) kept in memory before they go to a run. */
    private static final int LATE_RUN = 1 << 16;

    private final Budget budget;
    /** The events held as objects, in the order they came; empty once the list went to its file. */
    private final ArrayList<Event> held = new ArrayList<>();
    /** The events written out (in order of frame), null until the budget ran out for this list. */
    private Store store;
    /** Spilling: events that came after a later frame's, in memory until {@link #LATE_RUN}, then runs of their own. */
    private final ArrayList<Event> late = new ArrayList<>();
    private final ArrayList<Long> lateSeq = new ArrayList<>();
    private final List<Store> lateRuns = new ArrayList<>();
    /** The estimated heap of {@link #held}. */
    private long heldBytes;
    /** Why no temporary file could be made for this list (its events are held as objects), or null. */
    private String spillFailure;
    /** The first failure of the lists this one was merged from, or of this one's files before they were closed. */
    private String inheritedFailure;
    private long lastFrame = Long.MIN_VALUE;
    /** The greatest frame added so far, and whether no event came with an earlier frame than one before it. */
    private long greatestFrame = Long.MIN_VALUE;
    private boolean arrivalOrder = true;
    /** Whether reads may begin: always for a list that never spilled, after {@link #sortedByFrame} for one that did. */
    private boolean readable = true;
    private long size;

    /** @param budget shared by the lists of a reading thread, or null for a list that never writes to a file */
    public EventList(Budget budget) {
        this.budget = budget;
        if (budget != null) {
            budget.lists.add(this);
        }
    }

    private EventList(Store sorted) {
        this.budget = null;
        this.store = sorted;
        this.size = sorted.count;
    }

    @Override
    public boolean add(Event e) {
        long f = e.frame();
        if (f < greatestFrame) {
            arrivalOrder = false;
        } else {
            greatestFrame = f;
        }
        long s = size++; // its arrival: events of one frame keep it
        if (store == null) {
            long n = budget == null ? 0 : estimate(e);
            if (budget == null || spillFailure != null || budget.reserve(n, this) || !spill()) {
                held.add(e);
                heldBytes += n;
                return true;
            }
        }
        write(e, s);
        return true;
    }

    /**
     * Moves the events held so far to this list's file, which takes every later one too; false when no temporary file
     * can be made (the reason is kept: {@link #spillFailure}), and the list holds every event as it did before.
     */
    private boolean spill() {
        try {
            store = Store.create(budget.dir, budget.space);
        } catch (UncheckedIOException ex) {
            spillFailure = ex.getMessage();
            return false;
        }
        readable = false;
        for (int i = 0; i < held.size(); i++) {
            write(held.get(i), i);
        }
        budget.used -= heldBytes;
        heldBytes = 0;
        held.clear();
        held.trimToSize();
        return true;
    }

    /**
     * Whether no event was added with an earlier frame than one added before it: then the list in frame order
     * ({@link #sortedByFrame} of this list alone, which returns it) keeps the order of arrival, and positions taken
     * while adding are its positions.
     */
    public boolean inArrivalOrder() {
        return arrivalOrder;
    }

    /**
     * Why some of this list's events could not go to a temporary file and were held in memory instead (no file could
     * be made, the disk was full, {@link Limits#EVENTS_DISK} was reached), or null.
     */
    public String spillFailure() {
        if (spillFailure != null) {
            return spillFailure;
        }
        if (store != null && store.failure != null) {
            return store.failure;
        }
        for (Store r : lateRuns) {
            if (r.failure != null) {
                return r.failure;
            }
        }
        return inheritedFailure;
    }

    /** The first of these lists' {@link #spillFailure}s, or null. */
    private static String firstFailure(List<List<Event>> parts) {
        for (List<Event> p : parts) {
            String f = p instanceof EventList l ? l.spillFailure() : null;
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private void write(Event e, long s) {
        if (e.frame() >= lastFrame) {
            lastFrame = e.frame();
            store.append(e, s);
        } else {
            late.add(e);
            lateSeq.add(s);
            if (late.size() >= LATE_RUN) {
                lateRuns.add(lateRun());
            }
        }
    }

    /** The late events so far as a run of their own, sorted by frame (stable), and the memory list emptied. */
    private Store lateRun() {
        Store run = Store.createOrMemory(budget.dir, budget.space);
        for (int i : byFrame(late)) {
            run.append(late.get(i), lateSeq.get(i));
        }
        run.finish();
        late.clear();
        lateSeq.clear();
        return run;
    }

    /** The positions of the events, in order of frame (a stable sort: one frame's in the order they came). */
    private static Integer[] byFrame(List<Event> events) {
        Integer[] order = new Integer[events.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> events.get(i).frame()));
        return order;
    }

    /** Whether some of this list's events are in a temporary file. */
    public boolean spilled() {
        return store != null;
    }

    /** How many of this list's events are in temporary files. */
    public long spilledCount() {
        return store == null ? 0 : size;
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    @Override
    public Event get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        checkReadable();
        return store == null ? held.get(index) : store.get(index);
    }

    @Override
    public Iterator<Event> iterator() {
        checkReadable();
        return store == null ? Collections.unmodifiableList(held).iterator() : store.cursor();
    }

    @Override
    public void sort(Comparator<? super Event> c) {
        if (store != null) {
            throw new IllegalStateException("events written to a file are put in order by EventList.sortedByFrame");
        }
        held.sort(c);
        modCount++;
    }

    private void checkReadable() {
        if (!readable) {
            throw new IllegalStateException("events written to a file are read once sorted by EventList.sortedByFrame");
        }
    }

    /** Releases the temporary files (the list is empty afterwards). */
    public void close() {
        inheritedFailure = spillFailure();
        if (store != null) {
            store.close();
        }
        lateRuns.forEach(Store::close);
        lateRuns.clear();
        held.clear();
        late.clear();
        lateSeq.clear();
        store = null;
        size = 0;
        readable = true;
    }

    /**
     * The events of these lists (the shares of the reading threads, in order) as one list in frame order, events of
     * one frame in the order of the shares and then of their arrival: what concatenating them and a stable sort by
     * frame would give. Lists that spilled are consumed (their files released); the result spills when any did. One
     * list with no event completed late (one reading thread, no PDU completed by an earlier frame) is put in order
     * as it is, without writing its file again.
     */
    public static List<Event> sortedByFrame(List<List<Event>> parts) {
        if (parts.size() == 1 && parts.get(0) instanceof EventList l && l.late.isEmpty() && l.lateRuns.isEmpty()) {
            if (l.store != null) {
                l.store.finish(); // written in frame order
            } else {
                l.held.sort(Comparator.comparingLong(Event::frame));
            }
            l.readable = true;
            return l;
        }
        boolean anySpilled = parts.stream().anyMatch(p -> p instanceof EventList l && l.store != null);
        if (!anySpilled) {
            EventList out = new EventList((Budget) null);
            for (List<Event> p : parts) {
                out.held.addAll(p);
            }
            out.size = out.held.size();
            out.held.sort(Comparator.comparingLong(Event::frame));
            out.inheritedFailure = firstFailure(parts);
            return out;
        }
        // every share's runs, each in order of (frame, arrival); merged by (frame, share, arrival)
        List<Cursor> runs = new ArrayList<>();
        for (int part = 0; part < parts.size(); part++) {
            List<Event> p = parts.get(part);
            EventList l = p instanceof EventList el ? el : null;
            List<Event> objects = l != null ? l.held : p;
            runs.add(new MemoryCursor(part, objects, byFrame(objects), null));
            if (l != null && l.store != null) {
                l.store.finish();
                runs.add(l.store.cursor().part(part));
                for (Store r : l.lateRuns) {
                    runs.add(r.cursor().part(part));
                }
                runs.add(new MemoryCursor(part, l.late, byFrame(l.late), l.lateSeq));
            }
        }
        PriorityQueue<Cursor> queue = new PriorityQueue<>(Comparator.comparingLong((Cursor c) -> c.frame)
                .thenComparingInt(c -> c.part).thenComparingLong(c -> c.seq));
        for (Cursor c : runs) {
            if (c.advance()) {
                queue.add(c);
            }
        }
        EventList first = null;
        for (List<Event> p : parts) {
            first = first == null && p instanceof EventList l && l.budget != null ? l : first;
        }
        Store out = Store.createOrMemory(first.budget.dir, first.budget.space);
        long n = 0;
        while (!queue.isEmpty()) {
            Cursor c = queue.poll();
            out.append(c.event, n++);
            if (c.advance()) {
                queue.add(c);
            }
        }
        out.finish();
        String failure = firstFailure(parts);
        for (List<Event> p : parts) {
            if (p instanceof EventList l) {
                l.close();
            }
        }
        EventList merged = new EventList(out);
        merged.inheritedFailure = failure;
        return merged;
    }

    /** A rough count of the heap an event holds (strings not counted: the reader shares them). */
    static long estimate(Event e) {
        long n = 64 + 16L * e.fieldCount();
        for (int i = 0; i < e.fieldCount(); i++) {
            n += estimate(e.fieldValue(i), 0);
        }
        return n;
    }

    private static long estimate(Object v, int depth) {
        if (v instanceof List<?> l) {
            long n = 32 + 8L * l.size();
            if (depth < 8) {
                for (Object o : l) {
                    n += estimate(o, depth + 1);
                }
            }
            return n;
        }
        if (v instanceof Map<?, ?> m) {
            long n = 64 + 48L * m.size();
            if (depth < 8) {
                for (Object o : m.values()) {
                    n += estimate(o, depth + 1);
                }
            }
            return n;
        }
        return v instanceof Number ? 16 : 0;
    }

    /** Events in order of (frame, share, arrival), one at a time, for merging. */
    private abstract static class Cursor {
        int part;
        long frame;
        long seq;
        Event event;

        /** Moves to the next event; false at the end. */
        abstract boolean advance();

        Cursor part(int p) {
            this.part = p;
            return this;
        }
    }

    private static final class MemoryCursor extends Cursor {
        private final List<Event> events;
        private final Integer[] order;
        private final List<Long> seqs;
        private int i;

        MemoryCursor(int part, List<Event> events, Integer[] order, List<Long> seqs) {
            this.part = part;
            this.events = events;
            this.order = order;
            this.seqs = seqs;
        }

        @Override
        boolean advance() {
            if (i >= order.length) {
                return false;
            }
            int k = order[i++];
            event = events.get(k);
            frame = event.frame();
            seq = seqs != null ? seqs.get(k) : k;
            return true;
        }
    }

    /**
     * Records in a temporary file: each a length (unsigned LEB128) and the event (frame, arrival, time, endpoints,
     * fields; strings as numbers into the store's table while it has room). Every {@link #BLOCK}-th record's offset
     * is indexed. Bytes past {@link #fileEnd} (after the file could take no more) are in memory, in chunks.
     */
    private static final class Store {
        private final State state;
        private final FileSpace space;
        /** Why the file took no more bytes (the rest are in memory), or null. */
        String failure;
        /** How many of the store's bytes are in its file; the others are in {@link #memory}. */
        private long fileEnd = Long.MAX_VALUE;
        private static final int CHUNK_BITS = 20;
        private final List<byte[]> memory = new ArrayList<>();
        private long memoryLength;
        final List<String> strings = new ArrayList<>();
        private final Map<String, Integer> stringIds = new HashMap<>();
        private static final int RECENT = 1 << 14;
        private final String[] recent = new String[RECENT];
        private final int[] recentIds = new int[RECENT];
        /** Values of types the format does not know, kept as objects (none from Kerbscope's own dissectors). */
        final List<Object> others = new ArrayList<>();
        private long[] index = new long[64];
        long count;
        private final ByteBuffer out = ByteBuffer.allocate(1 << 16);
        private final Writer scratch = new Writer();
        private long written;
        private boolean finished;
        /** The bytes of the blocks read last, for random reads. */
        private final Map<Long, byte[]> blocks = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > 64;
            }
        };

        /** What the cleaner closes and gives back: must not refer to the store. */
        private static final class State implements Runnable {
            final FileChannel channel;
            final FileSpace space;
            /** The bytes written to the file, taken from {@link #space}. */
            long fileBytes;

            State(FileChannel channel, FileSpace space) {
                this.channel = channel;
                this.space = space;
            }

            @Override
            public void run() {
                space.give(fileBytes);
                fileBytes = 0;
                try {
                    if (channel != null) {
                        channel.close();
                    }
                } catch (IOException e) {
                    // nothing left to do: the file is unlinked or deleted on close
                }
            }
        }

        private final Cleaner.Cleanable cleanable;

        /** @param channel the file, or null for a store held in memory from the start ({@code failure} says why) */
        private Store(FileChannel channel, FileSpace space, String failure) {
            this.state = new State(channel, space);
            this.space = space;
            this.cleanable = CLEANER.register(this, state);
            if (channel == null) {
                this.failure = failure;
                this.fileEnd = 0;
            }
        }

        /** A store in memory when no temporary file can be made (the reason is its {@link #failure}). */
        static Store createOrMemory(Path dir, FileSpace space) {
            try {
                return create(dir, space);
            } catch (UncheckedIOException e) {
                return new Store(null, space, e.getMessage());
            }
        }

        static Store create(Path dir, FileSpace space) {
            try {
                Path p = dir == null ? Files.createTempFile("kerbscope-events-", ".bin")
                        : Files.createTempFile(dir, "kerbscope-events-", ".bin");
                FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
                try {
                    Files.deleteIfExists(p); // POSIX: gone from the directory now, readable until closed
                } catch (IOException | SecurityException e) {
                    // Windows: deleted on close instead
                }
                return new Store(ch, space, null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write events to a temporary file: " + e.getMessage(), e);
            }
        }

        void append(Event e, long seq) {
            if (count % BLOCK == 0) {
                int b = (int) (count / BLOCK);
                if (b >= index.length) {
                    index = Arrays.copyOf(index, index.length * 2);
                }
                index[b] = written + out.position();
            }
            scratch.reset();
            encode(e, seq);
            int len = scratch.size;
            if (out.remaining() < len + 5) {
                flush();
            }
            if (out.remaining() < len + 5) {
                write(ByteBuffer.wrap(lengthOf(len)));
                write(ByteBuffer.wrap(scratch.bytes, 0, len));
            } else {
                putVarLong(out, len);
                out.put(scratch.bytes, 0, len);
            }
            count++;
        }

        private static byte[] lengthOf(int len) {
            ByteBuffer b = ByteBuffer.allocate(5);
            putVarLong(b, len);
            return Arrays.copyOf(b.array(), b.position());
        }

        private void flush() {
            out.flip();
            write(out);
            out.clear();
        }

        /** Appends the buffer's bytes: to the file while it takes them, then to memory. */
        private void write(ByteBuffer b) {
            if (failure == null) {
                int n = b.remaining();
                if (!space.take(n)) {
                    failure = space.reached();
                } else {
                    state.fileBytes += n;
                    try {
                        while (b.hasRemaining()) {
                            written += state.channel.write(b, written);
                        }
                    } catch (IOException e) {
                        // a full disk: what the file took stays there
                        failure = "cannot write events to a temporary file: " + e.getMessage();
                        state.fileBytes -= b.remaining();
                        space.give(b.remaining());
                    }
                }
                if (failure != null) {
                    fileEnd = written;
                }
            }
            while (b.hasRemaining()) {
                int at = (int) (memoryLength & ((1 << CHUNK_BITS) - 1));
                if (at == 0) {
                    memory.add(new byte[1 << CHUNK_BITS]);
                }
                int n = Math.min(b.remaining(), (1 << CHUNK_BITS) - at);
                b.get(memory.get(memory.size() - 1), at, n);
                memoryLength += n;
                written += n;
            }
        }

        void finish() {
            if (!finished) {
                flush();
                finished = true;
            }
        }

        void close() {
            cleanable.clean();
        }

        private void encode(Event e, long seq) {
            Writer w = scratch;
            w.zigzag(e.frame());
            w.varLong(seq);
            w.zigzag(e.timeNanos());
            endpoint(e.src());
            endpoint(e.dst());
            w.varLong(e.fieldCount());
            for (int i = 0; i < e.fieldCount(); i++) {
                string(e.fieldName(i));
                value(e.fieldValue(i));
            }
            string(e.protocol());
        }

        private void endpoint(Endpoint p) {
            if (p == null) {
                scratch.varLong(0);
            } else {
                scratch.varLong(1);
                string(p.address());
                scratch.zigzag(p.port());
            }
        }

        /** 0 null, 1 written out, 2 + n the table's n-th string. */
        private void string(String s) {
            if (s == null) {
                scratch.varLong(0);
                return;
            }
            // field names and the reader's shared values (one instance per text) recur: found by identity first,
            // by value when another instance of the text was numbered
            int slot = System.identityHashCode(s) & (RECENT - 1);
            if (recent[slot] == s) {
                scratch.varLong(2L + recentIds[slot]);
                return;
            }
            Integer id = stringIds.get(s);
            if (id == null && strings.size() < MAX_SHARED_STRINGS) {
                id = strings.size();
                strings.add(s);
                stringIds.put(s, id);
            }
            if (id != null) {
                recent[slot] = s;
                recentIds[slot] = id;
                scratch.varLong(2L + id);
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                scratch.varLong(1);
                scratch.varLong(b.length);
                scratch.bytes(b);
            }
        }

        private static final int NULL = 0, STRING = 1, INT = 2, LONG = 3, TRUE = 4, FALSE = 5, LIST = 6, MAP = 7,
                DOUBLE = 8, OTHER = 9;

        private void value(Object v) {
            Writer w = scratch;
            if (v == null) {
                w.varLong(NULL);
            } else if (v instanceof String s) {
                w.varLong(STRING);
                string(s);
            } else if (v instanceof Integer i) {
                w.varLong(INT);
                w.zigzag(i);
            } else if (v instanceof Long l) {
                w.varLong(LONG);
                w.zigzag(l);
            } else if (v instanceof Boolean b) {
                w.varLong(b ? TRUE : FALSE);
            } else if (v instanceof Double d) {
                w.varLong(DOUBLE);
                w.zigzag(Double.doubleToRawLongBits(d));
            } else if (v instanceof List<?> l) {
                w.varLong(LIST);
                w.varLong(l.size());
                for (Object o : l) {
                    value(o);
                }
            } else if (v instanceof Map<?, ?> m && stringKeys(m)) {
                w.varLong(MAP);
                w.varLong(m.size());
                for (Map.Entry<?, ?> en : m.entrySet()) {
                    string((String) en.getKey());
                    value(en.getValue());
                }
            } else {
                w.varLong(OTHER);
                w.varLong(others.size());
                others.add(v);
            }
        }

        /**
         * The {@code i}-th event: its block's bytes are read (and kept for the next reads), the records before it in the
         * block skipped by their lengths, and it alone decoded.
         */
        Event get(long i) {
            long b = i / BLOCK;
            byte[] block;
            synchronized (blocks) {
                block = blocks.get(b);
            }
            if (block == null) {
                long from = index[(int) b];
                long to = b + 1 < (count + BLOCK - 1) / BLOCK ? index[(int) b + 1] : written;
                ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
                read(buf, from);
                block = buf.array();
                synchronized (blocks) {
                    blocks.put(b, block);
                }
            }
            ByteBuffer in = ByteBuffer.wrap(block);
            for (long k = b * BLOCK; k < i; k++) {
                int len = (int) getVarLong(in);
                in.position(in.position() + len);
            }
            getVarLong(in);
            return decode(in);
        }

        private static boolean stringKeys(Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    return false;
                }
            }
            return true;
        }

        /** Fills the buffer with the store's bytes from {@code at}: the file's, then those in memory. */
        private void read(ByteBuffer buf, long at) {
            long pos = at;
            while (buf.hasRemaining() && pos < fileEnd) {
                int want = (int) Math.min(buf.remaining(), fileEnd - pos);
                ByteBuffer part = buf.slice(buf.position(), want);
                try {
                    while (part.hasRemaining()) {
                        int n = state.channel.read(part, pos + part.position());
                        if (n < 0) {
                            throw new IOException("the temporary file of events ended early");
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read events back from a temporary file: " + e.getMessage(),
                            e);
                }
                buf.position(buf.position() + want);
                pos += want;
            }
            while (buf.hasRemaining()) {
                long off = pos - fileEnd;
                int at0 = (int) (off & ((1 << CHUNK_BITS) - 1));
                int n = (int) Math.min(Math.min(buf.remaining(), (1 << CHUNK_BITS) - at0), memoryLength - off);
                if (n <= 0) {
                    throw new IllegalStateException("events read past the end of their store");
                }
                buf.put(memory.get((int) (off >>> CHUNK_BITS)), at0, n);
                pos += n;
            }
        }

        StoreCursor cursor() {
            return new StoreCursor(this);
        }

        Event decode(ByteBuffer in) {
            long frame = unzigzag(getVarLong(in));
            getVarLong(in); // arrival: only merging reads it
            long time = unzigzag(getVarLong(in));
            Endpoint src = endpoint(in);
            Endpoint dst = endpoint(in);
            int n = (int) getVarLong(in);
            Object[] kv = new Object[2 * n];
            for (int i = 0; i < n; i++) {
                kv[2 * i] = string(in);
                kv[2 * i + 1] = value(in);
            }
            return new Event(string(in), frame, time, src, dst, kv);
        }

        private Endpoint endpoint(ByteBuffer in) {
            if (getVarLong(in) == 0) {
                return null;
            }
            String address = string(in);
            return new Endpoint(address, (int) unzigzag(getVarLong(in)));
        }

        private String string(ByteBuffer in) {
            long ref = getVarLong(in);
            if (ref == 0) {
                return null;
            }
            if (ref >= 2) {
                return strings.get((int) (ref - 2));
            }
            byte[] b = new byte[(int) getVarLong(in)];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        private Object value(ByteBuffer in) {
            int tag = (int) getVarLong(in);
            switch (tag) {
                case NULL:
                    return null;
                case STRING:
                    return string(in);
                case INT:
                    return (int) unzigzag(getVarLong(in));
                case LONG:
                    return unzigzag(getVarLong(in));
                case TRUE:
                    return Boolean.TRUE;
                case FALSE:
                    return Boolean.FALSE;
                case DOUBLE:
                    return Double.longBitsToDouble(unzigzag(getVarLong(in)));
                case LIST: {
                    Object[] a = new Object[(int) getVarLong(in)];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = value(in);
                    }
                    return Collections.unmodifiableList(Arrays.asList(a));
                }
                case MAP: {
                    int n = (int) getVarLong(in);
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        String k = string(in);
                        m.put(k, value(in));
                    }
                    return Collections.unmodifiableMap(m);
                }
                case OTHER:
                    return others.get((int) getVarLong(in));
                default:
                    throw new IllegalStateException("unknown value tag " + tag + " in the temporary file of events");
            }
        }
    }

    /** Reads a finished store's records in order, a buffer at a time. */
    private static final class StoreCursor extends Cursor implements Iterator<Event> {
        private final Store store;
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        private long filePos;
        private long read;
        private Event pending;

        StoreCursor(Store store) {
            this.store = store;
            buf.flip();
        }

        @Override
        boolean advance() {
            if (read >= store.count) {
                return false;
            }
            int len = (int) recordLength();
            int end = buf.position() + len;
            int start = buf.position();
            frame = unzigzag(getVarLong(buf));
            seq = getVarLong(buf);
            buf.position(start);
            event = store.decode(buf);
            buf.position(end);
            read++;
            return true;
        }

        /** The next record's length, with the whole record in the buffer after it. */
        private long recordLength() {
            ensure(5);
            int mark = buf.position();
            long len = getVarLong(buf);
            int header = buf.position() - mark;
            buf.position(mark);
            ensure(header + (int) len); // may move the record to the start of the buffer
            buf.position(buf.position() + header);
            return len;
        }

        private void ensure(int n) {
            if (buf.remaining() >= n || filePos >= store.written) {
                return;
            }
            if (buf.capacity() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2));
                bigger.put(buf);
                buf = bigger;
            } else {
                buf.compact();
            }
            int want = (int) Math.min(buf.remaining(), store.written - filePos);
            ByteBuffer slice = buf.slice(buf.position(), want);
            store.read(slice, filePos);
            filePos += want;
            buf.position(buf.position() + want);
            buf.flip();
        }

        @Override
        public boolean hasNext() {
            if (pending == null && advance()) {
                pending = event;
            }
            return pending != null;
        }

        @Override
        public Event next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Event e = pending;
            pending = null;
            return e;
        }
    }

    /** A growable byte array with LEB128 writers. */
    private static final class Writer {
        byte[] bytes = new byte[256];
        int size;

        void reset() {
            size = 0;
        }

        void varLong(long v) {
            if (size + 10 > bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            while ((v & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }

        void zigzag(long v) {
            varLong((v << 1) ^ (v >> 63));
        }

        void bytes(byte[] b) {
            if (size + b.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + b.length));
            }
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }
    }

    private static void putVarLong(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static long getVarLong(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("a number in the temporary file of events is too long");
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
