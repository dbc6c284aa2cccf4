package org.kerbscope.net.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;

/**
 * Writes a large, realistic capture for the scale benchmark (releng/bench): the lab's recorded scenarios
 * (real HTTP/Negotiate, Kerberos and DNS bytes, every success and failure kind) replayed thousands of times by
 * distinct clients, interleaved in time with traffic that carries no authentication: large HTTP downloads,
 * TLS sessions on 443 (bulk and interactive), SMB2 file copies and metadata operations on 445 (no session
 * set-up), and DNS noise.
 * <pre>
 *   BigScenarioCapture OUT.pcap SIZE [--seed N] [--samples DIR] [--auth-share F] [--dns-share F] [--first-client N]
 * </pre>
 * Defaults: seed 1, the lab's samples (bundles/org.kerbscope.lab/samples above the working directory), 3% of the
 * bytes in replays, 1% DNS noise, replay clients numbered from 0. Give captures meant to be concatenated different
 * {@code --first-client} values so that their replays do not share client addresses.
 * SIZE is in bytes with an optional k/m/g suffix (binary units); the file ends within one session of it.
 * The output is a little-endian pcap with nanosecond timestamps (link type Ethernet), frames in time order,
 * valid IPv4 and TCP/UDP checksums. The same arguments always give the same bytes (the seed drives every choice).
 * <p>
 * Replays keep the sample's own timestamps plus a shift under two minutes, so that the clocks written inside
 * the payloads (HTTP Date, Kerberos stime) stay as far from the capture clock as in the recording: a replay has
 * the same findings as its sample. Each replay gets its own client address (10.64.0.0/10) and client ports;
 * the domain controller 192.168.2.10 and the web server 192.168.2.104 stay as recorded.
 */
public final class BigScenarioCapture {
    static final long NS = 1_000_000_000L;
    /** The lab's client; each replay moves it to an address of its own. */
    static final int LAB_CLIENT = ip(192, 168, 2, 101);
    static final int DC = ip(192, 168, 2, 10);
    static final long MAX_SHIFT = 120 * NS;

    private final SplittableRandom rnd;
    private final byte[] noise = new byte[1 << 20];
    private final List<Sample> samples = new ArrayList<>();
    private int firstClient;
    private long windowStart;
    private long windowEnd;

    // output
    private FileChannel out;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private long frames;
    private long authFrames;
    private int replays;
    private final int[] kindCount = new int[Kind.values().length];

    enum Kind {
        REPLAY, HTTP_DOWNLOAD, SMB_COPY, SMB_META, TLS_BULK, TLS_INTERACTIVE, DNS_NOISE
    }

    private record Sample(String name, List<byte[]> frames, long[] times) {
        long bytes() {
            long n = 0;
            for (byte[] f : frames) {
                n += f.length + 16;
            }
            return n;
        }
    }

    /** A planned session: what, when it starts, and its own seed. */
    private record Plan(Kind kind, long start, long seed, int index) {
    }

    BigScenarioCapture(long seed) {
        rnd = new SplittableRandom(seed);
        new SplittableRandom(seed ^ 0x5DEECE66DL).nextBytes(noise);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: BigScenarioCapture OUT.pcap SIZE[k|m|g] [--seed N] [--samples DIR]"
                    + " [--auth-share F] [--dns-share F]");
            System.exit(2);
        }
        Path outPath = Path.of(args[0]);
        long size = parseSize(args[1]);
        long seed = 1;
        Path samplesDir = null;
        double authShare = 0.03, dnsShare = 0.01;
        int firstClient = 0;
        for (int i = 2; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--samples" -> samplesDir = Path.of(args[i + 1]);
                case "--auth-share" -> authShare = Double.parseDouble(args[i + 1]);
                case "--dns-share" -> dnsShare = Double.parseDouble(args[i + 1]);
                case "--first-client" -> firstClient = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (samplesDir == null) {
            samplesDir = findSamples();
        }
        BigScenarioCapture g = new BigScenarioCapture(seed);
        g.firstClient = firstClient;
        g.loadSamples(samplesDir);
        long t0 = System.nanoTime();
        g.write(outPath, size, authShare, dnsShare);
        System.out.printf("wrote %d frames, %d bytes to %s in %.1f s: %d scenario replays (%d frames), sessions %s%n",
                g.frames, g.written, outPath, (System.nanoTime() - t0) / 1e9, g.replays, g.authFrames,
                java.util.Arrays.toString(g.kindCount));
    }

    /**
     * Writes a capture from the given samples (for tests: a few MiB from one scenario).
     *
     * @return the number of frames written
     */
    public static long generate(List<Path> samples, Path out, long size, long seed, int firstClient) throws IOException {
        BigScenarioCapture g = new BigScenarioCapture(seed);
        g.firstClient = firstClient;
        g.loadSamples(samples);
        g.write(out, size, 0.03, 0.01);
        return g.frames;
    }

    static long parseSize(String s) {
        s = s.trim().toLowerCase(java.util.Locale.ROOT);
        long mul = 1;
        switch (s.charAt(s.length() - 1)) {
            case 'k' -> mul = 1L << 10;
            case 'm' -> mul = 1L << 20;
            case 'g' -> mul = 1L << 30;
            default -> {
            }
        }
        if (mul != 1) {
            s = s.substring(0, s.length() - 1);
        }
        return (long) (Double.parseDouble(s) * mul);
    }

    /** bundles/org.kerbscope.lab/samples above the working directory. */
    static Path findSamples() throws IOException {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("bundles/org.kerbscope.lab/samples");
            if (Files.isDirectory(s)) {
                return s;
            }
        }
        throw new IOException("no bundles/org.kerbscope.lab/samples above " + Path.of("").toAbsolutePath()
                + ": give --samples DIR");
    }

    void loadSamples(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".pcapng") || p.toString().endsWith(".pcap")).sorted().toList();
        }
        loadSamples(files);
    }

    void loadSamples(List<Path> files) throws IOException {
        windowStart = Long.MAX_VALUE;
        windowEnd = Long.MIN_VALUE;
        for (Path p : files) {
            List<byte[]> fs = new ArrayList<>();
            List<Long> ts = new ArrayList<>();
            try (CaptureReader r = CaptureFile.openReader(p)) {
                for (Frame f : r) {
                    if (f.linkType() != 1) {
                        throw new IOException(p + ": the samples must be Ethernet captures");
                    }
                    byte[] b = new byte[f.capturedLength()];
                    f.data().get(0, b);
                    fs.add(b);
                    ts.add(f.timeNanos());
                }
            }
            if (fs.isEmpty()) {
                continue;
            }
            long[] times = ts.stream().mapToLong(Long::longValue).toArray();
            samples.add(new Sample(p.getFileName().toString(), fs, times));
            windowStart = Math.min(windowStart, times[0]);
            windowEnd = Math.max(windowEnd, times[times.length - 1] + MAX_SHIFT);
        }
        if (samples.isEmpty()) {
            throw new IOException("no sample captures in " + files);
        }
    }

    // ------------------------------------------------------------------ plan and merge

    /** Typical bytes of one session of each kind, to turn byte shares into session counts. */
    private long typicalBytes(Kind k) {
        return switch (k) {
            case REPLAY -> samples.stream().mapToLong(Sample::bytes).sum() / samples.size();
            case HTTP_DOWNLOAD -> 16L << 20;
            case SMB_COPY -> 24L << 20;
            case SMB_META -> 120 * 3 * 160L;
            case TLS_BULK -> 8L << 20;
            case TLS_INTERACTIVE -> 150 * 3 * 260L;
            case DNS_NOISE -> 60 * 2 * 115L;
        };
    }

    void write(Path outPath, long size, double authShare, double dnsShare) throws IOException {
        // Byte shares: about 57% of the bytes in full-sized segments and the rest in small packets, so that the
        // mean frame is near 380 bytes (4 GiB hold over 10 million frames, as on a busy server).
        double rest = 1 - authShare - dnsShare;
        double[] share = new double[Kind.values().length];
        share[Kind.REPLAY.ordinal()] = authShare;
        share[Kind.DNS_NOISE.ordinal()] = dnsShare;
        share[Kind.HTTP_DOWNLOAD.ordinal()] = rest * 0.21;
        share[Kind.SMB_COPY.ordinal()] = rest * 0.21;
        share[Kind.TLS_BULK.ordinal()] = rest * 0.16;
        share[Kind.SMB_META.ordinal()] = rest * 0.14;
        share[Kind.TLS_INTERACTIVE.ordinal()] = rest * 0.28;
        List<Plan> plans = new ArrayList<>();
        long span = windowEnd - windowStart;
        for (Kind k : Kind.values()) {
            long n = Math.round(size * share[k.ordinal()] / typicalBytes(k));
            if (k == Kind.REPLAY) {
                n = Math.max(samples.size(), n);
            }
            for (long i = 0; i < n; i++) {
                long start;
                if (k == Kind.REPLAY) {
                    start = rnd.nextLong(MAX_SHIFT); // a shift: the replay keeps the sample's clock
                } else {
                    start = windowStart + rnd.nextLong(Math.max(1, span - 30 * NS));
                }
                // every scenario the same number of times, in a seeded order
                int index = k == Kind.REPLAY ? (int) (i % samples.size()) : (int) i;
                plans.add(new Plan(k, start, rnd.nextLong(), index));
            }
        }
        // replays start at their sample's first frame, shifted
        plans.replaceAll(p -> p.kind == Kind.REPLAY ? new Plan(p.kind, samples.get(p.index).times[0] + p.start, p.seed,
                p.index) : p);
        plans.sort(Comparator.comparingLong(Plan::start).thenComparingLong(Plan::seed));

        try (FileChannel ch = FileChannel.open(outPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out = ch;
            // pcap header: nanosecond magic, version 2.4, snaplen 262144, Ethernet
            buf.putInt(0xA1B23C4D).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
            PriorityQueue<Session> active = new PriorityQueue<>(
                    Comparator.comparingLong((Session s) -> s.time).thenComparingLong(s -> s.id));
            int next = 0;
            long ids = 0;
            int replayNo = 0;
            while (next < plans.size() || !active.isEmpty()) {
                if (next < plans.size() && (active.isEmpty() || plans.get(next).start <= active.peek().time)) {
                    Plan p = plans.get(next++);
                    Session s = session(p, p.kind == Kind.REPLAY ? firstClient + replayNo++ : 0);
                    s.id = ids++;
                    kindCount[p.kind.ordinal()]++;
                    if (s.refill()) {
                        active.add(s);
                    }
                    continue;
                }
                Session s = active.poll();
                Pending f = s.queue.poll();
                record(f.time, f.bytes);
                if (s.kind == Kind.REPLAY) {
                    authFrames++;
                }
                if (!s.queue.isEmpty() || s.refill()) {
                    s.time = s.queue.peek().time;
                    active.add(s);
                }
            }
            replays = replayNo;
            flush();
        }
    }

    private Session session(Plan p, int replayNo) {
        SplittableRandom r = new SplittableRandom(p.seed);
        return switch (p.kind) {
            case REPLAY -> new Replay(samples.get(p.index), replayNo, p.start - samples.get(p.index).times[0]);
            case HTTP_DOWNLOAD -> new HttpDownload(r, p.start);
            case SMB_COPY -> new SmbCopy(r, p.start, false);
            case SMB_META -> new SmbCopy(r, p.start, true);
            case TLS_BULK -> new Tls(r, p.start, false);
            case TLS_INTERACTIVE -> new Tls(r, p.start, true);
            case DNS_NOISE -> new DnsNoise(r, p.start);
        };
    }

    private void record(long timeNanos, byte[] frame) throws IOException {
        if (buf.remaining() < frame.length + 16) {
            flush();
        }
        buf.putInt((int) (timeNanos / NS)).putInt((int) (timeNanos % NS)).putInt(frame.length).putInt(frame.length);
        buf.put(frame);
        frames++;
        written += frame.length + 16;
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }

    // ------------------------------------------------------------------ sessions

    private record Pending(long time, byte[] bytes) {
    }

    /** A source of frames in time order; {@link #refill} queues the next few (false when it is over). */
    private abstract static class Session {
        final Kind kind;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        long time;
        long id;

        Session(Kind kind, long start) {
            this.kind = kind;
            this.time = start;
        }

        abstract boolean more();

        boolean refill() {
            while (queue.isEmpty()) {
                if (!more()) {
                    return false;
                }
            }
            time = queue.peek().time;
            return true;
        }
    }

    /** A lab scenario with a new client address and client ports, its times shifted. */
    private final class Replay extends Session {
        private final Sample sample;
        private final int client;
        private final int portShift;
        private final long shift;
        private boolean done;

        Replay(Sample s, int n, long shift) {
            super(Kind.REPLAY, s.times[0] + shift);
            this.sample = s;
            this.client = ip(10, 64 + ((n >>> 16) & 63), (n >>> 8) & 255, n & 255);
            this.portShift = (n * 7919) % 28000;
            this.shift = shift;
        }

        @Override
        boolean more() {
            if (done) {
                return false;
            }
            done = true;
            for (int i = 0; i < sample.frames.size(); i++) {
                queue.add(new Pending(sample.times[i] + shift, readdress(sample.frames.get(i).clone())));
            }
            return true;
        }

        private byte[] readdress(byte[] f) {
            int ip = 14;
            if (f.length < ip + 20 || u16(f, 12) != 0x0800 || (f[ip] & 0xf0) != 0x40) {
                return f;
            }
            int ihl = (f[ip] & 15) * 4;
            int proto = f[ip + 9] & 0xff;
            int l4 = ip + ihl;
            boolean fromClient = getInt(f, ip + 12) == LAB_CLIENT;
            boolean toClient = getInt(f, ip + 16) == LAB_CLIENT;
            if (!fromClient && !toClient) {
                return f;
            }
            putInt(f, fromClient ? ip + 12 : ip + 16, client);
            if ((proto == 6 || proto == 17) && f.length >= l4 + 8 && (u16(f, ip + 6) & 0x1FFF) == 0) {
                int at = fromClient ? l4 : l4 + 2;
                int p = u16(f, at);
                if (p >= 32768) {
                    // ephemeral ports move within 32768-60767, the same way for every port of this replay
                    putShort(f, at, 32768 + (p - 32768 + portShift) % 28000);
                }
            }
            int total = u16(f, ip + 2);
            int end = Math.min(f.length, ip + total);
            ipChecksum(f, ip, ihl);
            transportChecksum(f, ip, l4, end, proto);
            return f;
        }
    }

    /** Common TCP mechanics: handshake, segmentation at 1460 bytes, an ACK every second segment, close. */
    private abstract class Tcp extends Session {
        final SplittableRandom r;
        final int cli, srv, cport, sport;
        long cseq, sseq;
        long t;
        /** Nanoseconds per full-sized segment on the wire. */
        long pace;
        int stage;

        Tcp(Kind kind, SplittableRandom r, long start, int cli, int srv, int cport, int sport, long pace) {
            super(kind, start);
            this.r = r;
            this.cli = cli;
            this.srv = srv;
            this.cport = cport;
            this.sport = sport;
            this.t = start;
            this.pace = pace;
            cseq = r.nextInt() & 0xffffffffL;
            sseq = r.nextInt() & 0xffffffffL;
        }

        void add(long gap, byte[] frame) {
            t += gap;
            queue.add(new Pending(t, frame));
        }

        void handshake() {
            long rtt = 200_000 + r.nextLong(2_000_000);
            add(0, tcp(cli, srv, cport, sport, cseq, 0, 0x02, noise, 0, 0));
            add(rtt / 2, tcp(srv, cli, sport, cport, sseq, cseq + 1, 0x12, noise, 0, 0));
            add(rtt / 2, tcp(cli, srv, cport, sport, cseq + 1, sseq + 1, 0x10, noise, 0, 0));
            cseq++;
            sseq++;
        }

        /** Sends {@code len} bytes (the head from {@code head}, the rest noise) from one side, ACKed by the other. */
        void send(boolean fromClient, byte[] head, long len, long firstGap) {
            long sent = 0;
            int seg = 0;
            long gap = firstGap;
            while (sent < len) {
                int n = (int) Math.min(1460, len - sent);
                byte[] src;
                int off;
                if (sent < head.length) {
                    n = (int) Math.min(n, head.length - sent);
                    src = head;
                    off = (int) sent;
                } else {
                    src = noise;
                    off = (int) ((sent * 31 + seg) % (noise.length - 1460));
                }
                boolean last = sent + n >= len;
                int flags = last ? 0x18 : 0x10;
                if (fromClient) {
                    add(gap, tcp(cli, srv, cport, sport, cseq, sseq, flags, src, off, n));
                    cseq += n;
                } else {
                    add(gap, tcp(srv, cli, sport, cport, sseq, cseq, flags, src, off, n));
                    sseq += n;
                }
                gap = pace * n / 1460 + 1;
                sent += n;
                seg++;
                if (seg % 2 == 0 || last) {
                    ack(!fromClient, 20_000);
                }
            }
        }

        void ack(boolean fromClient, long gap) {
            if (fromClient) {
                add(gap, tcp(cli, srv, cport, sport, cseq, sseq, 0x10, noise, 0, 0));
            } else {
                add(gap, tcp(srv, cli, sport, cport, sseq, cseq, 0x10, noise, 0, 0));
            }
        }

        void close() {
            add(1_000_000, tcp(cli, srv, cport, sport, cseq, sseq, 0x11, noise, 0, 0));
            add(150_000, tcp(srv, cli, sport, cport, sseq, cseq + 1, 0x11, noise, 0, 0));
            add(150_000, tcp(cli, srv, cport, sport, cseq + 1, sseq + 1, 0x10, noise, 0, 0));
        }
    }

    private int bulkClient(SplittableRandom r) {
        int c = r.nextInt(6000);
        return ip(172, 16 + (c >>> 8 & 15), c & 255, 10 + r.nextInt(200));
    }

    private static int ephemeral(SplittableRandom r) {
        return 49152 + r.nextInt(16000);
    }

    /** GET of a large file from an intranet web server, no authentication asked. */
    private final class HttpDownload extends Tcp {
        final long size;

        HttpDownload(SplittableRandom r, long start) {
            super(Kind.HTTP_DOWNLOAD, r, start, bulkClient(r), ip(192, 168, 4, 20 + r.nextInt(8)), ephemeral(r), 80,
                    60_000 + r.nextLong(120_000));
            size = (1L << 20) + r.nextLong(31L << 20);
        }

        @Override
        boolean more() {
            switch (stage++) {
                case 0 -> handshake();
                case 1 -> {
                    String req = "GET /downloads/build-" + Long.toHexString(size) + ".zip HTTP/1.1\r\nHost: files.contoso.com\r\n"
                            + "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\nAccept: */*\r\n"
                            + "Accept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n";
                    byte[] q = req.getBytes(StandardCharsets.US_ASCII);
                    send(true, q, q.length, 0);
                    String resp = "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: " + size
                            + "\r\nServer: Microsoft-IIS/10.0\r\nDate: Wed, 25 Nov 2026 15:00:00 GMT\r\n"
                            + "Accept-Ranges: bytes\r\n\r\n";
                    byte[] h = resp.getBytes(StandardCharsets.US_ASCII);
                    send(false, h, h.length + size, 2_000_000);
                }
                case 2 -> close();
                default -> {
                    return false;
                }
            }
            return true;
        }
    }

    /** An SMB2 connection with no session set-up captured: large READs (a file copy) or small metadata calls. */
    private final class SmbCopy extends Tcp {
        final boolean meta;
        long remaining;
        long msgId = 100;
        final long session;
        final int readSize;

        SmbCopy(SplittableRandom r, long start, boolean meta) {
            super(meta ? Kind.SMB_META : Kind.SMB_COPY, r, start, bulkClient(r), ip(192, 168, 3, 10 + r.nextInt(4)),
                    ephemeral(r), 445, 50_000 + r.nextLong(60_000));
            this.meta = meta;
            remaining = meta ? 80 + r.nextInt(80) : (4L << 20) + r.nextLong(40L << 20);
            session = r.nextLong() & 0x0000_7fff_ffff_ffffL;
            // Windows copies with 1 MiB reads; older clients and small files read 64 KiB at a time
            readSize = r.nextInt(4) == 0 ? 65536 : 1 << 20;
        }

        byte[] header(int command, boolean response, int bodyLen) {
            ByteBuffer b = ByteBuffer.allocate(4 + 64 + bodyLen).order(ByteOrder.LITTLE_ENDIAN);
            int len = 64 + bodyLen;
            b.put((byte) 0).put((byte) (len >>> 16)).put((byte) (len >>> 8)).put((byte) len);
            b.put((byte) 0xFE).put((byte) 'S').put((byte) 'M').put((byte) 'B');
            b.putShort((short) 64).putShort((short) 1).putInt(0).putShort((short) command).putShort((short) 1)
                    .putInt(response ? 1 : 0).putInt(0).putLong(msgId).putInt(0).putInt(5).putLong(session);
            b.put(new byte[16]);
            return b.array();
        }

        @Override
        boolean more() {
            if (stage == 0) {
                stage = 1;
                handshake();
                return true;
            }
            if (remaining <= 0) {
                if (stage++ == 1) {
                    close();
                    return true;
                }
                return false;
            }
            msgId++;
            if (meta) {
                // QUERY_INFO (file attributes) and CLOSE exchanges: a few hundred bytes each, as in a directory walk
                boolean query = remaining % 2 == 0;
                ByteBuffer q = ByteBuffer.wrap(header(query ? 16 : 6, false, query ? 41 : 24)).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer a = ByteBuffer.wrap(header(query ? 16 : 6, true, query ? 8 + 56 : 60)).order(ByteOrder.LITTLE_ENDIAN);
                if (query) {
                    q.putShort(68, (short) 41).put(70, (byte) 1).put(71, (byte) 0x22).putInt(72, 56).putLong(92, r.nextLong())
                            .putLong(100, r.nextLong());
                    a.putShort(68, (short) 9).putShort(70, (short) 72).putInt(72, 56);
                    for (int i = 76; i < a.capacity(); i++) {
                        a.put(i, noise[i + (int) remaining]);
                    }
                } else {
                    q.putShort(68, (short) 24).putLong(76, r.nextLong()).putLong(84, r.nextLong());
                    a.putShort(68, (short) 60);
                }
                send(true, q.array(), q.capacity(), 5_000_000 + r.nextLong(40_000_000));
                send(false, a.array(), a.capacity(), 300_000 + r.nextLong(700_000));
                remaining--;
            } else {
                int n = (int) Math.min(readSize, remaining);
                ByteBuffer q = ByteBuffer.wrap(header(8, false, 49)).order(ByteOrder.LITTLE_ENDIAN);
                q.putShort(68, (short) 49).putInt(72, n).putLong(76, 1L << 20);
                send(true, q.array(), q.capacity(), 100_000);
                byte[] a = header(8, true, 16);
                ByteBuffer ab = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
                ab.put(1, (byte) ((64 + 16 + n) >>> 16)).put(2, (byte) ((64 + 16 + n) >>> 8)).put(3, (byte) (64 + 16 + n));
                ab.putShort(68, (short) 17).put(70, (byte) 0x50).putInt(72, n);
                send(false, a, a.length + n, 400_000);
                remaining -= n;
            }
            return true;
        }
    }

    /** A TLS 1.2/1.3 session on 443: handshake, then big records (a download) or small ones (a web app). */
    private final class Tls extends Tcp {
        final boolean interactive;
        int rounds;

        Tls(SplittableRandom r, long start, boolean interactive) {
            super(interactive ? Kind.TLS_INTERACTIVE : Kind.TLS_BULK, r, start, bulkClient(r),
                    ip(203, 0, 113, 1 + r.nextInt(40)), ephemeral(r), 443, 70_000 + r.nextLong(100_000));
            this.interactive = interactive;
            rounds = interactive ? 100 + r.nextInt(100) : 2 + r.nextInt(12);
        }

        /** TLS records of {@code type} holding {@code len} payload bytes in all, at most 16 KiB each. */
        byte[] records(int type, int len) {
            int n = (len + 16383) / 16384;
            byte[] b = new byte[len + 5 * n];
            int p = 0;
            for (int left = len; left > 0;) {
                int k = Math.min(left, 16384);
                b[p] = (byte) type;
                b[p + 1] = 3;
                b[p + 2] = 3;
                b[p + 3] = (byte) (k >>> 8);
                b[p + 4] = (byte) k;
                System.arraycopy(noise, r.nextInt(noise.length - k), b, p + 5, k);
                if (type == 22 && p == 0) {
                    b[5] = 1; // a ClientHello / ServerHello handshake message
                }
                p += 5 + k;
                left -= k;
            }
            return b;
        }

        void sendRecords(boolean fromClient, byte[] stream, long gap) {
            send(fromClient, stream, stream.length, gap);
        }

        @Override
        boolean more() {
            if (stage == 0) {
                stage = 1;
                handshake();
                sendRecords(true, records(22, 512), 100_000);
                sendRecords(false, records(22, 4000), 2_000_000);
                byte[] ccs = records(20, 1);
                byte[] fin = records(22, 40);
                byte[] both = java.util.Arrays.copyOf(ccs, ccs.length + fin.length);
                System.arraycopy(fin, 0, both, ccs.length, fin.length);
                sendRecords(true, both, 200_000);
                return true;
            }
            if (rounds <= 0) {
                if (stage++ == 1) {
                    close();
                    return true;
                }
                return false;
            }
            rounds--;
            if (interactive) {
                sendRecords(true, records(23, 60 + r.nextInt(500)), 20_000_000 + r.nextLong(200_000_000));
                sendRecords(false, records(23, 80 + r.nextInt(900)), 2_000_000 + r.nextLong(20_000_000));
            } else {
                sendRecords(true, records(23, 300 + r.nextInt(300)), 1_000_000);
                // a response of 256 KiB to 1.25 MiB: a run of 16 KiB application-data records
                sendRecords(false, records(23, (256 << 10) + r.nextInt(1 << 20)), 3_000_000);
            }
            return true;
        }
    }

    /** A client resolving ordinary names at the domain controller: queries and NOERROR answers. */
    private final class DnsNoise extends Session {
        final SplittableRandom r;
        final int cli;
        int left;
        long t;

        DnsNoise(SplittableRandom r, long start) {
            super(Kind.DNS_NOISE, start);
            this.r = r;
            this.cli = bulkClient(r);
            this.left = 30 + r.nextInt(60);
            this.t = start;
        }

        @Override
        boolean more() {
            if (left-- <= 0) {
                return false;
            }
            t += 1_000_000 + r.nextLong(500_000_000);
            String name = new String[] {"www", "mail", "fs", "app", "cdn", "sql", "print", "wsus"}[r.nextInt(8)]
                    + r.nextInt(400) + "." + new String[] {"contoso.com", "corp.contoso.com", "fabrikam.com"}[r.nextInt(3)];
            int id = r.nextInt(65536);
            int port = ephemeral(r);
            ByteBuffer q = ByteBuffer.allocate(300);
            q.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putInt(0);
            for (String label : name.split("\\.")) {
                q.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
            }
            q.put((byte) 0).putShort((short) 1).putShort((short) 1);
            int qlen = q.position();
            byte[] query = java.util.Arrays.copyOf(q.array(), qlen);
            queue.add(new Pending(t, udp(cli, DC, port, 53, query)));
            ByteBuffer a = ByteBuffer.allocate(qlen + 16);
            a.put(query);
            a.putShort(2, (short) 0x8580).putShort(6, (short) 1);
            a.putShort((short) 0xC00C).putShort((short) 1).putShort((short) 1).putInt(3600).putShort((short) 4)
                    .putInt(ip(192, 168, 5 + r.nextInt(20), 1 + r.nextInt(250)));
            t += 100_000 + r.nextLong(900_000);
            queue.add(new Pending(t, udp(DC, cli, 53, port, a.array())));
            return true;
        }
    }

    // ------------------------------------------------------------------ packet building

    private static final byte[] MAC_A = {0, 0x15, 0x5d, 1, 2, 3};
    private static final byte[] MAC_B = {0, 0x15, 0x5d, 4, 5, 6};

    static byte[] tcp(int src, int dst, int sp, int dp, long seq, long ack, int flags, byte[] data, int off, int len) {
        int total = 20 + 20 + len;
        byte[] f = new byte[Math.max(60, 14 + total)];
        eth(f, src < dst);
        ipv4(f, total, 6, src, dst);
        int t = 34;
        putShort(f, t, sp);
        putShort(f, t + 2, dp);
        putInt(f, t + 4, (int) seq);
        putInt(f, t + 8, (flags & 0x10) != 0 ? (int) ack : 0);
        f[t + 12] = 0x50;
        f[t + 13] = (byte) flags;
        putShort(f, t + 14, 64240);
        System.arraycopy(data, off, f, t + 20, len);
        transportChecksum(f, 14, t, 14 + total, 6);
        return f;
    }

    static byte[] udp(int src, int dst, int sp, int dp, byte[] payload) {
        int total = 20 + 8 + payload.length;
        byte[] f = new byte[Math.max(60, 14 + total)];
        eth(f, src < dst);
        ipv4(f, total, 17, src, dst);
        putShort(f, 34, sp);
        putShort(f, 36, dp);
        putShort(f, 38, 8 + payload.length);
        System.arraycopy(payload, 0, f, 42, payload.length);
        transportChecksum(f, 14, 34, 14 + total, 17);
        return f;
    }

    private static void eth(byte[] f, boolean ab) {
        System.arraycopy(ab ? MAC_B : MAC_A, 0, f, 0, 6);
        System.arraycopy(ab ? MAC_A : MAC_B, 0, f, 6, 6);
        putShort(f, 12, 0x0800);
    }

    private static void ipv4(byte[] f, int total, int proto, int src, int dst) {
        f[14] = 0x45;
        putShort(f, 16, total);
        putShort(f, 20, 0x4000);
        f[22] = (byte) (proto == 17 ? 128 : 64);
        f[23] = (byte) proto;
        putInt(f, 26, src);
        putInt(f, 30, dst);
        ipChecksum(f, 14, 20);
    }

    static void ipChecksum(byte[] f, int ip, int ihl) {
        putShort(f, ip + 10, 0);
        long sum = 0;
        for (int i = ip; i < ip + ihl; i += 2) {
            sum += u16(f, i);
        }
        putShort(f, ip + 10, fold(sum) ^ 0xffff);
    }

    /** TCP or UDP checksum over the pseudo-header and the segment {@code [l4, end)}. */
    static void transportChecksum(byte[] f, int ip, int l4, int end, int proto) {
        int at = proto == 6 ? l4 + 16 : l4 + 6;
        if (at + 2 > end || end > f.length) {
            return;
        }
        putShort(f, at, 0);
        long sum = u16(f, ip + 12) + u16(f, ip + 14) + u16(f, ip + 16) + u16(f, ip + 18) + proto + (end - l4);
        int i = l4;
        for (; i + 1 < end; i += 2) {
            sum += ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (f[i] & 0xff) << 8;
        }
        int c = fold(sum) ^ 0xffff;
        if (proto == 17 && c == 0) {
            c = 0xffff;
        }
        putShort(f, at, c);
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    static int u16(byte[] f, int i) {
        return (f[i] & 0xff) << 8 | (f[i + 1] & 0xff);
    }

    static int getInt(byte[] f, int i) {
        return u16(f, i) << 16 | u16(f, i + 2);
    }

    static void putShort(byte[] f, int i, int v) {
        f[i] = (byte) (v >>> 8);
        f[i + 1] = (byte) v;
    }

    static void putInt(byte[] f, int i, int v) {
        putShort(f, i, v >>> 16);
        putShort(f, i + 2, v);
    }
}
