package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kerbscope.ui.editors.FilterRows;

/**
 * A display filter over a huge capture lists its rows without a number per frame; the rows are exactly those of
 * the plain list of shown frames, in both directions (row to frame, frame to row), including the edges.
 */
class FilterRowsTest {
    @Test
    void rowsAndFramesMapBothWaysAsAPlainListWould() {
        Random rnd = new Random(7);
        for (int total : new int[] {0, 1, 2, 5, 64, 1000}) {
            for (int trial = 0; trial < 20; trial++) {
                List<Long> left = new ArrayList<>(), shown = new ArrayList<>();
                for (long f = 1; f <= total; f++) {
                    // runs of hidden frames at the start, the end and inside
                    boolean hide = trial % 4 == 0 ? f <= 3 : trial % 4 == 1 ? f > total - 3 : rnd.nextInt(3) == 0;
                    (hide ? left : shown).add(f);
                }
                long[] l = left.stream().mapToLong(Long::longValue).toArray();
                long[] s = shown.stream().mapToLong(Long::longValue).toArray();
                for (FilterRows rows : new FilterRows[] {FilterRows.allBut(total, l), FilterRows.only(s)}) {
                    String at = total + " frames, " + left.size() + " hidden";
                    assertEquals(shown.size(), rows.count(), at);
                    for (int r = 0; r < shown.size(); r++) {
                        assertEquals(shown.get(r), rows.frameOf(r), at + ", row " + r);
                        assertEquals(r, rows.rowOf(shown.get(r)), at + ", frame " + shown.get(r));
                    }
                    for (long f : l) {
                        assertEquals(-1, rows.rowOf(f), at + ", hidden frame " + f);
                    }
                    assertEquals(0, rows.frameOf(-1), at);
                    assertEquals(0, rows.frameOf(shown.size()), at);
                    assertEquals(-1, rows.rowOf(total + 1), at);
                }
            }
        }
    }

    @Test
    void aNegativeFilterOverTenMillionFramesKeepsOnlyTheFramesItHides() {
        long total = 10_000_000;
        long[] hidden = {1, 500_000, 9_999_999};
        FilterRows rows = FilterRows.allBut(total, hidden);
        assertEquals(total - 3, rows.count());
        assertEquals(2, rows.frameOf(0));
        assertEquals(500_001, rows.frameOf(499_998));
        assertEquals(10_000_000, rows.frameOf((int) total - 4));
        assertEquals(499_998, rows.rowOf(500_001));
    }
}
