package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.ui.tests.SampleCaptureTest.editor;
import static org.kerbscope.ui.tests.SampleCaptureTest.openAndWait;
import static org.kerbscope.ui.tests.SampleCaptureTest.sample;
import static org.kerbscope.ui.tests.SampleCaptureTest.view;
import static org.kerbscope.ui.tests.WorkbenchTest.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.net.bench.BigScenarioCapture;
import org.kerbscope.ui.Views;
import org.kerbscope.ui.views.DiagnosticsView;

/**
 * The Diagnostics view (Wireshark's Expert Information) on real SWT: a capture damaged at its end and a capture with
 * SMB traffic that the base product has no plug-in for list what could not be read, and a double-click on a row with a
 * frame selects that frame in the capture editor.
 */
class DiagnosticsViewTest {
    @TempDir
    Path dir;

    @Test
    void aCaptureCutShortSaysWhereAndTheRestIsStillAnalysed() throws Exception {
        byte[] whole = Files.readAllBytes(sample("spn-unknown"));
        Path cut = Files.write(dir.resolve("spn-unknown-cut.pcapng"), Arrays.copyOf(whole, whole.length - 100));
        Analysis a = openAndWait(cut);
        assertTrue(a.findings().stream().anyMatch(f -> f.id().equals("kerberos.spn-unknown")),
                "the frames before the damage are analysed: " + a.findings());
        DiagnosticsView view = view(Views.DIAGNOSTICS, DiagnosticsView.class);
        List<DiagnosticsView.Row> rows = ui(view::shown);
        assertEquals(1, rows.size(), rows::toString);
        assertTrue(rows.get(0).message().contains("the file was cut short"), rows::toString);
        assertEquals("1 diagnostic", ui(view::getContentDescription));
    }

    @Test
    void smbWithoutItsPlugInIsNamedAndADoubleClickShowsItsFirstFrame() throws Exception {
        Path capture = dir.resolve("busy-with-smb.pcap");
        BigScenarioCapture.generate(List.of(sample("spn-unknown")), capture, 3 << 20, 7, 0);
        openAndWait(capture);
        DiagnosticsView view = view(Views.DIAGNOSTICS, DiagnosticsView.class);
        List<DiagnosticsView.Row> rows = ui(view::shown);
        DiagnosticsView.Row smb = rows.stream().filter(r -> r.protocol().equals("smb2")).findFirst()
                .orElseThrow(() -> new AssertionError("no row about SMB in " + rows));
        assertTrue(smb.message().contains("org.kerbscope.cifs.feature"), smb::toString);
        assertTrue(smb.frame() > 0, smb::toString);
        var packets = editor(capture).packets();
        assertNotNull(packets);
        String status = "";
        for (int i = 0; i < 200 && !status.contains("Diagnostics view"); i++) {
            Thread.sleep(20);
            status = ui(packets::statusText);
        }
        assertTrue(status.contains("What could not be read: " + rows.size() + " in the Diagnostics view."),
                "the packet list's status line points to the view: " + status);
        ui(() -> {
            view.open(smb); // the double-click
            return null;
        });
        assertEquals(smb.frame(), (long) ui(packets::selectedFrame), "the first SMB conversation's frame is selected");
        String detail = ui(view::detail);
        assertTrue(detail.startsWith("Frame " + smb.frame() + ", smb2:") && detail.contains("kerbscope install REPOSITORY"
                + " org.kerbscope.cifs.feature"), "the whole message is shown beside the table: " + detail);
    }
}
