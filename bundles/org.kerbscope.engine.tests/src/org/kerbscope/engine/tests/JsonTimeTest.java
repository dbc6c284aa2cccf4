package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.IsoTime;
import org.kerbscope.engine.report.JsonReport;

/** Event times in the JSON document read exactly as {@link Instant#toString()} writes them. */
class JsonTimeTest {
    private static String jdk(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    @Test
    void everyFractionWidthAndTheSecondsAroundMidnightAndTheEpoch() {
        long day = 1_795_000_000L; // 2026
        long[] cases = {0, 1, 999, 1_000, 1_000_000, 999_999_999, 1_000_000_000, -1, -1_000_000_000L, -999_999_999,
                day * 1_000_000_000L, day * 1_000_000_000L + 120_000_000, day * 1_000_000_000L + 120_500_000,
                day * 1_000_000_000L + 120_500_001, day * 1_000_000_000L + 7, (day / 86_400 * 86_400 - 1) * 1_000_000_000L
                        + 999_999_000, Long.MAX_VALUE, Long.MIN_VALUE, 253_402_300_799L * 1_000_000_000L / 1000 * 1000};
        for (long c : cases) {
            assertEquals(jdk(c), JsonReport.time(c), "time " + c);
        }
    }

    @Test
    void aCaptureTimelineOfManyEventsPerSecond() {
        SplittableRandom r = new SplittableRandom(7);
        long t = 1_764_000_000_000_000_000L;
        for (int i = 0; i < 200_000; i++) {
            t += r.nextLong(0, 3_000_000L) * (r.nextInt(4) == 0 ? 1000 : 1);
            assertEquals(jdk(t), JsonReport.time(t));
            long back = t - r.nextLong(0, 5_000_000_000L); // a held segment's earlier frame
            assertEquals(jdk(back), JsonReport.time(back));
        }
    }

    @Test
    void theDateOfEverySecondOfTheYearsZeroToNineThousandNineHundredNinetyNine() {
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        SplittableRandom r = new SplittableRandom(11);
        // every day (at a random second of it), so every month length and leap rule of the Gregorian calendar
        for (long day = first; day <= last; day += 86_400) {
            long sec = day + r.nextInt(86_400);
            assertEquals(Instant.ofEpochSecond(sec).toString(), IsoTime.dateAndTime(sec) + "Z", "second " + sec);
        }
        assertEquals("0000-01-01T00:00:00", IsoTime.dateAndTime(first));
        assertEquals("9999-12-31T23:59:59", IsoTime.dateAndTime(last));
        assertNull(IsoTime.dateAndTime(first - 1));
        assertNull(IsoTime.dateAndTime(last + 1));
    }
}
