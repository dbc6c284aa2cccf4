package org.kerbscope.dissect.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.kerberos.KerberosDissector;
import org.kerbscope.dissect.kerberos.KpasswdDissector;

/**
 * After a capture gap, the TCP framers of Kerberos (RFC 4120 7.2.2) and kpasswd (RFC 3244) pass over the rest of
 * the record the gap cut and resume at the next plausible record, as a user of a lossy capture expects.
 */
class FramerResyncTest {
    /** A Kerberos record: mark, then a TGS-REQ application tag and its (short-form) length. */
    private static final byte[] KERBEROS = {0, 0, 0, 6, 0x6c, 4, 0x30, 2, 0x01, 0x00};
    /** A kpasswd record: mark 10, message length 10, version 1, AP-REQ length 0, then 4 bytes of KRB-PRIV. */
    private static final byte[] KPASSWD = {0, 0, 0, 10, 0, 10, 0, 1, 0, 0, 0x75, 2, 0x30, 0};

    private static byte[] join(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static ByteBuffer buf(byte[] b, int from) {
        return ByteBuffer.wrap(b, from, b.length - from).slice();
    }

    @Test
    void kerberosSkipsTheCutRecordsTailThenFramesTheNextOne() {
        StreamFramer f = new KerberosDissector().newFramer(null, true);
        byte[] tail = {(byte) 0xa0, 3, 2, 1, 5, (byte) 0xa1, 9};
        byte[] bytes = join(tail, KERBEROS);
        assertEquals(StreamFramer.REJECT, f.next(buf(bytes, 0)), "without a gap, the tail is no record");
        f = new KerberosDissector().newFramer(null, true);
        f.gap();
        assertEquals(StreamFramer.skip(tail.length), f.next(buf(bytes, 0)));
        assertEquals(StreamFramer.pdu(KERBEROS.length), f.next(buf(bytes, tail.length)));
        // found once: the next record is framed without searching
        assertEquals(StreamFramer.pdu(KERBEROS.length), f.next(buf(KERBEROS, 0)));
    }

    @Test
    void kerberosKeepsTheBytesThatMayStartARecordItCannotJudgeYet() {
        StreamFramer f = new KerberosDissector().newFramer(null, true);
        f.gap();
        byte[] noise = new byte[40];
        Arrays.fill(noise, (byte) 0x55);
        // a record start needs five bytes to be judged: the last four may still begin one
        assertEquals(StreamFramer.skip(36), f.next(buf(noise, 0)));
        assertEquals(StreamFramer.NEED_MORE, f.next(buf(new byte[] {0, 0, 0}, 0)));
        byte[] cut = Arrays.copyOf(KERBEROS, 4);
        assertEquals(StreamFramer.NEED_MORE, f.next(buf(cut, 0)));
        assertEquals(StreamFramer.pdu(KERBEROS.length), f.next(buf(KERBEROS, 0)));
    }

    @Test
    void kpasswdSkipsTheCutRecordsTailThenFramesTheNextOne() {
        StreamFramer f = new KpasswdDissector().newFramer(null, true);
        byte[] tail = {0x30, 5, 2, 3, 1, 0, 1, 0x04, 0};
        byte[] bytes = join(tail, KPASSWD);
        assertEquals(StreamFramer.REJECT, f.next(buf(bytes, 0)), "without a gap, the tail is no record");
        f = new KpasswdDissector().newFramer(null, true);
        f.gap();
        assertEquals(StreamFramer.skip(tail.length), f.next(buf(bytes, 0)));
        assertEquals(StreamFramer.pdu(KPASSWD.length), f.next(buf(bytes, tail.length)));
        byte[] noise = new byte[30];
        f.gap();
        // six bytes judge a kpasswd record start: the last five are kept
        assertEquals(StreamFramer.skip(25), f.next(buf(noise, 0)));
        assertEquals(StreamFramer.NEED_MORE, f.next(buf(new byte[5], 0)));
        assertEquals(StreamFramer.pdu(KPASSWD.length), f.next(buf(KPASSWD, 0)));
    }
}
