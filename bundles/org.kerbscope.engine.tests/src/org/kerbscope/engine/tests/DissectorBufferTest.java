package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.registry.ContributionElement;
import org.kerbscope.core.registry.ContributionSource;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * Every PDU reaches a dissector in one buffer class, whether its bytes lie in one frame of the file mapping, in a
 * datagram, or in TCP segments that came out of order and were put back together: parsers that meet two classes are
 * compiled for one, trap on the other and are compiled again (the largest compilations of a large capture). The bytes
 * and the frame offsets of the hex view stay those of the capture.
 */
class DissectorBufferTest {
    @TempDir
    Path dir;

    /** What one dissector was given. */
    static final class Seen {
        final Set<Class<?>> classes = new LinkedHashSet<>();
        final List<String> texts = new ArrayList<>();
        final List<Integer> bases = new ArrayList<>();
    }

    static final Seen SEEN = new Seen();

    public static final class Recording implements Dissector {
        @Override
        public void dissect(Pdu pdu, DissectionContext ctx) {
            synchronized (SEEN) {
                SEEN.classes.add(pdu.data().getClass());
                SEEN.texts.add(new String(pdu.bytes(0, pdu.length()), StandardCharsets.US_ASCII));
                SEEN.bases.add(pdu.base());
            }
        }
    }

    private static Registries with(ContributionElement... extra) {
        ContributionSource all = Registries.platform().source();
        return Registries.of(new ContributionSource() {
            @Override
            public List<ContributionElement> elements(String point) {
                List<ContributionElement> l = new ArrayList<>(all.elements(point));
                if (point.equals(Registries.DISSECTORS)) {
                    l.addAll(List.of(extra));
                }
                return l;
            }

            @Override
            public void onChange(String point, Runnable listener) {
                // fixed
            }
        });
    }

    @Test
    void framesDatagramsAndReassembledSegmentsReachADissectorAsOneBufferClass() throws IOException {
        byte[] client = {10, 0, 0, 7};
        TestCapture c = new TestCapture();
        c.udp(client, 40000, 7777, "datagram".getBytes(StandardCharsets.US_ASCII));         // frame 1
        c.stream(client, 40001, 7778);                                                    // frames 2-4
        // the second segment first: the reassembler holds it until the first one fills the gap
        c.tcp(client, 40001, 7778, true, 1006, 5001, 0x18, "world".getBytes(StandardCharsets.US_ASCII)); // frame 5
        c.tcp(client, 40001, 7778, true, 1001, 5001, 0x18, "hello".getBytes(StandardCharsets.US_ASCII)); // frame 6
        c.tcp(client, 40001, 7778, true, 1011, 5001, 0x18, "again".getBytes(StandardCharsets.US_ASCII)); // frame 7
        Path file = c.write(dir.resolve("buffers.pcap"));
        Registries r = with(DissectorElement.of("rec-udp", "Recording (UDP)", "udp.port", "7777", Recording::new),
                DissectorElement.of("rec-tcp", "Recording (TCP)", "tcp.port", "7778", Recording::new));
        for (int threads : new int[] {1, 2}) {
            synchronized (SEEN) {
                SEEN.classes.clear();
                SEEN.texts.clear();
                SEEN.bases.clear();
            }
            new Analyzer(r, AnalysisOptions.defaults(), threads).analyze(file, "buffers", List.of(), Progress.NONE);
            synchronized (SEEN) {
                String on = threads + " thread(s): ";
                assertEquals(List.of("datagram", "hello", "world", "again"), SEEN.texts, on + "the bytes, in order");
                assertEquals(1, SEEN.classes.size(), on + "buffer classes given to dissectors: " + SEEN.classes);
                // Ethernet 14 + IPv4 20 + UDP 8, TCP 20: in-frame PDUs keep their offsets for the hex view
                assertEquals(42, SEEN.bases.get(0), on + "the datagram's frame offset");
                assertEquals(54, SEEN.bases.get(3), on + "an in-order segment's frame offset");
            }
        }
    }
}
