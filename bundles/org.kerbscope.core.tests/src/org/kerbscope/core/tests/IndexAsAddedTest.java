package org.kerbscope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EventList;

/**
 * An index built as the reading adds events ({@link Analysis#indexAsAdded}) holds positions in the protocol's list:
 * it becomes the analysis' index only where the list, put in frame order after the reading, kept the order the
 * events came in. Where a message came after a later frame's (bytes a TCP reassembler held), it is dropped and the
 * index is built from the list when asked for, as without it. Also past the heap, where the list is in a file.
 */
class IndexAsAddedTest {

    /** Records what it was given, and returns it as its index. */
    static final class Positions implements Analysis.Indexer {
        final List<String> seen = new ArrayList<>();
        List<Event> list;

        @Override
        public void add(List<Event> l, Event e, int position) {
            list = l;
            seen.add(position + "@" + e.frame());
        }

        @Override
        public Object finish() {
            return seen;
        }
    }

    private static Event event(String protocol, long frame) {
        return new Event(protocol, frame, frame * 1000, new Endpoint("10.0.0.2", 50000), new Endpoint("10.0.0.1", 88),
                Map.of("frameText", "f" + frame));
    }

    /** What the reading does after its last frame: each list in frame order, then the indexers finished. */
    private static void endOfReading(Analysis a) {
        a.events().replaceAll((protocol, list) -> EventList.sortedByFrame(List.of(list)));
        a.finishIndexers();
    }

    @Test
    void anIndexBuiltWhileReadingIsTheAnalysisIndexWhenTheOrderHeld() {
        for (EventList.Budget budget : new EventList.Budget[] {null, new EventList.Budget(0)}) {
            Analysis a = new Analysis();
            a.setEventBudget(budget); // 0 bytes: every event goes to a temporary file
            Positions k = new Positions();
            a.indexAsAdded("kerberos", "test.kerberos", k);
            for (long f : new long[] {3, 5, 5, 9}) { // two messages in one frame keep their order
                a.add(event("kerberos", f));
            }
            a.add(event("dns", 4)); // another protocol: not shown to this indexer
            endOfReading(a);
            Object index = a.index("test.kerberos", () -> List.of("built afterwards"));
            assertSame(k.seen, index, "budget " + budget);
            assertEquals(List.of("0@3", "1@5", "2@5", "3@9"), index);
            assertSame(a.events("kerberos"), k.list, "positions in the analysis' own list");
            for (int i = 0; i < 4; i++) {
                assertEquals(Long.parseLong(k.seen.get(i).split("@")[1]), a.events("kerberos").get(i).frame());
            }
        }
    }

    @Test
    void anEventThatCameAfterALaterFramesDropsIt() {
        for (EventList.Budget budget : new EventList.Budget[] {null, new EventList.Budget(0)}) {
            Analysis a = new Analysis();
            a.setEventBudget(budget);
            Positions k = new Positions();
            a.indexAsAdded("kerberos", "test.kerberos", k);
            for (long f : new long[] {3, 7, 5, 9}) { // frame 5's message released after frame 7's
                a.add(event("kerberos", f));
            }
            endOfReading(a);
            assertEquals(List.of(3L, 5L, 7L, 9L), a.events("kerberos").stream().map(Event::frame).toList(),
                    "the list in frame order");
            assertEquals(List.of("built afterwards"), a.index("test.kerberos", () -> List.of("built afterwards")),
                    "budget " + budget);
        }
    }

    @Test
    void anIndexerThatMissedTheFirstEventsIsDropped() {
        Analysis a = new Analysis();
        a.add(event("kerberos", 1)); // before the indexer
        a.indexAsAdded("kerberos", "test.kerberos", new Positions());
        a.add(event("kerberos", 2));
        endOfReading(a);
        assertEquals(List.of("built afterwards"), a.index("test.kerberos", () -> List.of("built afterwards")));
    }

    @Test
    void noEventOfItsProtocolLeavesNoIndex() {
        Analysis a = new Analysis();
        a.indexAsAdded("kerberos", "test.kerberos", new Positions());
        a.add(event("dns", 1));
        endOfReading(a);
        assertEquals(List.of(), a.index("test.kerberos", List::of), "built (empty) when asked for");
        assertEquals(List.of(), a.events("kerberos"));
        assertEquals(List.of("dns"), List.copyOf(a.events().keySet()), "no empty array in the document");
    }
}
