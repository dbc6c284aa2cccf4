package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.ui.tests.WorkbenchTest.ui;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.live.CaptureInterface;
import org.kerbscope.capture.live.CapturePermissionException;
import org.kerbscope.capture.live.LiveCapture;
import org.kerbscope.capture.live.LiveCaptureException;
import org.kerbscope.ui.editors.CaptureEditor;
import org.kerbscope.ui.internal.AnalysisService;
import org.kerbscope.ui.record.RecordDialog;

/**
 * File > Record...: the preparation commands, the interfaces, and — on a machine without the capture privilege — the
 * sentence that says how to get it, never a stack trace. On a privileged machine it records loopback traffic for
 * real and the recording opens in the capture editor.
 */
class RecordDialogTest {

    static RecordDialog open(RecordDialog.Backend backend) {
        return ui(() -> {
            RecordDialog d = new RecordDialog(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(), backend);
            d.setBlockOnOpen(false);
            d.open();
            return d;
        });
    }

    static void assertNoStackTrace(String text) {
        assertFalse(text.contains("Exception") || text.contains("\tat ") || text.contains("at org."),
                "a sentence, not a stack trace: " + text);
    }

    @Test
    void withoutThePrivilegeStartExplainsWhatToDo(@TempDir Path dir) throws Exception {
        WorkbenchTest.waitForWorkbench();
        String advice = "Capturing on eth0 needs the packet capture privilege: run Kerbscope as root, or grant it to Java "
                + "once with `sudo setcap cap_net_raw,cap_net_admin=eip /usr/bin/java` and restart Kerbscope.";
        RecordDialog d = open(new RecordDialog.Backend() {
            @Override
            public List<CaptureInterface> interfaces() {
                return List.of(new CaptureInterface("eth0", "", List.of("192.0.2.10"), false, true));
            }

            @Override
            public RecordDialog.Recording start(String iface, String filter, Path output) throws LiveCaptureException {
                throw new CapturePermissionException(advice, new RuntimeException("eth0: You don't have permission"));
            }
        });
        try {
            assertEquals(List.of("eth0 192.0.2.10"), ui(d::listedInterfaces));
            ui(() -> {
                d.setOutput(dir.resolve("out.pcapng"));
                d.press(true);
                return null;
            });
            String problem = ui(d::problemText);
            assertEquals(advice, problem, "the live capture API's sentence is shown as it is");
            assertNoStackTrace(problem);
            assertNull(d.recorded(), "nothing recorded");
            assertFalse(Files.exists(dir.resolve("out.pcapng")));
        } finally {
            ui(d::close);
        }
    }

    @Test
    void startCountsThePacketsAndStopOpensTheRecording(@TempDir Path dir) throws Exception {
        WorkbenchTest.waitForWorkbench();
        // a stand-in for libpcap that writes a real capture and counts as it goes, so that the dialog's flow is
        // exercised on any machine
        java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        RecordDialog d = open(new RecordDialog.Backend() {
            @Override
            public List<CaptureInterface> interfaces() {
                return List.of(new CaptureInterface("lo", "", List.of("127.0.0.1"), true, true),
                        new CaptureInterface("eth0", "Ethernet", List.of("192.0.2.10"), false, true));
            }

            @Override
            public RecordDialog.Recording start(String iface, String filter, Path output) {
                assertEquals("eth0", iface, "the interface with an address is chosen by default");
                assertEquals(LiveCapture.DEFAULT_FILTER, filter);
                return new RecordDialog.Recording() {
                    @Override
                    public long frames() {
                        return count.incrementAndGet();
                    }

                    @Override
                    public boolean running() {
                        return !stopped.get();
                    }

                    @Override
                    public void stop() {
                        try {
                            LargeCaptureTest.writeCapture(output, 5);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        stopped.set(true);
                    }

                    @Override
                    public Exception failure() {
                        return null;
                    }
                };
            }
        });
        Path out = dir.resolve("sub").resolve("recorded.pcapng");
        ui(() -> {
            d.setOutput(out);
            d.press(true);
            return null;
        });
        for (int i = 0; i < 200 && !ui(d::stateText).matches(".*eth0: [1-9][0-9]* packets.*"); i++) {
            Thread.sleep(50);
        }
        assertTrue(ui(d::stateText).matches(".*eth0: [1-9][0-9]* packets.*"), "the count is shown: " + ui(d::stateText));
        assertEquals("", ui(d::problemText));
        ui(() -> {
            d.press(false);
            return null;
        });
        for (int i = 0; i < 200 && ui(() -> d.getShell() != null); i++) {
            Thread.sleep(50);
        }
        assertNull(ui(d::getShell), "Stop closes the dialog");
        assertEquals(out, d.recorded(), "the recording is where the user said");
        assertTrue(stopped.get(), "the recording was stopped");
    }

    @Test
    void anExistingFileIsNotReplacedUnasked(@TempDir Path dir) throws Exception {
        WorkbenchTest.waitForWorkbench();
        Path mine = dir.resolve("mine.pcapng");
        Files.writeString(mine, "the user's own file");
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        RecordDialog d = open(new RecordDialog.Backend() {
            @Override
            public List<CaptureInterface> interfaces() {
                return List.of(new CaptureInterface("eth0", "", List.of("192.0.2.10"), false, true));
            }

            @Override
            public RecordDialog.Recording start(String iface, String filter, Path output) {
                started.set(true);
                throw new IllegalStateException("must not start");
            }
        });
        try {
            ui(() -> {
                d.setOutput(mine);
                // Start asks first; the question is answered No below
                org.eclipse.swt.widgets.Display.getCurrent().asyncExec(() -> d.press(true));
                return null;
            });
            String question = null;
            for (int i = 0; i < 200 && question == null; i++) {
                Thread.sleep(50);
                question = ui(() -> {
                    for (var s : org.eclipse.swt.widgets.Display.getCurrent().getShells()) {
                        if (!s.isDisposed() && s.isVisible() && s != d.getShell() && "Record a capture".equals(s.getText())) {
                            List<String> texts = new java.util.ArrayList<>();
                            collectTexts(s, texts);
                            pressButton(s, "No");
                            return String.join("\n", texts);
                        }
                    }
                    return null;
                });
            }
            assertNotNull(question, "Start asks before replacing the file");
            assertTrue(question.contains(mine.toString()) && question.contains("Replace"), question);
            assertFalse(started.get(), "No: nothing is recorded");
            assertEquals("the user's own file", Files.readString(mine));
        } finally {
            ui(() -> d.getShell() == null || d.close());
        }
    }

    static boolean pressButton(org.eclipse.swt.widgets.Control c, String text) {
        if (c instanceof org.eclipse.swt.widgets.Button b && b.getText().replace("&", "").equals(text)) {
            b.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
            return true;
        }
        if (c instanceof org.eclipse.swt.widgets.Composite comp) {
            for (var child : comp.getChildren()) {
                if (pressButton(child, text)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theDialogShowsThePreparationAndEitherRecordsOrSaysWhyNot(@TempDir Path dir) throws Exception {
        WorkbenchTest.waitForWorkbench();
        assertTrue(RecordDialog.PREPARATION.contains("ipconfig /flushdns") && RecordDialog.PREPARATION.contains("klist purge"));
        List<CaptureInterface> real;
        String refused = null;
        try {
            real = LiveCapture.interfaces();
        } catch (LiveCaptureException e) {
            real = List.of();
            refused = e.getMessage();
        }
        RecordDialog d = open(RecordDialog.LIVE);
        try {
            String shownText = ui(() -> {
                List<String> labels = new java.util.ArrayList<>();
                collectTexts(d.getShell(), labels);
                return String.join("\n", labels);
            });
            assertTrue(shownText.contains("ipconfig /flushdns") && shownText.contains("klist purge"),
                    "the preparation commands are shown: " + shownText);
            assertTrue(shownText.contains(LiveCapture.DEFAULT_FILTER), "the default filter is filled in");
            if (real.isEmpty()) {
                String problem = ui(d::problemText);
                System.out.println("RecordDialogTest: live capture is not available here: " + problem);
                assertFalse(problem.isBlank(), "the dialog says why it cannot record");
                if (refused != null) {
                    // the live capture API's sentence (its detail in brackets may differ from one call to the next)
                    String sentence = refused.contains("(") ? refused.substring(0, refused.indexOf('(')) : refused;
                    assertTrue(problem.startsWith(sentence), problem + " should say " + refused);
                }
                assertNoStackTrace(problem);
                return;
            }
            List<String> labels = real.stream().map(CaptureInterface::label).toList();
            assertEquals(labels, ui(d::listedInterfaces), "the interfaces libpcap lists");
            CaptureInterface lo = real.stream().filter(CaptureInterface::loopback).findFirst().orElse(null);
            if (lo == null) {
                System.out.println("RecordDialogTest: no loopback interface to record on; the list was checked");
                return;
            }
            Path out = dir.resolve("recorded.pcapng");
            ui(() -> {
                d.selectInterface(lo.name());
                d.setOutput(out);
                d.press(true);
                return null;
            });
            String problem = ui(d::problemText);
            if (!problem.isEmpty()) {
                System.out.println("RecordDialogTest: recording refused here: " + problem);
                assertTrue(problem.contains("setcap") || problem.contains("Npcap") || problem.contains("root")
                        || problem.contains("libpcap"), "the dialog says how to get the privilege: " + problem);
                assertNoStackTrace(problem);
                return;
            }
            // privileged: DNS-port datagrams on loopback are counted as they are recorded
            try (DatagramSocket s = new DatagramSocket()) {
                byte[] q = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
                for (int i = 0; i < 200 && !ui(d::stateText).matches(".*: [1-9][0-9]* packets.*"); i++) {
                    s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), 53));
                    Thread.sleep(50);
                }
            }
            assertTrue(ui(d::stateText).matches(".*: [1-9][0-9]* packets.*"), "the packet count grows: " + ui(d::stateText));
            ui(() -> {
                d.press(false);
                return null;
            });
            for (int i = 0; i < 200 && ui(() -> d.getShell() != null); i++) {
                Thread.sleep(50);
            }
            assertNull(ui(d::getShell), "Stop closes the dialog");
            assertEquals(out, d.recorded());
            try (CaptureFile f = CaptureFile.open(out)) {
                assertTrue(f.index().size() > 0, "the recording has the datagrams");
            }
            ui(() -> {
                AnalysisService.get().open(d.recorded(), d.recorded().toString());
                return null;
            });
            CaptureEditor ed = SampleCaptureTest.editor(out);
            assertNotNull(ed, "the recording opens in the capture editor");
            for (int i = 0; i < 200 && ui(() -> ed.packets().rows()) == 0; i++) {
                Thread.sleep(50);
            }
            assertTrue(ui(() -> ed.packets().rows()) > 0);
        } finally {
            ui(() -> d.getShell() == null || d.close());
        }
    }

    static void collectTexts(org.eclipse.swt.widgets.Control c, List<String> out) {
        if (c instanceof org.eclipse.swt.widgets.Label l) {
            out.add(l.getText());
        } else if (c instanceof org.eclipse.swt.widgets.Text t) {
            out.add(t.getText());
        }
        if (c instanceof org.eclipse.swt.widgets.Composite comp) {
            for (var child : comp.getChildren()) {
                collectTexts(child, out);
            }
        }
    }
}
