package org.kerbscope.evidence.windows.evtx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Reads an .evtx file chunk by chunk (one 64 KiB chunk in memory at a time) and hands each event record to a
 * listener in file order. A damaged chunk or record is reported to the listener as a problem and skipped; the
 * rest of the file is still read.
 */
public final class EvtxReader {
    public static final int CHUNK_SIZE = 0x10000;
    private static final int HEADER_MIN = 128;
    private static final int CHUNK_HEADER = 512;
    private static final int RECORD_MAGIC = 0x00002a2a;
    private static final byte[] FILE_MAGIC = "ElfFile\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CHUNK_MAGIC = "ElfChnk\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** What the reader found, record by record. */
    public interface Listener {
        void record(EvtxRecord record);

        /** A part of the file that could not be read, in a sentence. */
        void problem(String message);
    }

    /** Chunks seen, records read, and problems reported. */
    public record Summary(int chunks, long records, int problems) {
    }

    private EvtxReader() {
    }

    /** Whether the bytes start like an .evtx file. */
    public static boolean isEvtx(byte[] head) {
        return head != null && head.length >= 8 && Arrays.equals(head, 0, 8, FILE_MAGIC, 0, 8);
    }

    public static Summary read(Path file, Listener listener) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, listener);
        }
    }

    public static Summary read(SeekableByteChannel ch, Listener listener) throws IOException {
        int[] problems = {0};
        Listener counting = new Listener() {
            @Override
            public void record(EvtxRecord record) {
                listener.record(record);
            }

            @Override
            public void problem(String message) {
                problems[0]++;
                listener.problem(message);
            }
        };
        long size = ch.size();
        byte[] header = new byte[4096];
        int got = readFully(ch, 0, header, header.length);
        int blockSize = 4096;
        if (got < 8 || !isEvtx(header)) {
            counting.problem("the file does not start with the EVTX signature \"ElfFile\"; looking for chunks anyway");
        } else if (got >= HEADER_MIN) {
            int declared = (int) Values.le(header, 40, 2);
            if (declared >= HEADER_MIN && declared <= 65536) {
                blockSize = declared;
            }
            long stored = Values.le(header, 124, 4);
            CRC32 crc = new CRC32();
            crc.update(header, 0, 120);
            if (crc.getValue() != stored) {
                counting.problem("the file header fails its checksum (the log was probably copied while in use); "
                        + "the chunks are read anyway");
            }
        }
        byte[] chunk = new byte[CHUNK_SIZE];
        int chunks = 0;
        long records = 0;
        int index = 0;
        for (long off = blockSize; off < size; off += CHUNK_SIZE, index++) {
            int n = readFully(ch, off, chunk, CHUNK_SIZE);
            if (n <= 0) {
                break;
            }
            if (isZero(chunk, 0, n)) {
                continue; // space the log has allocated but not yet used
            }
            if (n < CHUNK_HEADER || !Arrays.equals(chunk, 0, 8, CHUNK_MAGIC, 0, 8)) {
                counting.problem("chunk " + index + " (file offset " + off + ") has no \"ElfChnk\" signature; "
                        + "it is skipped");
                continue;
            }
            chunks++;
            if (n < CHUNK_SIZE) {
                counting.problem("the file ends inside chunk " + index + " (" + n + " of " + CHUNK_SIZE
                        + " bytes); reading the records that are complete");
                Arrays.fill(chunk, n, CHUNK_SIZE, (byte) 0);
            }
            records += readChunk(chunk, n, index, counting);
        }
        return new Summary(chunks, records, problems[0]);
    }

    private static long readChunk(byte[] chunk, int length, int index, Listener listener) {
        CRC32 crc = new CRC32();
        crc.update(chunk, 0, 120);
        crc.update(chunk, 128, CHUNK_HEADER - 128);
        if (crc.getValue() != Values.le(chunk, 124, 4)) {
            listener.problem("chunk " + index + " fails its header checksum: it is damaged; reading the records "
                    + "it still holds");
        }
        int free = (int) Values.le(chunk, 48, 4);
        int end = free >= CHUNK_HEADER && free <= length ? free : length;
        if (free >= CHUNK_HEADER && free <= length) {
            crc.reset();
            crc.update(chunk, CHUNK_HEADER, free - CHUNK_HEADER);
            if (crc.getValue() != Values.le(chunk, 52, 4)) {
                listener.problem("chunk " + index + " fails its records checksum: some records are damaged");
            }
        }
        BinXml binXml = new BinXml(chunk, length);
        long count = 0;
        int pos = CHUNK_HEADER;
        while (pos + 28 <= end) {
            int size = validRecordAt(chunk, pos, length);
            if (size < 0) {
                if (isZero(chunk, pos, end - pos)) {
                    break;
                }
                int next = nextRecord(chunk, pos + 1, end, length);
                listener.problem("chunk " + index + ": no valid record at offset " + pos
                        + (next < 0 ? "; the rest of the chunk is skipped" : "; skipped to offset " + next));
                if (next < 0) {
                    break;
                }
                pos = next;
                continue;
            }
            long recordId = Values.le(chunk, pos + 8, 8);
            long written = Values.le(chunk, pos + 16, 8);
            try {
                List<Object> nodes = binXml.render(pos + 24, pos + size - 4, 0);
                XElement event = null;
                for (Object o : nodes) {
                    if (o instanceof XElement e) {
                        event = e;
                        break;
                    }
                }
                if (event == null) {
                    throw new EvtxFormatException("it renders no element");
                }
                count++;
                listener.record(new EvtxRecord(recordId, written, index, event));
            } catch (EvtxFormatException | RuntimeException e) {
                listener.problem("record " + recordId + " (chunk " + index + ") cannot be read: " + e.getMessage());
            }
            pos += size;
        }
        return count;
    }

    /** The record's size when a plausible record starts at pos (signature, size and its trailing copy agree). */
    private static int validRecordAt(byte[] chunk, int pos, int length) {
        if (pos + 28 > length || Values.le(chunk, pos, 4) != RECORD_MAGIC) {
            return -1;
        }
        long size = Values.le(chunk, pos + 4, 4);
        if (size < 28 || pos + size > length || Values.le(chunk, (int) (pos + size - 4), 4) != size) {
            return -1;
        }
        return (int) size;
    }

    private static int nextRecord(byte[] chunk, int from, int end, int length) {
        for (int p = from; p + 28 <= end; p++) {
            if (chunk[p] == 0x2a && validRecordAt(chunk, p, length) > 0) {
                return p;
            }
        }
        return -1;
    }

    private static boolean isZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int readFully(SeekableByteChannel ch, long position, byte[] into, int len) throws IOException {
        ch.position(position);
        ByteBuffer buf = ByteBuffer.wrap(into, 0, len);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                break;
            }
        }
        return buf.position();
    }
}
