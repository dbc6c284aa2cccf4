package org.kerbscope.capture.tests;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds Network Monitor capture files as the Network Monitor 3.x help ("Capture File Format") documents
 * them: a 128-byte header whose start time is a SYSTEMTIME, records (8-byte offset in microseconds, original
 * and captured length, bytes, and from 2.1 a trailer with the media type; from 2.3 also the process index,
 * a UTC FILETIME and a time zone index), and a frame table of 32-bit record offsets at the end.
 */
final class Netmon {
    /** 2020-06-09 17:19:26.000 as the header's SYSTEMTIME. */
    static final long START_NANOS = 1_591_723_166_000_000_000L;
    static final long FILETIME_UNIX = 116_444_736_000_000_000L;

    private final int major;
    private final int minor;
    private final Bytes records = Bytes.le();
    private final List<Integer> offsets = new ArrayList<>();

    Netmon(int major, int minor) {
        this.major = major;
        this.minor = minor;
    }

    /** A record {@code deltaMicros} after the start; {@code utcNanos} goes into a 2.3 trailer (0 = none). */
    Netmon frame(long deltaMicros, int media, byte[] data, long utcNanos) {
        offsets.add(128 + records.size());
        if (major == 1) {
            records.u32(deltaMicros / 1000).u16(data.length).u16(data.length).raw(data);
            return this;
        }
        records.u64(deltaMicros).u32(data.length).u32(data.length).raw(data);
        if (minor >= 1) {
            records.u16(media);
        }
        if (minor >= 2) {
            records.u32(0);
        }
        if (minor >= 3) {
            records.u64(utcNanos == 0 ? 0 : utcNanos / 100 + FILETIME_UNIX).u8(0);
        }
        return this;
    }

    byte[] bytes() {
        return bytes(true);
    }

    byte[] bytes(boolean withTable) {
        int tableOffset = 128 + records.size();
        Bytes b = Bytes.le().ascii(major == 1 ? "RTSS" : "GMBU").u8(minor).u8(major).u16(1)
                .u16(2020).u16(6).u16(2).u16(9).u16(17).u16(19).u16(26).u16(0)
                .u32(tableOffset).u32(4L * offsets.size());
        while (b.size() < 128) {
            b.u8(0);
        }
        b.raw(records.bytes());
        if (withTable) {
            for (int o : offsets) {
                b.u32(o);
            }
        }
        return b.bytes();
    }
}
