package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EventList;
import org.kerbscope.ui.internal.FrameEvents;

/**
 * The packet list finds each frame's events, in the order of the analysis' arrays, whether the analysis holds them
 * or keeps them in a temporary file (a domain controller's millions of DNS messages).
 */
class FrameEventsTest {
    @Test
    void eachFrameShowsItsEventsInTheOrderOfTheArrays() {
        for (long budget : new long[] {Long.MAX_VALUE, 0}) {
            Random r = new Random(3);
            Analysis a = new Analysis();
            a.setEventBudget(new EventList.Budget(budget));
            List<Event> all = new ArrayList<>();
            long frame = 1;
            for (int i = 0; i < 20_000; i++) {
                frame += r.nextInt(3); // several events in some frames, of one protocol or of two
                String protocol = r.nextInt(4) == 0 ? "kerberos" : "dns";
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("n", i);
                Event e = new Event(protocol, frame, frame, new Endpoint("10.0.0." + i % 250, 53), null, f);
                a.add(e);
                all.add(e);
            }
            for (String p : List.copyOf(a.events().keySet())) {
                a.events().put(p, EventList.sortedByFrame(List.of(a.events().get(p))));
            }
            // what the packet list showed before: every array in turn, then a stable sort by frame
            List<Event> expected = new ArrayList<>();
            a.events().values().forEach(expected::addAll);
            expected.sort(Comparator.comparingLong(Event::frame));

            FrameEvents byFrame = FrameEvents.of(a);
            List<Event> shown = new ArrayList<>();
            long last = 0;
            for (int i = 0; i < byFrame.size(); i++) {
                assertTrue(byFrame.frame(i) > last, "frames ascending");
                last = byFrame.frame(i);
                List<Event> at = byFrame.eventsAt(i);
                for (Event e : at) {
                    assertEquals(last, e.frame(), "an event of frame " + last);
                }
                assertEquals(at, byFrame.of(byFrame.frame(i)));
                assertEquals(at.get(0), byFrame.first(byFrame.frame(i)));
                shown.addAll(at);
            }
            assertEquals(expected, shown, "budget " + budget);
            assertEquals(all.size(), shown.size());
            assertNull(byFrame.first(0));
            assertTrue(byFrame.of(last + 1).isEmpty());
            assertTrue(byFrame.fieldNames().contains("dns.n") && byFrame.fieldNames().contains("kerberos.n"),
                    byFrame.fieldNames().toString());
        }
    }
}
