package org.kerbscope.capture.live;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.kerbscope.capture.PcapngWriter;
import org.kerbscope.core.model.Frame;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

/**
 * The only class that touches pcap4j. It reads raw bytes only ({@code getNextRawPacket}), so pcap4j's
 * packet factories (found through ServiceLoader, fragile inside OSGi) are never needed.
 */
final class Pcap4jSession {
    private static final int READ_TIMEOUT_MS = 100;

    private final PcapHandle handle;
    private final PcapngWriter writer;
    private final LiveCaptureListener listener;
    private final Path output;
    private final int linkType;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long frames;
    private volatile Exception failure;

    private Pcap4jSession(PcapHandle handle, PcapngWriter writer, LiveCaptureListener listener, Path output,
            int linkType, String iface) {
        this.handle = handle;
        this.writer = writer;
        this.listener = listener;
        this.output = output;
        this.linkType = linkType;
        this.thread = new Thread(this::run, "Kerbscope live capture on " + iface);
        thread.setDaemon(true);
    }

    static List<CaptureInterface> interfaces() throws LiveCaptureException {
        List<PcapNetworkInterface> devs;
        try {
            devs = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw translate(null, e);
        }
        List<CaptureInterface> out = new ArrayList<>();
        for (PcapNetworkInterface d : devs) {
            List<String> addrs = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                if (a.getAddress() != null) {
                    addrs.add(a.getAddress().getHostAddress());
                }
            }
            out.add(new CaptureInterface(d.getName(), d.getDescription() == null ? "" : d.getDescription(),
                    List.copyOf(addrs), d.isLoopBack(), d.isUp()));
        }
        return List.copyOf(out);
    }

    static Pcap4jSession start(String iface, String filter, Path output, LiveCaptureListener listener)
            throws LiveCaptureException {
        PcapHandle h = null;
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(iface);
            if (nif == null) {
                throw new LiveCaptureException("There is no network interface called \"" + iface
                        + "\"; pick one from the list of interfaces.", null);
            }
            h = nif.openLive(LiveCapture.SNAPLEN, PcapNetworkInterface.PromiscuousMode.PROMISCUOUS, READ_TIMEOUT_MS);
            try {
                h.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            } catch (PcapNativeException e) {
                throw new LiveCaptureException("The capture filter \"" + filter + "\" is not valid BPF: "
                        + e.getMessage(), e);
            }
            int dlt = h.getDlt().value();
            PcapngWriter w = new PcapngWriter(Files.newOutputStream(output), "Kerbscope live capture");
            w.addInterface(dlt, LiveCapture.SNAPLEN, iface);
            w.flush();
            Pcap4jSession s = new Pcap4jSession(h, w, listener, output, dlt, iface);
            s.thread.start();
            return s;
        } catch (PcapNativeException e) {
            close(h);
            throw translate(iface, e);
        } catch (IOException e) {
            close(h);
            throw new LiveCaptureException("Cannot write the capture file " + output + ": " + e.getMessage(), e);
        } catch (NotOpenException e) {
            close(h);
            throw new LiveCaptureException("The capture on " + iface + " closed while starting.", e);
        } catch (LiveCaptureException e) {
            close(h);
            throw e;
        }
    }

    private static void close(PcapHandle h) {
        if (h != null) {
            h.close();
        }
    }

    /** libpcap says "permission" in one of several ways; anything else is reported as it is. */
    static LiveCaptureException translate(String iface, PcapNativeException e) {
        String m = String.valueOf(e.getMessage());
        String l = m.toLowerCase(Locale.ROOT);
        if (l.contains("permission") || l.contains("not permitted") || l.contains("access is denied")
                || l.contains("access denied")) {
            return new CapturePermissionException(CapturePermissionException.advice(iface), e);
        }
        return new LiveCaptureException("libpcap refused to capture" + (iface == null ? "" : " on " + iface) + ": "
                + m, e);
    }

    private void run() {
        try {
            // pcap_loop until stop() breaks it; libpcap wakes the loop up even when no packet comes.
            handle.loop(-1, (RawPacketListener) this::packet);
        } catch (InterruptedException e) {
            // breakLoop(): the normal way to stop.
        } catch (PcapNativeException | NotOpenException e) {
            if (failure == null) {
                failure = e;
            }
        } finally {
            try {
                writer.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
            handle.close();
            try {
                listener.stopped(failure);
            } catch (RuntimeException e) {
                // Nothing is left to tell.
            }
        }
    }

    private void packet(byte[] p) {
        if (stopping) {
            return;
        }
        Timestamp ts = handle.getTimestamp();
        long nanos = ts == null ? System.currentTimeMillis() * 1_000_000L
                : Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
        Integer orig = handle.getOriginalLength();
        int len = orig == null ? p.length : orig;
        try {
            writer.write(0, nanos, ByteBuffer.wrap(p), len, null);
            // Flushed per packet so that a reader of the file sees it whole; capture rates here are modest.
            writer.flush();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
            breakLoop();
            return;
        }
        long n = ++frames;
        try {
            listener.frame(new Frame(n, nanos, linkType, len, ByteBuffer.wrap(p).asReadOnlyBuffer()));
        } catch (RuntimeException e) {
            // A failing follower must not lose the recording; it hears about it when the capture stops.
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void breakLoop() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // Already closed: the loop has ended.
        }
    }

    long frames() {
        return frames;
    }

    Path output() {
        return output;
    }

    boolean running() {
        return thread.isAlive();
    }

    void stop() {
        stopping = true;
        if (thread.isAlive()) {
            breakLoop();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
