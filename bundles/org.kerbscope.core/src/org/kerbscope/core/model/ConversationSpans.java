package org.kerbscope.core.model;

import java.util.Arrays;

/**
 * Where each conversation a dissector read lies in the capture: from its first frame to the last frame in which
 * a PDU of it was dissected. The workbench keeps them with an analysis so that the details of one frame need
 * only the frames from the start of that frame's conversation, not the capture from its first frame: a frame
 * near the end of a capture of millions then shows its tree at once. A frame that no span covers carries no PDU
 * a dissector read.
 * <p>
 * Conversations are told apart by {@link #key} (their two endpoints and transport, in either direction); keys
 * may collide, which only makes {@link #start} earlier. A reading thread fills them while other threads may
 * already ask (the workbench, while the analysis runs): every method takes the object's lock, and
 * {@link #complete()} says up to which frame the spans are final.
 */
public final class ConversationSpans {
    /** Bit of {@link #flags}: part of the conversation arrived in IP fragments, which began before its first frame. */
    private static final byte FRAGMENTS = 1;

    private long[] first = new long[64];
    private long[] last = new long[64];
    private int[] key = new int[64];
    private byte[] flags = new byte[64];
    private int size;
    /** Whether a dissector kept state beyond one conversation (keys learned in one, used in another). */
    private boolean shared;
    /** Frames read so far by the analysis that fills these spans; every frame when it is done. */
    private volatile long complete = Long.MAX_VALUE;
    /** Whether the reading that fills them has stopped (see {@link #end()}). */
    private boolean ended = true;
    /** The thread filling them while it reads (it must not wait for itself), or null. */
    private Thread filler;

    /**
     * Spans an analysis is about to fill ({@code Analyzer.keepSpansIn}): final for no frame until it reads, so that
     * whoever asks before it starts waits or reads for themselves.
     */
    public static ConversationSpans filling() {
        ConversationSpans s = new ConversationSpans();
        s.complete = 0;
        s.ended = false;
        return s;
    }

    /** The key of a conversation between {@code a} and {@code b}, the same in both directions. */
    public static int key(Endpoint a, Endpoint b, String transport) {
        return (a.hashCode() + b.hashCode()) * 31 + transport.hashCode();
    }

    /** A new conversation that starts at {@code firstFrame}; returns its number for {@link #extend}. */
    public synchronized int add(long firstFrame, int conversationKey) {
        if (size == first.length) {
            int n = size * 2;
            first = Arrays.copyOf(first, n);
            last = Arrays.copyOf(last, n);
            key = Arrays.copyOf(key, n);
            flags = Arrays.copyOf(flags, n);
        }
        first[size] = firstFrame;
        last[size] = firstFrame;
        key[size] = conversationKey;
        return size++;
    }

    /** A PDU of conversation {@code span} was dissected in {@code frame}. */
    public synchronized void extend(int span, long frame) {
        if (frame > last[span]) {
            last[span] = frame;
        }
        if (frame < first[span]) {
            first[span] = frame;
        }
    }

    /** Conversation {@code span} got bytes reassembled from IP fragments (whose first ones may lie before it). */
    public synchronized void fragments(int span) {
        flags[span] |= FRAGMENTS;
    }

    /** A dissector kept state across conversations: re-reading one conversation would not give the same tree. */
    public synchronized void shared() {
        shared = true;
    }

    public synchronized boolean isShared() {
        return shared;
    }

    public synchronized int size() {
        return size;
    }

    /**
     * Up to which frame the spans are final: {@link #start} answers for those frames only. The analysis that fills
     * them moves it on as it reads (every frame, once it is done: the default).
     */
    public long complete() {
        return complete;
    }

    /**
     * Moves {@link #complete()} on, and wakes those waiting for it ({@link #awaitThrough}). The thread that calls it
     * first, with 0 at the start of a reading, is taken for the one filling the spans: it never waits for itself.
     */
    public void completeThrough(long frame) {
        synchronized (this) {
            if (frame == 0) {
                filler = Thread.currentThread();
                ended = false;
            }
            complete = frame;
            notifyAll();
        }
    }

    /**
     * The reading that fills these spans has stopped: they will not become final beyond {@link #complete()} (which,
     * after a cancelled or failed reading, is where it stopped). Wakes those waiting.
     */
    public synchronized void end() {
        ended = true;
        filler = null;
        notifyAll();
    }

    /** Whether a reading is filling these spans now (it has not {@link #end() ended}). */
    public synchronized boolean isReading() {
        return !ended;
    }

    /**
     * Whether a reading fills these spans and has come at least half way to {@code frame} without reaching it: then
     * waiting for it ({@link #awaitThrough}) gives the frame's spans sooner than reading the capture up to the frame
     * would (the analysis reads about half as fast as a re-read that keeps nothing), and without slowing it down.
     */
    public boolean worthAwaiting(long frame) {
        long c = complete;
        return isReading() && frame > c && c >= frame / 2;
    }

    /**
     * Waits until the spans are final up to {@code frame}, the reading stops short of it, or {@code stop} says so
     * (asked every 50 ms). Called by the thread that fills them, it does not wait.
     *
     * @return whether they are final up to the frame
     */
    public boolean awaitThrough(long frame, java.util.function.BooleanSupplier stop) {
        synchronized (this) {
            while (complete < frame && !ended && filler != Thread.currentThread() && !stop.getAsBoolean()) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return complete >= frame;
        }
    }

    /** Adds another reading thread's spans. */
    public synchronized void addAll(ConversationSpans other) {
        for (int i = 0; i < other.size; i++) {
            int s = add(other.first[i], other.key[i]);
            last[s] = other.last[i];
            flags[s] = other.flags[i];
        }
        shared |= other.shared;
    }

    /**
     * Where re-reading must start for the tree of {@code frame}: the first frame of the earliest conversation with
     * that key (any key when {@code conversationKey} is null) that spans the frame; 1 when that conversation had IP
     * fragments or state was shared across conversations; 0 when no such conversation spans the frame, so no
     * dissector read anything in it.
     */
    public synchronized long start(long frame, Integer conversationKey) {
        if (shared) {
            return 1;
        }
        long from = 0;
        for (int i = 0; i < size; i++) {
            if (first[i] <= frame && frame <= last[i] && (conversationKey == null || key[i] == conversationKey)) {
                long f = (flags[i] & FRAGMENTS) != 0 ? 1 : first[i];
                from = from == 0 ? f : Math.min(from, f);
            }
        }
        return from;
    }
}
