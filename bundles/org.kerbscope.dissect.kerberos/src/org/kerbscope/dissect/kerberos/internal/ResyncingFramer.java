package org.kerbscope.dissect.kerberos.internal;

import java.nio.ByteBuffer;

import org.kerbscope.core.spi.StreamFramer;

/**
 * A framer of length-prefixed records that, after a capture gap, passes over bytes until a plausible record start
 * (judged from its first {@code window} bytes) before going on: Kerberos over TCP and kpasswd over TCP.
 */
public abstract class ResyncingFramer implements StreamFramer {
    /** The bytes needed to judge whether a record starts at a position. */
    private final int window;
    private boolean resync;

    protected ResyncingFramer(int window) {
        this.window = window;
    }

    /** The next record (or {@link #REJECT}, {@link #NEED_MORE}) where the bytes are known to start one. */
    protected abstract long record(ByteBuffer b);

    /** Whether a record starts at {@code i}, where {@code window} bytes are there to judge it. */
    protected abstract boolean plausible(ByteBuffer b, int i);

    @Override
    public final long next(ByteBuffer b) {
        if (!resync) {
            return record(b);
        }
        int n = b.limit();
        for (int i = 0; i + window <= n; i++) {
            if (plausible(b, i)) {
                resync = false;
                return i == 0 ? record(b) : StreamFramer.skip(i);
            }
        }
        // the last window - 1 bytes may begin a record that cannot be judged yet
        return n >= window ? StreamFramer.skip(n - (window - 1)) : NEED_MORE;
    }

    @Override
    public final void gap() {
        resync = true;
    }
}
