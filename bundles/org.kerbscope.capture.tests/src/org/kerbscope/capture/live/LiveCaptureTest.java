package org.kerbscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;
import org.pcap4j.core.PcapNativeException;

/** The privilege advice, and a real capture on loopback where libpcap and the privilege are available. */
class LiveCaptureTest {
    @TempDir
    Path dir;

    @Test
    void permissionProblemsBecomeAdviceNotAStackTrace() {
        LiveCaptureException e = Pcap4jSession.translate("eth0",
                new PcapNativeException("eth0: You don't have permission to capture on that device (socket: Operation not permitted)"));
        assertInstanceOf(CapturePermissionException.class, e);
        assertTrue(e.getMessage().contains("root") && e.getMessage().contains("setcap cap_net_raw,cap_net_admin=eip"),
                e.getMessage());
        assertTrue(e.getMessage().contains("/java"), "names the java binary to grant: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void aLibraryThatFailedOnceIsNamedEveryTime() {
        // the JVM's answer to a class whose initialiser failed before, with that first failure as its cause
        UnsatisfiedLinkError first = new UnsatisfiedLinkError("Unable to load library 'pcap': libpcap.so: cannot open"
                + " shared object file: No such file or directory");
        ExceptionInInitializerError init = new ExceptionInInitializerError(first);
        NoClassDefFoundError later = new NoClassDefFoundError("Could not initialize class org.pcap4j.core.Pcaps");
        later.initCause(init);
        String why = LiveCapture.why(later);
        assertTrue(why.startsWith("Could not initialize class org.pcap4j.core.Pcaps: Unable to load library 'pcap'"), why);
        assertEquals("Unable to load library 'pcap': libpcap.so: cannot open shared object file: No such file or directory",
                LiveCapture.why(first), "a first failure is named as it is");
        assertEquals(null, LiveCapture.missingClass(later), "libpcap is missing, not a class");
    }

    /**
     * pcap4j without slf4j (the ui tests' runtime had no slf4j): the JVM keeps only the first failure's text, and the
     * advice is the installation, not libpcap.
     */
    @Test
    void aMissingPartOfTheCaptureLibraryIsNotCalledAMissingLibpcap() {
        NoClassDefFoundError later = new NoClassDefFoundError("Could not initialize class org.pcap4j.core.Pcaps");
        later.initCause(new ExceptionInInitializerError(
                "Exception java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory [in thread \"WorkbenchTestable\"]"));
        assertEquals("org.slf4j.LoggerFactory", LiveCapture.missingClass(later));
        assertEquals("Could not initialize class org.pcap4j.core.Pcaps: org/slf4j/LoggerFactory", LiveCapture.why(later));
        assertEquals("org.slf4j.LoggerFactory", LiveCapture.missingClass(new NoClassDefFoundError("org/slf4j/LoggerFactory")),
                "the first failure itself");
    }

    @Test
    void otherLibpcapErrorsAreReportedAsTheyAre() {
        LiveCaptureException e = Pcap4jSession.translate("nope0", new PcapNativeException("nope0: No such device exists"));
        assertEquals(LiveCaptureException.class, e.getClass());
        assertTrue(e.getMessage().contains("No such device"), e.getMessage());
    }

    @Test
    void recordsLoopbackTrafficToPcapngWhileTheListenerFollows() throws Exception {
        List<CaptureInterface> ifs;
        try {
            ifs = LiveCapture.interfaces();
        } catch (LiveCaptureException e) {
            assumeTrue(false, "skipped: " + e.getMessage());
            return;
        }
        CaptureInterface lo = ifs.stream().filter(CaptureInterface::loopback).findFirst().orElse(null);
        assumeTrue(lo != null, "skipped: no loopback interface visible to libpcap");
        Path out = dir.resolve("live.pcapng");
        List<Frame> seen = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        LiveCaptureListener l = new LiveCaptureListener() {
            @Override
            public void frame(Frame frame) {
                seen.add(frame);
                three.countDown();
            }

            @Override
            public void stopped(Exception error) {
                failure.set(error);
                stopped.countDown();
            }
        };
        LiveCapture c;
        try {
            c = LiveCapture.start(lo.name(), "udp port 48888", out, l);
        } catch (CapturePermissionException e) {
            assumeTrue(false, "skipped (no capture privilege): " + e.getMessage());
            return;
        }
        try (c; DatagramSocket s = new DatagramSocket()) {
            Thread.sleep(300); // libpcap needs a moment before the first packet is seen
            for (int i = 0; i < 3; i++) {
                byte[] msg = ("kerbscope " + i).getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), 48888));
            }
            assertTrue(three.await(10, TimeUnit.SECONDS), "the listener saw " + seen.size() + " frames");
        }
        assertTrue(stopped.await(5, TimeUnit.SECONDS), "the listener hears that the capture stopped");
        assertNull(failure.get(), "the capture ended without an error");
        try (CaptureFile f = CaptureFile.open(out); CaptureReader r = f.reader()) {
            assertEquals("pcapng", f.format());
            int n = 0;
            for (Frame fr : r) {
                n++;
                assertEquals(seen.get(0).linkType(), fr.linkType());
            }
            assertTrue(n >= 3, "frames in the file: " + n);
            assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
        }
    }
}
