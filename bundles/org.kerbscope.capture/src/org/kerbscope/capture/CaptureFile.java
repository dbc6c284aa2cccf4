package org.kerbscope.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.kerbscope.capture.internal.MappedFile;
import org.kerbscope.capture.internal.NetmonParser;
import org.kerbscope.capture.internal.ParserReader;
import org.kerbscope.capture.internal.PcapParser;
import org.kerbscope.capture.internal.PcapngParser;
import org.kerbscope.capture.internal.RecordParser;
import org.kerbscope.capture.internal.SnoopParser;
import org.kerbscope.capture.internal.Spool;
import org.kerbscope.core.model.CaptureInfo;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;

/**
 * A capture file, mapped read-only. The format is found from the first bytes, never from the name: pcap
 * (either byte order, micro- or nanosecond), pcapng (either byte order), Network Monitor 1.x/2.x or snoop
 * (RFC 1761: Solaris, Check Point {@code fw monitor}), each also compressed with gzip, zstd or lz4 as Wireshark reads
 * them (decompressed into a temporary file first: {@link Spool}), or read from a stream
 * ({@link #open(java.io.InputStream, Path)}). Give it to {@link #reader()} for one streaming pass, or to
 * {@link #index()} for random access by frame number.
 * Several readers may run at once. Closing releases the file; frames handed out stay readable until the
 * garbage collector unmaps them.
 */
public final class CaptureFile implements AutoCloseable {
    public static final String PCAP = "pcap";
    public static final String PCAPNG = "pcapng";
    public static final String NETMON = "netmon";
    public static final String SNOOP = "snoop";

    private final MappedFile file;
    private final String format;
    /** The user's file (a compressed one: not the file mapped). */
    private final Path path;
    /** The decompressed copy to delete on close where it could not be deleted once mapped, or null. */
    private final Path temporary;
    /** What went wrong while decompressing (the frames before it are read), or null. */
    private final Diagnostic decompression;
    private volatile FrameIndex index;
    /** The index being built, readable meanwhile (see {@link #indexSoFar()}), or null. */
    private volatile FrameIndex building;
    /** Frames added to an index under its lock at a time: a reader waits for at most one batch (about a millisecond). */
    private static final int BATCH = 16_384;
    private List<Diagnostic> indexDiagnostics = List.of();

    private CaptureFile(MappedFile file, String format, Path path, Path temporary, Diagnostic decompression) {
        this.file = file;
        this.format = format;
        this.path = path;
        this.temporary = temporary;
        this.decompression = decompression;
    }

    /**
     * Opens and maps {@code path}.
     *
     * @throws IOException when the file cannot be read, or is not a capture file (the message says what it
     *                     starts with)
     */
    public static CaptureFile open(Path path) throws IOException {
        return open(path, MappedFile.DEFAULT_CHUNK_SHIFT, MappedFile.DEFAULT_OVERLAP);
    }

    /**
     * Opens {@code path} with mapping windows of {@code 2^chunkShift} bytes that overlap by {@code overlap}:
     * lets tests exercise the several-mappings path of files over 2 GiB with small files.
     */
    public static CaptureFile open(Path path, int chunkShift, int overlap) throws IOException {
        Detected d = sniff(path);
        if (d.compression() == null) {
            return new CaptureFile(MappedFile.open(path, chunkShift, overlap), d.format(), path, null, null);
        }
        return mapCopy(Spool.decompress(path, d.compression()), d.format(), path, chunkShift, overlap);
    }

    /**
     * A capture read from a stream (standard input: {@code tcpdump -w - | kerbscope analyze -}), compressed or not:
     * copied into a temporary file first, as a compressed file is.
     *
     * @param name what the capture is called ({@link #path()}; e.g. {@code -})
     * @throws IOException when the stream cannot be read, or holds no capture
     */
    public static CaptureFile open(java.io.InputStream in, Path name) throws IOException {
        Spool.Result r = Spool.copy(in);
        String fmt;
        try {
            byte[] head = new byte[16];
            int n;
            try (var f = Files.newInputStream(r.file())) {
                n = f.readNBytes(head, 0, head.length);
            }
            String what = "-".equals(String.valueOf(name)) ? "standard input" : String.valueOf(name);
            if (n < 4) {
                throw new IOException("not a capture file: " + what + " holds only " + n + " byte" + (n == 1 ? "" : "s")
                        + (r.problem() != null ? " (" + r.problem() + ")" : ""));
            }
            fmt = detect(head, n, what, what + ", ");
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(r.file());
            throw e;
        }
        return mapCopy(r, fmt, name, MappedFile.DEFAULT_CHUNK_SHIFT, MappedFile.DEFAULT_OVERLAP);
    }

    /** Maps a copy made by {@link Spool} and unlinks it where the system allows a mapped file to be. */
    private static CaptureFile mapCopy(Spool.Result r, String fmt, Path name, int chunkShift, int overlap)
            throws IOException {
        MappedFile m;
        try {
            m = MappedFile.open(r.file(), chunkShift, overlap);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(r.file());
            throw e;
        }
        Path left = null;
        try {
            Files.delete(r.file()); // POSIX: the mapping keeps the bytes, nothing stays behind even after a crash
        } catch (IOException e) {
            left = r.file(); // Windows: a mapped file stays until it is closed
        }
        Diagnostic d = r.problem() == null ? null : new Diagnostic(0,
                r.compression() != null ? r.compression().label : fmt, r.problem());
        return new CaptureFile(m, fmt, name, left, d);
    }

    /** A reader that owns the file: closing it closes the file. */
    public static CaptureReader openReader(Path path) throws IOException {
        CaptureFile f = open(path);
        return new ParserReader(f.parser(), f);
    }

    /**
     * The format of {@code path} from its first bytes.
     *
     * @throws IOException when it is none of the capture formats, with a one-line message
     */
    public static String detect(Path path) throws IOException {
        return sniff(path).format();
    }

    /** A capture's format, and what the file holds it compressed with (null: nothing). */
    private record Detected(String format, Spool.Compression compression) {
    }

    private static Detected sniff(Path path) throws IOException {
        byte[] head = new byte[16];
        int n;
        try (var in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String name = String.valueOf(path.getFileName());
        Spool.Compression c = Spool.Compression.of(head, n);
        if (c != null) {
            String how = name + ", " + c.label + "-compressed";
            byte[] inner;
            try {
                inner = Spool.head(path, c, head.length);
            } catch (IOException e) {
                throw new IOException("cannot read " + how + " data (" + e.getMessage() + ")", e);
            }
            if (inner.length < 4) {
                throw new IOException("not a capture file: " + how + ", holds only " + inner.length + " byte"
                        + (inner.length == 1 ? "" : "s"));
            }
            return new Detected(detect(inner, inner.length, name, how + ", holds data that "), c);
        }
        if (n < 4) {
            throw new IOException("not a capture file: " + name + ", it is only " + n + " byte" + (n == 1 ? "" : "s")
                    + " long");
        }
        return new Detected(detect(head, n, name, name + ", "), null);
    }

    /**
     * The format the first bytes show.
     *
     * @param name the file's name, for the hints
     * @param subject how the refusal names what holds the bytes, up to "starts with"
     */
    private static String detect(byte[] head, int n, String name, String subject) throws IOException {
        int be = ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        int le = Integer.reverseBytes(be);
        for (int magic : new int[] {PcapParser.MAGIC_USEC, PcapParser.MAGIC_NSEC, PcapParser.MAGIC_MODIFIED}) {
            if (be == magic || le == magic) {
                return PCAP;
            }
        }
        if (be == PcapngParser.SHB) {
            return PCAPNG;
        }
        if (le == NetmonParser.MAGIC_2X || le == NetmonParser.MAGIC_1X) {
            return NETMON;
        }
        if (n >= 8 && java.util.Arrays.equals(head, 0, 8, SnoopParser.MAGIC, 0, 8)) {
            return SNOOP;
        }
        String hint = "";
        String start = new String(head, 0, Math.min(n, 8), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (le == 0x184C2102) {
            hint = " (the lz4 legacy format: decompress it first, lz4 -d " + name + ")";
        } else if (start.startsWith("\u00fd7zXZ\0")) {
            hint = " (xz-compressed: decompress it first, xz -d " + name + ")";
        } else if (start.startsWith("BZh")) {
            hint = " (bzip2-compressed: decompress it first, bzip2 -d " + name + ")";
        } else if (start.startsWith("7z\u00bc\u00af\u0027\u001c")) {
            hint = " (a 7-Zip archive: extract the capture first)";
        } else if (n >= 8 && new String(head, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ElfFile\0")) {
            hint = " (a Windows event log: give it as evidence, kerbscope analyze --events " + name + ")";
        } else if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".etl")) {
            hint = " (a Windows event trace, from netsh trace or pktmon: convert it with pktmon etl2pcap " + name
                    + " --out capture.pcapng, or Microsoft's etl2pcapng, and open the pcapng)";
        } else if (be == 0x504B0304) {
            hint = " (a zip archive: extract the capture first)";
        }
        throw new IOException("not a capture file: " + subject + "starts with " + describe(head, Math.min(n, 8)) + hint);
    }

    private static String describe(byte[] b, int n) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
            char c = (char) (b[i] & 0xff);
            text.append(c >= 0x20 && c < 0x7f ? c : '.');
        }
        return hex + " \"" + text + "\"";
    }

    private RecordParser parser() {
        return parser(file);
    }

    private RecordParser parser(MappedFile file) {
        RecordParser p = switch (format) {
            case PCAP -> new PcapParser(file);
            case PCAPNG -> new PcapngParser(file);
            case SNOOP -> new SnoopParser(file);
            default -> new NetmonParser(file);
        };
        if (decompression != null) {
            p.note(decompression);
        }
        return p;
    }

    public String format() {
        return format;
    }

    /** The user's file (for a compressed capture, the compressed file). */
    public Path path() {
        return path;
    }

    /** Whether what is read is a copy (of a compressed file, decompressed, or of a stream), not the file itself. */
    public boolean copied() {
        return file.path() != path;
    }

    /** File size in bytes. */
    public long size() {
        return file.size();
    }

    /** A new pass over the frames from the first; the file stays open when the reader is closed. */
    public CaptureReader reader() {
        return new ParserReader(parser(), null);
    }

    /**
     * A new pass over the frames from the first, for one thread that reads the whole file once (the analysis): the
     * file is read into a buffer of the reader's own instead of through the mapping, whose page faults cost more than
     * the copy on virtual machines (see {@link MappedFile#streamed()}). The frames' objects hold copies of their
     * bytes; a {@link org.kerbscope.capture.FrameCursor}'s buffer is valid until the reader moves on. The file stays
     * open when the reader is closed.
     */
    public CaptureReader streamingReader() {
        return new ParserReader(parser(file.streamed()), null);
    }

    /** The frame index, built by one pass on first use (its diagnostics: {@link #diagnostics()}). */
    public FrameIndex index() {
        FrameIndex done = index;
        return done != null ? done : index(() -> false);
    }

    /**
     * The frame index, built by one pass on first use; while it is built, {@link #indexSoFar()} gives the frames
     * indexed so far to other threads (the workbench lists them as they come).
     *
     * @param cancelled asked between batches of frames: when it says so, the pass stops and null is returned
     *                  (the frames indexed so far stay readable; the next call starts again)
     */
    public synchronized FrameIndex index(java.util.function.BooleanSupplier cancelled) {
        FrameIndex done = index;
        if (done != null) {
            return done;
        }
        // through a buffer, not the mapping: the pass reads every record's header, so it would fault in every page
        // (the frames shown later are read through the mapping, a few pages each)
        RecordParser p = parser(file.streamed());
        FrameIndex idx = new FrameIndex();
        building = idx;
        boolean more = true;
        while (more) {
            java.util.concurrent.locks.Lock w = idx.writing();
            w.lock();
            try {
                for (int i = 0; i < BATCH && (more = p.advance()); i++) {
                    idx.add(p.dataOffset, p.timeNanos, p.capturedLength, p.originalLength, p.linkType, p.comment);
                }
            } finally {
                w.unlock();
            }
            if (more && cancelled.getAsBoolean()) {
                return null; // the frames indexed so far stay readable (indexSoFar) until the next pass
            }
        }
        indexDiagnostics = p.diagnostics();
        index = idx;
        building = null;
        return idx;
    }

    /**
     * The complete index, or the frames indexed so far while another thread builds it (null before that starts).
     * Never waits for the pass.
     */
    public FrameIndex indexSoFar() {
        FrameIndex done = index;
        return done != null ? done : building;
    }

    /** Whether the index is complete. */
    public boolean indexed() {
        return index != null;
    }

    /** Frame {@code n} (1-based) through the index (through the part indexed so far, when it holds the frame). */
    public Frame frame(long n) {
        FrameIndex idx = indexSoFar();
        if (idx == null || n > idx.size()) {
            idx = index();
        }
        java.util.concurrent.locks.Lock r = idx.reading();
        r.lock();
        try {
            return new Frame(n, idx.timeNanos(n), idx.linkType(n), idx.originalLength(n),
                    file.slice(idx.offset(n), idx.capturedLength(n)));
        } finally {
            r.unlock();
        }
    }

    /** The comment stored with frame {@code n}, or null. */
    public String comment(long n) {
        return index().comment(n);
    }

    /** What the index pass found wrong with the file (empty for a sound file). */
    public synchronized List<Diagnostic> diagnostics() {
        index();
        return indexDiagnostics;
    }

    /** Name, format, frame count and time span, from the index. */
    public CaptureInfo info() {
        FrameIndex idx = index();
        return new CaptureInfo(String.valueOf(path), format, idx.size(), idx.firstTime(), idx.lastTime());
    }

    /** Mappings used (more than one for files over 1 GiB). */
    public int mappings() {
        return file.windowCount();
    }

    @Override
    public void close() throws IOException {
        file.close();
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                temporary.toFile().deleteOnExit(); // still mapped by frames handed out
            }
        }
    }
}
