package org.kerbscope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.ui.tests.WorkbenchTest.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.engine.report.FlowDiagram;
import org.kerbscope.ui.Views;
import org.kerbscope.ui.internal.AnalysisService;
import org.kerbscope.ui.views.FindingsView;
import org.kerbscope.ui.views.FlowView;
import org.kerbscope.ui.editors.CaptureEditor;
import org.kerbscope.ui.editors.PacketPane;
import org.kerbscope.ui.wizard.GuidePage;
import org.kerbscope.ui.wizard.TroubleshootingWizard;

/**
 * A user's first minutes with the lab's samples, on real SWT: open the unknown-SPN capture, read the finding,
 * see the failing step in red in the flow, double-click to the KRB-ERROR frame and see its error code's bytes
 * highlighted; run the wizard over the NTLM-fallback sample to its summary and export the report.
 */
class SampleCaptureTest {

    static Path sample(String name) {
        return org.kerbscope.testing.RepoFiles.find("bundles/org.kerbscope.lab/samples/" + name + ".pcapng");
    }

    static Analysis openAndWait(Path capture) throws Exception {
        WorkbenchTest.waitForWorkbench();
        AtomicReference<Analysis> got = new AtomicReference<>();
        AnalysisService.Listener l = got::set;
        AnalysisService.get().addListener(l);
        try {
            ui(() -> {
                AnalysisService.get().open(capture, capture.getFileName().toString());
                return null;
            });
            for (int i = 0; i < 600 && (got.get() == null || got.get().capture() == null
                    || !capture.getFileName().toString().equals(got.get().capture().file())); i++) {
                Thread.sleep(50);
                ui(() -> {
                    while (Display.getCurrent().readAndDispatch()) {
                        // let the analysis' asyncExec reach the views
                    }
                    return null;
                });
            }
        } finally {
            AnalysisService.get().removeListener(l);
        }
        assertNotNull(got.get(), "the analysis finished");
        return got.get();
    }

    /** The dissection tree the packet pane shows for its selected frame, once shown (null after 20 s). */
    static FieldNode shownTree(PacketPane packets) throws InterruptedException {
        FieldNode tree = null;
        for (int i = 0; i < 400 && tree == null; i++) {
            Thread.sleep(50);
            tree = ui(packets::shownTree);
        }
        return tree;
    }

    /** The capture editor showing {@code capture}, or null when none is open. */
    static CaptureEditor editor(Path capture) {
        Path p = capture.toAbsolutePath().normalize();
        return ui(() -> {
            for (var w : PlatformUI.getWorkbench().getWorkbenchWindows()) {
                for (var r : w.getActivePage().getEditorReferences()) {
                    if (r.getEditor(false) instanceof CaptureEditor e && p.equals(e.session().path())) {
                        return e;
                    }
                }
            }
            return null;
        });
    }

    static <T> T view(String id, Class<T> type) {
        return ui(() -> {
            IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
            try {
                return type.cast(page.showView(id));
            } catch (org.eclipse.ui.PartInitException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void unknownSpnIsShownAsTheFailingTicketStep() throws Exception {
        Analysis a = openAndWait(sample("spn-unknown"));
        FindingsView findings = view(Views.FINDINGS, FindingsView.class);
        List<Finding> shown = ui(findings::shown);
        Finding spn = shown.stream().filter(f -> f.id().equals("kerberos.spn-unknown")).findFirst()
                .orElseThrow(() -> new AssertionError("kerberos.spn-unknown not listed: " + shown));

        FlowView flow = view(Views.FLOW, FlowView.class);
        assertEquals(0, spn.attempt(), "the finding names the attempt whose ticket step it failed");
        ui(() -> {
            flow.selectAttempt(spn.attempt());
            return null;
        });
        assertEquals("Outcome: failed — " + spn.title(), ui(flow::outcomeText));
        List<FlowDiagram.Arrow> arrows = ui(flow::arrows);
        assertTrue(arrows.stream().anyMatch(x -> x.step() == Step.TICKET && x.status() == StepStatus.FAILED),
                "the ticket arrow is failed (red): " + arrows);
        // below the capture editor the view is shorter than the flow: the failing arrow is scrolled into sight
        FlowDiagram.Arrow failed = arrows.stream().filter(x -> x.status() == StepStatus.FAILED).findFirst().orElseThrow();
        String failedLabel = failed.step().number() + ". " + failed.label();
        List<String> inSight = List.of();
        for (int i = 0; i < 100 && inSight.stream().noneMatch(l -> l.startsWith(failedLabel)); i++) {
            Thread.sleep(20);
            inSight = ui(flow::paintedLabels);
        }
        List<String> drawn = inSight;
        assertTrue(drawn.stream().anyMatch(l -> l.startsWith(failedLabel)), failedLabel + " is drawn in sight: " + drawn);

        long errorFrame = spn.evidence().stream().filter(e -> e.what().startsWith("KRB-ERROR")).mapToLong(Finding.Evidence::frame)
                .reduce((x, y) -> y).orElseThrow();
        CaptureEditor ed = editor(sample("spn-unknown"));
        assertNotNull(ed, "the capture opened in a capture editor");
        PacketPane packets = ed.packets();
        ui(() -> {
            findings.open(spn); // the double-click
            return null;
        });
        assertEquals(errorFrame, (long) ui(packets::selectedFrame), "double-click selects the KRB-ERROR frame");
        FieldNode tree = shownTree(packets);
        assertNotNull(tree, "the frame's dissection tree is shown");
        FieldNode code = tree.find("kerberos.error_code");
        assertNotNull(code, "the tree has the error-code field");
        FieldNode c = code;
        ui(() -> {
            packets.selectField(c);
            return null;
        });
        java.util.Set<Integer> lit = ui(packets::highlightedBytes);
        assertFalse(lit.isEmpty(), "the hex pane highlights the field");
        java.util.Set<Integer> expected = new java.util.TreeSet<>();
        for (int b = code.range().offset(); b < code.range().end(); b++) {
            expected.add(b);
        }
        assertEquals(expected, lit, "the highlighted bytes are exactly the error code's " + code.range());
        assertTrue(a.attempts().stream().anyMatch(x -> x.failedStep() != null && x.failedStep().step() == Step.TICKET));

        // a frame no dissector reads (the TCP handshake) is listed with what its network layers say, as in Wireshark
        var syn = ui(() -> packets.summary(9));
        assertEquals(List.of("192.168.2.101", "192.168.2.104", "TCP", "56866 → 80 [SYN] Len=0"),
                List.of(syn.source(), syn.destination(), syn.protocol(), syn.info()), "frame 9, the SYN");
        // the Kerberos frame's details begin with its own layers, folded as in Wireshark, the Kerberos message unfolded
        assertEquals(List.of("eth", "ip", "udp", "kerberos"), tree.children().stream().map(FieldNode::name)
                .filter(n -> !n.startsWith("frame.")).toList(), "the layers of the KRB-ERROR frame");
        List<String> open = ui(packets::expandedFields);
        assertTrue(open.contains("kerberos") && !open.contains("frame") && !open.contains("ip") && !open.contains("udp"),
                "unfolded: " + open);
        // and its details, like its row, say what the network layers hold: the SYN's flags, the addresses' bytes
        ui(() -> {
            packets.reveal(9);
            return null;
        });
        FieldNode handshake = null;
        for (int i = 0; i < 400 && (handshake == null || !handshake.label().startsWith("Frame 9:")); i++) {
            Thread.sleep(50);
            handshake = ui(packets::shownTree);
        }
        assertNotNull(handshake);
        assertEquals("Frame 9: 66 bytes on wire (528 bits), 66 bytes captured (528 bits)", handshake.label());
        assertEquals(1, handshake.find("tcp.flags.syn").value(), "the SYN bit");
        assertEquals("Flags: 0x002 (SYN)", handshake.find("tcp.flags").label());
        FieldNode src = handshake.find("ip.src");
        assertEquals("192.168.2.101", src.value());
        ui(() -> {
            packets.selectField(src);
            return null;
        });
        assertEquals(java.util.Set.of(26, 27, 28, 29), ui(packets::highlightedBytes), "the source address's bytes");
    }

    /**
     * Wireshark's context menus: a field of the details applied or prepared as a filter (alone, negated, joined to the
     * filter there is) and copied, and a frame's conversation as a filter.
     */
    @Test
    void theContextMenusMakeFiltersOfAFieldAndOfAConversation() throws Exception {
        Analysis a = openAndWait(sample("spn-unknown"));
        PacketPane packets = editor(sample("spn-unknown")).packets();
        ui(() -> packets.applyFilter(""));
        long errorFrame = a.events("kerberos").stream().filter(e -> e.integer("errorCode", 0) == 7).mapToLong(Event::frame)
                .findFirst().orElseThrow();
        long errors = a.events("kerberos").stream().filter(e -> e.integer("errorCode", 0) == 7).count();
        FieldNode tree = shownFrame(packets, errorFrame);
        FieldNode code = tree.find("kerberos.error_code");
        ui(() -> {
            packets.selectField(code);
            return null;
        });
        menu(packets.detailsMenu(), "Apply as Filter", "Selected");
        assertEquals("kerberos.error_code == 7", ui(packets::filterText));
        assertEquals(errors, (long) ui(packets::rows), "the KRB-ERROR 7 frames");
        // the filter there is, joined to another field, prepared (not applied) for the user to edit
        FieldNode tree2 = shownFrame(packets, errorFrame);
        FieldNode src = tree2.find("ip.src");
        ui(() -> {
            packets.selectField(src);
            return null;
        });
        menu(packets.detailsMenu(), "Prepare as Filter", "...and not Selected");
        assertEquals("(kerberos.error_code == 7) && !(ip.src == 192.168.2.10)", ui(packets::filterText));
        assertEquals(errors, (long) ui(packets::rows), "prepared, not applied");
        menu(packets.detailsMenu(), "Copy", "As Filter");
        assertEquals("ip.src == 192.168.2.10", ui(() -> (String) new org.eclipse.swt.dnd.Clipboard(
                org.eclipse.swt.widgets.Display.getCurrent()).getContents(org.eclipse.swt.dnd.TextTransfer.getInstance())));
        // a node the filter does not read (the Kerberos message's encrypted part) gives no filter
        FieldNode cipher = tree2.find("kerberos.ENCTYPE") != null ? tree2.find("kerberos.ENCTYPE") : tree2.find("kerberos.pvno");
        if (cipher != null) {
            ui(() -> {
                packets.selectField(cipher);
                return null;
            });
            assertFalse(enabled(packets.detailsMenu(), "Apply as Filter", "Selected"), cipher.name() + " is not filterable");
        }
        // the web connection of the SYN in frame 9, either way
        ui(() -> packets.applyFilter(""));
        ui(() -> {
            packets.reveal(9);
            return null;
        });
        assertFalse(enabled(packets.listMenu(), "Conversation Filter", "IPv6"), "no IPv6 in frame 9");
        assertFalse(enabled(packets.listMenu(), "Conversation Filter", "UDP"), "frame 9 is TCP");
        menu(packets.listMenu(), "Conversation Filter", "TCP");
        String conv = ui(packets::filterText);
        assertEquals("ip.addr == 192.168.2.101 && ip.addr == 192.168.2.104 && tcp.port == 56866 && tcp.port == 80", conv);
        List<Long> kept = new java.util.ArrayList<>();
        try (var f = org.kerbscope.capture.CaptureFile.open(sample("spn-unknown"))) {
            for (long n = 1; n <= a.capture().frames(); n++) {
                String info = org.kerbscope.engine.FrameHeaders.of(f.frame(n)).info();
                if (info.startsWith("56866 → 80 ") || info.startsWith("80 → 56866 ")) {
                    kept.add(n);
                }
            }
        }
        for (Event e : a.events("http")) {
            if (e.src().port() == 56866 || e.dst().port() == 56866) {
                kept.add(e.frame());
            }
        }
        java.util.Collections.sort(kept);
        List<Long> connection = kept.stream().distinct().toList();
        assertEquals(connection, filtered(packets, conv), "the connection's frames, either way");
        // Follow TCP Stream: the connection's frames listed, its bytes shown, the client's red and the server's blue
        ui(() -> packets.applyFilter(""));
        ui(() -> {
            packets.reveal(9);
            return null;
        });
        menu(packets.listMenu(), "Follow", "TCP Stream");
        org.kerbscope.ui.editors.FollowStreamDialog follow = null;
        for (int i = 0; i < 400 && follow == null; i++) {
            Thread.sleep(25);
            follow = ui(packets::lastFollow);
        }
        assertNotNull(follow, "the Follow TCP Stream window opened");
        org.kerbscope.ui.editors.FollowStreamDialog d = follow;
        String text = ui(d::shownText);
        assertTrue(text.startsWith("GET / HTTP/1.1\r\n"), text);
        int response = text.indexOf("HTTP/1.1 401 Unauthorized");
        assertTrue(response > 0, text);
        assertEquals(org.kerbscope.ui.editors.FollowStreamDialog.clientColour(), ui(() -> d.colourAt(0)), "the request in red");
        assertEquals(org.kerbscope.ui.editors.FollowStreamDialog.serverColour(), ui(() -> d.colourAt(response)),
                "the answer in blue");
        assertEquals("192.168.2.101:56866", d.stream().client());
        String streamFilter = ui(packets::filterText);
        assertTrue(streamFilter.matches("tcp\\.stream eq \\d+"), streamFilter);
        assertEquals(connection, filtered(packets, streamFilter), "the stream's frames listed");
        ui(() -> {
            d.showAs(1);
            return null;
        });
        assertTrue(ui(d::shownText).startsWith("00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1.."),
                ui(d::shownText));
        ui(d::close);
        ui(() -> packets.applyFilter(""));
    }

    /** The frame's details once shown. */
    private static FieldNode shownFrame(PacketPane packets, long n) throws Exception {
        ui(() -> {
            packets.reveal(n);
            return null;
        });
        FieldNode t = null;
        for (int i = 0; i < 400 && (t == null || !t.label().startsWith("Frame " + n + ":")); i++) {
            Thread.sleep(25);
            t = ui(packets::shownTree);
        }
        assertNotNull(t, "frame " + n + " shown");
        return t;
    }

    /** Chooses a context menu's item, as a click on each level would (the menu shown, then the item selected). */
    private static void menu(org.eclipse.jface.action.MenuManager manager, String... path) throws Exception {
        ui(() -> {
            org.eclipse.swt.widgets.MenuItem item = item(manager, path);
            assertTrue(item.isEnabled(), String.join(" > ", path) + " is enabled");
            item.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
            return null;
        });
    }

    private static boolean enabled(org.eclipse.jface.action.MenuManager manager, String... path) throws Exception {
        return ui(() -> item(manager, path).isEnabled());
    }

    private static org.eclipse.swt.widgets.MenuItem item(org.eclipse.jface.action.MenuManager manager, String... path) {
        org.eclipse.swt.widgets.Menu menu = manager.getMenu();
        org.eclipse.swt.widgets.MenuItem item = null;
        for (String label : path) {
            menu.notifyListeners(org.eclipse.swt.SWT.Show, new org.eclipse.swt.widgets.Event());
            item = null;
            List<String> seen = new java.util.ArrayList<>();
            for (org.eclipse.swt.widgets.MenuItem i : menu.getItems()) {
                seen.add(i.getText());
                if (i.getText().equals(label)) {
                    item = i;
                }
            }
            assertNotNull(item, label + " among " + seen);
            menu = item.getMenu();
        }
        return item;
    }

    @Test
    void aPacketCapturedTwiceIsListedAsTheRepeatOfItsFirstFrame(@TempDir Path dir) throws Exception {
        // every frame of a lab capture twice, 3 microseconds apart (a mirror port copying both directions)
        Path twice = dir.resolve("spn-unknown-twice.pcapng");
        try (var out = Files.newOutputStream(twice); var w = new org.kerbscope.capture.PcapngWriter(out, 1, 262144);
                var f = org.kerbscope.capture.CaptureFile.open(sample("spn-unknown")); var r = f.reader()) {
            for (var fr = r.next(); fr != null; fr = r.next()) {
                byte[] b = new byte[fr.capturedLength()];
                fr.data().get(0, b);
                w.write(fr.timeNanos(), b, fr.originalLength(), null);
                w.write(fr.timeNanos() + 3_000, b, fr.originalLength(), null);
            }
        }
        Analysis a = openAndWait(twice);
        assertEquals(8, a.events("kerberos").size(), "each Kerberos message once");
        PacketPane packets = editor(twice).packets();
        var first = ui(() -> packets.summary(1));
        var repeat = ui(() -> packets.summary(2));
        assertEquals("DNS", first.protocol(), "the first copy is dissected");
        assertEquals(List.of("192.168.2.101", "192.168.2.10", "UDP"),
                List.of(repeat.source(), repeat.destination(), repeat.protocol()));
        assertTrue(repeat.info().startsWith("[repeat of frame 1] "), repeat.info());
        ui(() -> {
            packets.reveal(2);
            return null;
        });
        FieldNode tree = shownTree(packets);
        assertNotNull(tree, "the repeat's details are shown");
        FieldNode mark = tree.find("frame.repeat_of");
        assertNotNull(mark, "the details say which frame it repeats: " + tree);
        assertEquals(1L, ((Number) mark.value()).longValue());
    }

    @Test
    void twoCapturesOpenInTwoEditorsAndTheViewsFollowTheActiveOne() throws Exception {
        Path spn = sample("spn-unknown");
        Path ntlm = sample("ntlm-fallback");
        openAndWait(spn);
        openAndWait(ntlm);
        CaptureEditor first = editor(spn);
        CaptureEditor second = editor(ntlm);
        assertNotNull(first, "the first capture is still open");
        assertNotNull(second);
        assertTrue(first != second, "one editor per capture");
        FindingsView findings = view(Views.FINDINGS, FindingsView.class);
        java.util.function.Supplier<List<String>> ids = () -> findings.shown().stream().map(Finding::id).toList();
        for (int round = 0; round < 2; round++) {
            ui(() -> {
                first.getSite().getPage().activate(first);
                return null;
            });
            List<String> shown = ui(ids);
            assertTrue(shown.contains("kerberos.spn-unknown") && !shown.contains("http.ntlm-fallback"),
                    "the unknown-SPN capture's findings: " + shown);
            ui(() -> {
                second.getSite().getPage().activate(second);
                return null;
            });
            shown = ui(ids);
            assertTrue(shown.contains("http.ntlm-fallback"), "the NTLM-fallback capture's findings: " + shown);
        }
        ui(() -> first.getSite().getPage().closeEditor(second, false));
        List<String> after = ui(ids);
        assertTrue(after.contains("kerberos.spn-unknown"), "closing an editor shows the one left: " + after);
    }

    @Test
    void theDisplayFilterKeepsOnlyMatchingFramesAndExplainsABadOne() throws Exception {
        Analysis a = openAndWait(sample("spn-unknown"));
        PacketPane packets = editor(sample("spn-unknown")).packets();
        int all = ui(packets::rows);
        assertEquals(a.capture().frames(), all, "every frame is listed");
        assertEquals(null, ui(() -> packets.applyFilter("kerberos.errorCode == 7")));
        int errors = ui(packets::rows);
        long expected = a.events("kerberos").stream().filter(e -> e.integer("errorCode", 0) == 7).map(e -> e.frame()).distinct().count();
        assertEquals(expected, errors, "only the KRB-ERROR 7 frames stay");
        assertTrue(errors > 0 && errors < all);
        String why = ui(() -> packets.applyFilter("kerberos.errorCode =="));
        assertTrue(why != null && why.contains("value is missing"), "a bad filter says why: " + why);
        assertTrue(ui(packets::filterFields).containsAll(List.of("kerberos.errorCode", "ip.addr", "tcp.port")),
                "completion offers the fields");
        // a negative filter keeps the frames without events too: every frame but the Kerberos ones
        java.util.Set<Long> kerberos = new java.util.TreeSet<>();
        a.events("kerberos").forEach(e -> kerberos.add(e.frame()));
        assertEquals(null, ui(() -> packets.applyFilter("!kerberos")));
        assertEquals(all - kerberos.size(), (int) ui(packets::rows), "every frame but the Kerberos ones");
        long firstKerberos = kerberos.iterator().next();
        ui(() -> {
            packets.list().setSelection((int) firstKerberos - 1); // the row the first Kerberos frame had
            packets.list().notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
            return null;
        });
        long next = firstKerberos + 1;
        while (kerberos.contains(next)) {
            next++;
        }
        assertEquals(next, (long) ui(packets::selectedFrame), "the first frame after the hidden ones took their row");
        // the frames' own layers, as Wireshark users filter: every frame is asked, those without messages too (the
        // TCP handshake and acknowledgements of the web connection)
        java.util.Set<Long> http = new java.util.TreeSet<>();
        a.events("http").forEach(e -> http.add(e.frame()));
        List<Long> handshake = new java.util.ArrayList<>(), dc = new java.util.ArrayList<>();
        try (var f = org.kerbscope.capture.CaptureFile.open(sample("spn-unknown"))) {
            for (long n = 1; n <= all; n++) {
                var h = org.kerbscope.engine.FrameHeaders.of(f.frame(n));
                if (h.protocol().equals("TCP") && (h.info().startsWith("80 ") || h.info().contains("→ 80 "))
                        && !http.contains(n)) {
                    handshake.add(n);
                }
                if (h.source().equals("192.168.2.10") || h.destination().equals("192.168.2.10")) {
                    dc.add(n);
                }
            }
        }
        assertTrue(handshake.size() >= 3 && !dc.isEmpty(), handshake + " " + dc);
        assertEquals(handshake, filtered(packets, "tcp.port == 80 && !http"), "the web connection's frames without HTTP");
        assertEquals(dc, filtered(packets, "ip.addr == 192.168.2.10"), "every frame to or from the domain controller");
        // a field of the layers the filter does not read: said so in the status line, not a silently empty list
        assertEquals(null, ui(() -> packets.applyFilter("tcp.analysis.retransmission")));
        String status = ui(packets::statusText);
        assertTrue(status.contains("tcp.analysis.retransmission matches no frame"), status);
        assertEquals(null, ui(() -> packets.applyFilter("kerberos")));
        assertTrue(!ui(packets::statusText).contains("matches no frame"), "no warning for the messages' own fields");
        ui(() -> packets.applyFilter(""));
        assertEquals(all, (int) ui(packets::rows));
    }

    /** The frames listed once a filter of the frames' headers has read them all. */
    private static List<Long> filtered(PacketPane packets, String filter) throws Exception {
        assertEquals(null, ui(() -> packets.applyFilter(filter)));
        for (int i = 0; i < 400 && ui(packets::filtering); i++) {
            Thread.sleep(25);
        }
        assertFalse(ui(packets::filtering), "the filter has read every frame");
        int rows = ui(packets::rows);
        List<Long> out = new java.util.ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int row = r;
            out.add(ui(() -> packets.frameAt(row)));
        }
        return out;
    }

    @Test
    void theWizardWalksTheNtlmFallbackSampleToItsSummaryAndExportsTheReport(@TempDir Path dir) throws Exception {
        Path capture = sample("ntlm-fallback");
        Path report = dir.resolve("report.html");
        java.util.List<String> summary = new java.util.ArrayList<>();
        java.util.Map<String, String> pages = walkWizard(capture, w -> {
            summary.add(ui(() -> w.summaryPage().shownText()));
            assertTrue(ui(() -> w.summaryPage().export(report)));
        });
        String ticketVerdict = pages.get("TICKET");
        assertNotNull(ticketVerdict);
        assertTrue(ticketVerdict.contains("klist get"), ticketVerdict);
        assertNotNull(editor(capture), "the wizard's capture is open in a capture editor");
        assertTrue(ticketVerdict.contains("KRB-ERROR 7") || ticketVerdict.contains("spn-unknown"),
                "the ticket page shows why: " + ticketVerdict);
        assertTrue(summary.get(0).contains("ntlm-fallback"), summary.get(0));
        assertTrue(summary.get(0).contains("http.ntlm-fallback"), summary.get(0));
        String html = Files.readString(report);
        assertTrue(html.contains("http.ntlm-fallback") && html.contains("<svg"), "the report has the finding and the flow");
    }

    /** HTTPS: the steps TLS hides are said to be encrypted, with what reads them (the key log, the site's log). */
    @Test
    void theWizardSaysWhatReadsTheEncryptedStepsOfAnHttpsSite() throws Exception {
        java.util.Map<String, String> pages = walkWizard(sample("https-success"), w -> { });
        String eventLog = pages.get("EVENT_LOG");
        assertTrue(eventLog.startsWith("Verdict: encrypted (HTTPS). Add the browser's TLS key log (SSLKEYLOGFILE) in"
                + " Preferences > Kerbscope > TLS key logs"), eventLog);
        assertTrue(eventLog.contains("[not seen] 8."), eventLog);
        // the ticket exchange is in clear: its page has nothing encrypted to say
        assertTrue(!pages.get("TICKET").startsWith("Verdict: encrypted") && pages.get("TICKET").contains("[ok] 6."),
                pages.get("TICKET"));
    }

    /** The browser's TLS key log given in the wizard: the encrypted steps are read, and the key log is kept for later. */
    @Test
    void aTlsKeyLogGivenInTheWizardOpensTheHttpsSteps() throws Exception {
        Path fixtures = org.kerbscope.testing.RepoFiles.find("bundles/org.kerbscope.dissect.http.tests/resources/tls-keylog");
        Path keylog = fixtures.resolve("tls13.keylog");
        var prefs = org.eclipse.core.runtime.preferences.InstanceScope.INSTANCE.getNode("org.kerbscope.ui");
        try {
            java.util.Map<String, String> pages = walkWizard(fixtures.resolve("https-tls13.pcapng"), keylog, w -> { });
            String credentials = pages.get("DEFAULT_CREDENTIALS");
            assertTrue(credentials.contains("[ok] 4. ") && credentials.contains("401 offering Negotiate, NTLM"), credentials);
            assertTrue(credentials.contains("[ok] 8. ") && credentials.contains("HTTP 200 with mutual authentication"), credentials);
            assertTrue(!pages.get("EVENT_LOG").startsWith("Verdict: encrypted"), pages.get("EVENT_LOG"));
            assertEquals(List.of(keylog), org.kerbscope.ui.internal.Preferences.options().tlsKeylogs());
        } finally {
            prefs.remove("tlsKeylogs");
        }
    }

    /**
     * HTTPS over HTTP/2 read with the key log, where the site refused Windows authentication over HTTP/2
     * (GOAWAY HTTP_1_1_REQUIRED) and the client did not ask again: the wizard's web page says step 7 failed, why, and
     * what to run on the server.
     */
    @Test
    void theWizardExplainsAnHttp2RefusalReadWithTheKeyLog() throws Exception {
        Path fixtures = org.kerbscope.testing.RepoFiles.find("bundles/org.kerbscope.dissect.http.tests/resources/tls-keylog");
        var prefs = org.eclipse.core.runtime.preferences.InstanceScope.INSTANCE.getNode("org.kerbscope.ui");
        try {
            java.util.Map<String, String> pages = walkWizard(fixtures.resolve("https-h2-goaway-http11-required.pcapng"),
                    fixtures.resolve("h2-goaway-http11-required.keylog"), w -> { });
            String web = pages.get("DEFAULT_CREDENTIALS");
            assertTrue(web.contains("[ok] 4. ") && web.contains("401 offering Negotiate, NTLM"), web);
            assertTrue(web.contains("[FAILED] 7. ") && web.contains("HTTP_1_1_REQUIRED"), web);
            assertTrue(web.contains("EnableHttp2Tls"), web);
            assertTrue(pages.get("TICKET").contains("[ok] 6."), pages.get("TICKET"));
        } finally {
            prefs.remove("tlsKeylogs");
        }
    }

    interface WizardCheck {
        void accept(TroubleshootingWizard w) throws Exception;
    }

    /**
     * Opens the troubleshooting wizard on {@code capture}, walks it from the inputs to the summary, lets {@code atSummary}
     * look at the summary page, and closes it. Returns each guide page's verdict, shown text and commands by page name.
     */
    private static java.util.Map<String, String> walkWizard(Path capture, WizardCheck atSummary) throws Exception {
        return walkWizard(capture, null, atSummary);
    }

    /** As {@link #walkWizard(Path, WizardCheck)}, with the browser's TLS key log given on the inputs page. */
    private static java.util.Map<String, String> walkWizard(Path capture, Path keylog, WizardCheck atSummary)
            throws Exception {
        WorkbenchTest.waitForWorkbench();
        AtomicReference<WizardDialog> dialog = new AtomicReference<>();
        AtomicReference<TroubleshootingWizard> wizard = new AtomicReference<>();
        ui(() -> {
            TroubleshootingWizard w = new TroubleshootingWizard();
            WizardDialog d = new WizardDialog(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(), w);
            d.setBlockOnOpen(false);
            d.open();
            w.inputsPage().setCapture(capture.toString());
            if (keylog != null) {
                w.inputsPage().setTlsKeylog(keylog.toString());
            }
            wizard.set(w);
            dialog.set(d);
            return null;
        });
        java.util.Map<String, String> pages = new java.util.LinkedHashMap<>();
        try {
            // Next: inputs → environment (the analysis runs), then the five guide pages, then the summary
            for (int page = 0; page < 7; page++) {
                ui(() -> {
                    dialog.get().showPage(dialog.get().getCurrentPage().getNextPage());
                    return null;
                });
                Object current = ui(() -> dialog.get().getCurrentPage());
                if (current instanceof GuidePage g) {
                    pages.put(g.getName(), ui(g::verdictText) + "\n" + ui(g::shownText) + "\n" + ui(g::commandsText));
                }
            }
            atSummary.accept(wizard.get());
        } finally {
            ui(() -> dialog.get().close());
        }
        return pages;
    }
}
