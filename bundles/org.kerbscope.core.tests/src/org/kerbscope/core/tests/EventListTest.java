package org.kerbscope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EventList;

/**
 * The events of a capture too large for the heap go to temporary files and come back unchanged, in the order a
 * stable sort by frame gives, whatever the budget, the number of reading threads and the order they came in.
 */
class EventListTest {

    @Test
    void everyKindOfValueComesBackFromTheFileUnchanged() {
        List<Event> events = new ArrayList<>();
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("cname", "jöhn");
        nested.put("flags", List.of("forwardable", "renewable"));
        nested.put("none", null);
        byte[] opaque = {1, 2, 3};
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("kind", i % 2 == 0 ? "query" : "response");
            f.put("id", i * 37 - 5000);
            f.put("big", Long.MIN_VALUE + i);
            f.put("ok", i % 3 == 0);
            f.put("ratio", i / 7.0);
            f.put("answers", Arrays.asList("10.0.0." + i % 256, null, "alias" + i + ".contoso.com"));
            f.put("decrypted", nested);
            f.put("long", "x".repeat(i)); // up to 999 characters: longer than any table entry need be
            f.put("missing", null);
            f.put("opaque", opaque);
            Endpoint src = i % 10 == 0 ? null : new Endpoint("fe80::" + Integer.toHexString(i), 50000 + i);
            events.add(new Event("dns", 1 + i, 1_700_000_000_000_000_000L + i * 1000L, src, new Endpoint("10.0.0.1", 53), f));
        }
        EventList l = new EventList(new EventList.Budget(0));
        events.forEach(l::add);
        assertTrue(l.spilled(), "a budget of 0 holds nothing");
        List<Event> sorted = EventList.sortedByFrame(List.of(l));
        assertEquals(events.size(), sorted.size());
        assertEquals(events.size(), ((EventList) sorted).spilledCount());
        for (int i = 0; i < events.size(); i++) {
            Event back = sorted.get(i);
            assertEquals(events.get(i), back, "event " + i);
            assertEquals(events.get(i).fields(), back.fields(), "fields of event " + i);
            assertEquals(new ArrayList<>(events.get(i).fields().keySet()), new ArrayList<>(back.fields().keySet()),
                    "field order of event " + i);
            assertNotSame(events.get(i), back, "read back from the file");
        }
        assertEquals(events, new ArrayList<>(sorted), "in order through the iterator");
        assertSame(opaque, sorted.get(7).get("opaque"), "a value of a type the file does not know is kept as it is");
        // random reads, backwards, across blocks
        for (int i = events.size() - 1; i >= 0; i -= 13) {
            assertEquals(events.get(i), sorted.get(i), "random read of event " + i);
        }
        ((EventList) sorted).close();
    }

    @Test
    void eventsOutOfOrderComeBackInStableFrameOrder() {
        Random r = new Random(42);
        // mostly in order, with a quarter completed late (a PDU's bytes released from an earlier frame), many
        // sharing a frame: more late events than one late run holds
        List<Event> events = new ArrayList<>();
        long frame = 1;
        for (int i = 0; i < 400_000; i++) {
            frame += r.nextInt(3);
            long f = r.nextInt(4) == 0 ? Math.max(1, frame - r.nextInt(5000)) : frame;
            events.add(event("kerberos", f, i));
        }
        for (long budget : new long[] {0, 10_000, 5_000_000, Long.MAX_VALUE}) {
            EventList l = new EventList(new EventList.Budget(budget));
            events.forEach(l::add);
            assertEquals(budget < Long.MAX_VALUE, l.spilled(), "budget " + budget);
            if (l.spilled()) {
                assertThrows(IllegalStateException.class, () -> l.get(0), "read before it is in order: refused, not wrong");
            }
            List<Event> sorted = EventList.sortedByFrame(List.of(l));
            assertEquals(stableSort(events), new ArrayList<>(sorted), "budget " + budget);
            if (sorted instanceof EventList el) {
                el.close();
            }
        }
    }

    @Test
    void theSharesOfSeveralThreadsMergeAsTheirConcatenationSortedByFrame() {
        Random r = new Random(7);
        // each reading thread has its share of the budget: the first holds everything (128 bytes each), the second
        // runs out half-way, the third holds nothing
        long[] budgets = {4_000_000, 2_000_000, 0};
        List<List<Event>> plain = new ArrayList<>();
        List<List<Event>> shares = new ArrayList<>();
        for (int part = 0; part < 3; part++) {
            List<Event> p = new ArrayList<>();
            long frame = 1;
            for (int i = 0; i < 30_000; i++) {
                frame += r.nextInt(4);
                p.add(event("http", r.nextInt(10) == 0 ? Math.max(1, frame - r.nextInt(100)) : frame, part * 100_000 + i));
            }
            EventList l = new EventList(new EventList.Budget(budgets[part]));
            p.forEach(l::add);
            plain.add(p);
            shares.add(l);
        }
        assertFalse(((EventList) shares.get(0)).spilled(), "the budget lasted for the first share");
        assertEquals(30_000, ((EventList) shares.get(1)).spilledCount(), "the second share went to its file whole");
        assertTrue(((EventList) shares.get(2)).spilled(), "the last share went to a file");
        List<Event> expected = new ArrayList<>();
        plain.forEach(expected::addAll);
        List<Event> merged = EventList.sortedByFrame(shares);
        assertEquals(stableSort(expected), new ArrayList<>(merged));
        for (int i = 0; i < merged.size(); i += 997) {
            assertEquals(stableSort(expected).get(i), merged.get(i), "random read " + i);
        }
        ((EventList) merged).close();
    }

    @Test
    void whenTheBudgetRunsOutTheListHoldingMostGoesToItsFile() {
        EventList.Budget budget = new EventList.Budget(1_000_000);
        EventList dns = new EventList(budget);
        EventList kerberos = new EventList(budget);
        List<Event> expectedDns = new ArrayList<>();
        List<Event> expectedKerberos = new ArrayList<>();
        // a domain controller's capture: nine DNS messages for each Kerberos one, far past the budget
        for (int i = 0; i < 50_000; i++) {
            Event e = event(i % 10 == 0 ? "kerberos" : "dns", i + 1, i);
            (i % 10 == 0 ? kerberos : dns).add(e);
            (i % 10 == 0 ? expectedKerberos : expectedDns).add(e);
        }
        assertEquals(45_000, dns.spilledCount(), "the bulk went to its file, the first ones too");
        assertEquals(0, kerberos.spilledCount(), "the messages the checks read most stay objects");
        List<Event> k = EventList.sortedByFrame(List.of(kerberos));
        for (int i = 0; i < k.size(); i++) {
            assertSame(expectedKerberos.get(i), k.get(i));
        }
        assertEquals(expectedDns, new ArrayList<>(EventList.sortedByFrame(List.of(dns))));
    }

    @Test
    void withoutATemporaryFileTheEventsAreHeldAndTheReasonKept() {
        Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "kerbscope-no-such-dir-" + System.nanoTime());
        EventList.Budget budget = new EventList.Budget(10_000, nowhere);
        EventList dns = new EventList(budget);
        EventList kerberos = new EventList(budget);
        List<Event> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            Event e = event(i % 5 == 0 ? "kerberos" : "dns", i + 1, i);
            (i % 5 == 0 ? kerberos : dns).add(e);
            if (i % 5 != 0) {
                expected.add(e);
            }
        }
        assertFalse(dns.spilled());
        assertTrue(dns.spillFailure() != null && dns.spillFailure().contains("kerbscope-no-such-dir-"), dns.spillFailure());
        List<Event> sorted = EventList.sortedByFrame(List.of(dns));
        for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), sorted.get(i), "nothing lost at " + i);
        }
        assertEquals(1000, kerberos.size());
        assertFalse(Files.exists(nowhere));
    }

    @Test
    void aFileThatCanTakeNoMoreKeepsTheRestInMemory() {
        Random r = new Random(11);
        // three reading threads with no heap for messages, some completed late (runs of their own), and a space for
        // the files that runs out at once, half-way, or never
        List<List<Event>> plain = new ArrayList<>();
        for (int part = 0; part < 3; part++) {
            List<Event> p = new ArrayList<>();
            long frame = 1;
            for (int i = 0; i < 80_000; i++) {
                frame += r.nextInt(3);
                p.add(event("dns", r.nextInt(8) == 0 ? Math.max(1, frame - r.nextInt(2000)) : frame, part * 100_000 + i));
            }
            plain.add(p);
        }
        List<Event> expected = new ArrayList<>();
        plain.forEach(expected::addAll);
        expected = stableSort(expected);
        for (long space : new long[] {0, 2_000_000, Long.MAX_VALUE}) {
            EventList.FileSpace files = new EventList.FileSpace(space);
            List<List<Event>> shares = new ArrayList<>();
            for (List<Event> p : plain) {
                EventList l = new EventList(new EventList.Budget(0, null, files));
                p.forEach(l::add);
                shares.add(l);
            }
            assertTrue(files.used() <= space, "the files hold " + files.used() + " of " + space);
            List<Event> merged = EventList.sortedByFrame(shares);
            assertEquals(expected, new ArrayList<>(merged), "space " + space);
            for (int i = expected.size() - 1; i >= 0; i -= 1009) {
                assertEquals(expected.get(i), merged.get(i), "space " + space + ": random read " + i);
            }
            String why = ((EventList) merged).spillFailure();
            if (space == Long.MAX_VALUE) {
                assertEquals(null, why, "room enough: no failure");
            } else {
                assertTrue(why != null && why.startsWith("the limit events.disk (") && why.contains("was reached"), why);
            }
            ((EventList) merged).close();
            assertEquals(0, files.used(), "space " + space + ": the closed files gave their bytes back");
        }
        // one thread, in order: the list is sorted where it is, its file then memory
        EventList.FileSpace files = new EventList.FileSpace(100_000);
        EventList l = new EventList(new EventList.Budget(0, null, files));
        List<Event> inOrder = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            inOrder.add(event("dns", i + 1, i));
        }
        inOrder.forEach(l::add);
        List<Event> sorted = EventList.sortedByFrame(List.of(l));
        assertSame(l, sorted);
        assertEquals(inOrder, new ArrayList<>(sorted));
        assertEquals(inOrder.get(19_999), sorted.get(19_999));
        assertTrue(l.spillFailure() != null && l.spillFailure().contains("events.disk"), l.spillFailure());
        assertTrue(files.used() > 0 && files.used() <= 100_000, "the file took what it could: " + files.used());
        l.close();
        assertEquals(0, files.used());
        assertTrue(l.spillFailure() != null, "the reason outlives the files");
    }

    @Test
    void aListThatNeverSpilledKeepsItsObjects() {
        EventList l = new EventList(null);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(event("ntlm", 100 - i / 2, i));
        }
        events.forEach(l::add);
        List<Event> sorted = EventList.sortedByFrame(List.of(l));
        List<Event> expected = stableSort(events);
        for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), sorted.get(i), "the same object at " + i);
        }
    }

    @Test
    void theTemporaryFilesLeaveNothingBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = ours(tmp);
        EventList l = new EventList(new EventList.Budget(0));
        for (int i = 0; i < 10_000; i++) {
            l.add(event("dns", i + 1, i));
        }
        List<Event> sorted = EventList.sortedByFrame(List.of(l));
        assertEquals(10_000, sorted.size());
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(before, ours(tmp), "unlinked as soon as it is open: not even a crash leaves it");
        }
        ((EventList) sorted).close();
        assertEquals(before, ours(tmp), "closed: deleted");
        assertEquals(0, sorted.size());
    }

    private static List<Path> ours(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("kerbscope-events-")).sorted().toList();
        }
    }

    private static Event event(String protocol, long frame, int n) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("n", n);
        f.put("msgType", n % 2 == 0 ? "TGS-REQ" : "TGS-REP");
        f.put("sname", "HTTP/web" + n % 50 + ".contoso.com");
        return new Event(protocol, frame, frame * 1000, new Endpoint("192.168.2." + n % 200, 1024 + n % 60000),
                new Endpoint("192.168.2.10", 88), f);
    }

    private static List<Event> stableSort(List<Event> events) {
        List<Event> s = new ArrayList<>(events);
        s.sort(Comparator.comparingLong(Event::frame));
        return s;
    }
}
