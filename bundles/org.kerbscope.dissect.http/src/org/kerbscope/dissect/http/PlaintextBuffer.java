package org.kerbscope.dissect.http;

import java.util.Arrays;

/**
 * One direction's decrypted bytes not read yet, as the HTTP/1.x and HTTP/2 readers keep them: what a record adds goes
 * after what is buffered, past the bytes still to pass over (a body, a DATA frame), which are never kept.
 */
abstract class PlaintextBuffer implements PlaintextReader {
    protected byte[] buf = new byte[4096];
    protected int len;
    /** Bytes still to pass over, past what is buffered. */
    protected long skip;
    protected boolean dead;

    /** Puts a record's plaintext after what is buffered; the number of bytes kept (0: nothing to read). */
    protected final int append(byte[] data) {
        if (dead || data.length == 0) {
            return 0;
        }
        int off = (int) Math.min(skip, data.length);
        skip -= off;
        int n = data.length - off;
        if (n == 0) {
            return 0;
        }
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
        }
        System.arraycopy(data, off, buf, len, n);
        len += n;
        return n;
    }

    protected final void consume(int n) {
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
    }

    /** Passes over {@code n} bytes: those buffered, and the rest as they come. */
    protected final void passOver(long n) {
        if (n <= len) {
            consume((int) n);
        } else {
            skip = n - len;
            len = 0;
        }
    }

    /** Nothing more of this direction is read. */
    protected final void end() {
        dead = true;
        buf = null;
    }
}
