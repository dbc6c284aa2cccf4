package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.ui.tests.WorkbenchTest.ui;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.ScrollBar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.ui.editors.CaptureEditor;
import org.kerbscope.ui.editors.PacketList;
import org.kerbscope.ui.internal.AnalysisService;
import org.kerbscope.ui.internal.CaptureSession;

/**
 * A capture of a million frames in the capture editor: every frame is listed while the analysis still runs, the
 * window keeps answering while it loads, and the list scrolls to frame 1,000,000. Responsiveness is measured on the
 * event loop, not the clock: a probe posted to the UI thread must run before the loader has read more than a
 * quarter of the capture, and a scroll must be drawn within a bounded number of event-loop turns.
 */
class LargeCaptureTest {
    static final int FRAMES = 1_000_000;
    /** Event-loop turns a scroll may take until it is drawn. */
    static final int TURNS = 400;

    /**
     * Writes a classic pcap (RFC draft-ietf-opsawg-pcap: 24-byte header, 16-byte record headers) of {@code n}
     * Ethernet/IPv4/UDP frames from 10.0.0.1 to 10.0.0.2 port 9 (discard), one millisecond apart.
     */
    static void writeCapture(Path file, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            byte[] frame = {
                0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, (byte) 0x88, (byte) 0x99, (byte) 0xaa, 0x08, 0x00,
                0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                0, 0, 0, 9, 0, 8, 0, 0};
            long start = 1_700_000_000L;
            for (int i = 0; i < n; i++) {
                if (b.remaining() < 16 + frame.length) {
                    b.flip();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    b.clear();
                }
                int sport = 1024 + i % 60000;
                frame[34] = (byte) (sport >> 8);
                frame[35] = (byte) sport;
                frame[18] = (byte) (i >> 8);
                frame[19] = (byte) i;
                b.putInt((int) (start + i / 1000)).putInt(i % 1000 * 1000).putInt(frame.length).putInt(frame.length);
                b.put(frame);
            }
            b.flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    @Test
    void aMillionFramesAreListedAndScrolledToTheEndWhileTheWindowKeepsAnswering(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("million.pcap");
        writeCapture(big, FRAMES);
        WorkbenchTest.waitForWorkbench();
        ui(() -> {
            AnalysisService.get().open(big, "million.pcap");
            return null;
        });
        CaptureEditor ed = SampleCaptureTest.editor(big);
        assertNotNull(ed, "the capture opened in a capture editor");
        CaptureSession s = ed.session();

        // probe the UI thread while the capture loads: each ui() call waits for one turn of the event loop
        long maxJump = 0;
        int probes = 0;
        int probesMidAnalysis = 0;
        boolean listedBeforeAnalysis = false;
        for (int i = 0; i < 100_000 && (s.loading() || s.analysis() == null); i++) {
            long before = s.analysedFrames();
            long[] seen = ui(() -> new long[] {s.analysedFrames(), ed.packets().rows(), s.analysis() == null ? 1 : 0});
            probes++;
            maxJump = Math.max(maxJump, seen[0] - before);
            if (seen[0] > 0 && seen[0] < FRAMES) {
                probesMidAnalysis++;
            }
            if (seen[1] == FRAMES && seen[2] == 1) {
                listedBeforeAnalysis = true;
            }
            assertTrue(s.problem() == null, "the capture loads: " + s.problem());
            Thread.sleep(20);
        }
        System.out.println("LargeCaptureTest: " + probes + " probes while loading, " + probesMidAnalysis
                + " during the analysis; the longest wait for the UI thread let the loader read " + maxJump + " frames");
        assertNotNull(s.analysis(), "the analysis finished");
        assertTrue(probesMidAnalysis >= 3, "the window was probed while the analysis ran (" + probesMidAnalysis
                + " of " + probes + " probes)");
        assertTrue(maxJump <= FRAMES / 4, "every probe ran before the loader had read another quarter of the capture; "
                + "the longest wait let it read " + maxJump + " frames");
        assertTrue(listedBeforeAnalysis, "all frames were listed before the analysis had finished");
        assertEquals(FRAMES, (int) ui(() -> ed.packets().rows()), "a row per frame");

        // drag the scroll bar thumb through the capture as a user would: each position is drawn within TURNS turns
        PacketList list = ui(() -> ed.packets().list());
        for (int k = 1; k <= 10; k++) {
            int step = k;
            int turns = ui(() -> {
                ScrollBar bar = list.getVerticalBar();
                int pos = (int) ((long) (FRAMES - list.visibleRows()) * step / 10);
                bar.setSelection(pos);
                bar.notifyListeners(SWT.Selection, new Event());
                return turnsUntil(() -> list.paintedTop() == pos && !list.paintedRows().isEmpty()
                        && list.paintedRows().get(0)[0].equals(Integer.toString(pos + 1)));
            });
            assertTrue(turns < TURNS, "scroll position " + step + "/10 drawn after " + turns + " event-loop turns");
        }

        // Ctrl+End: the last row is selected and drawn
        int turns = ui(() -> {
            list.setFocus();
            Event e = new Event();
            e.keyCode = SWT.END;
            e.stateMask = SWT.CTRL;
            list.notifyListeners(SWT.KeyDown, e);
            return turnsUntil(() -> {
                List<String[]> rows = list.paintedRows();
                return !rows.isEmpty() && rows.get(rows.size() - 1)[0].equals("1000000");
            });
        });
        assertTrue(turns < TURNS, "Ctrl+End drawn after " + turns + " event-loop turns");
        List<String[]> shown = ui(list::paintedRows);
        assertEquals("1000000", shown.get(shown.size() - 1)[0], "the last row shows frame 1,000,000");
        assertEquals(FRAMES, (long) ui(() -> ed.packets().selectedFrame()), "and it is selected");

        // the analysis is a cancellable Job: cancelled, the frames stay listed and the editor says what happened
        org.eclipse.core.runtime.jobs.Job again = ui(() -> s.load(false));
        for (int i = 0; i < 600 && s.analysedFrames() == 0; i++) {
            Thread.sleep(10);
        }
        again.cancel();
        again.join();
        String status = "";
        for (int i = 0; i < 200 && !status.contains("cancelled"); i++) {
            Thread.sleep(20);
            status = ui(() -> ed.packets().statusText());
        }
        assertTrue(status.contains("The analysis was cancelled"), status);
        assertEquals(FRAMES, (int) ui(() -> ed.packets().rows()), "the frames stay listed");
        // and a frame the cancelled analysis never read still gets its details (read up to it; nothing waits for
        // an analysis that has stopped)
        ui(() -> {
            ed.packets().reveal(1);
            ed.packets().reveal(FRAMES);
            return null;
        });
        org.kerbscope.core.model.FieldNode details = null;
        for (int i = 0; i < 1500 && details == null; i++) {
            Thread.sleep(20);
            details = ui(() -> ed.packets().shownTree());
        }
        assertNotNull(details, "the last frame's details came");
        assertTrue(details.label().startsWith("Frame 1000000: 42 bytes on wire"), details.label());
        ui(() -> ed.getSite().getPage().closeEditor(ed, false));
    }

    /** Turns the event loop until {@code done} holds (or {@link #TURNS} turns passed); returns the turns taken. */
    static int turnsUntil(java.util.function.BooleanSupplier done) {
        Display d = Display.getCurrent();
        int turns = 0;
        while (!done.getAsBoolean() && turns < TURNS) {
            if (!d.readAndDispatch()) {
                // nothing queued: wait for the paint, woken at the latest by a timer so that every turn ends
                d.timerExec(20, () -> {
                });
                d.sleep();
            }
            turns++;
        }
        return turns;
    }
}
