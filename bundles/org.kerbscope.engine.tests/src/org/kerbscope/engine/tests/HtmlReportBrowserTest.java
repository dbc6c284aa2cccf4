package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.CaptureInfo;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.engine.report.HtmlReport;

/**
 * The HTML report in a real browser: headless Chromium opens it from disk with networking off, takes a
 * screenshot, and the page must show the flow diagram with the failing arrow in red, and request nothing
 * outside itself (Chromium's own network log is read to prove it).
 */
class HtmlReportBrowserTest {

    static Analysis spnUnknown() {
        Analysis a = new Analysis();
        a.setCapture(new CaptureInfo("spn-unknown.pcapng", "pcapng", 24, 1_669_597_170_073_843_000L, 1_669_597_170_187_576_000L));
        AuthAttempt at = new AuthAttempt(0, "192.168.2.101", new Endpoint("192.168.2.104", 80), "http");
        at.setHost("iisserver.contoso.com");
        at.setSpn("HTTP/iisserver.contoso.com");
        at.steps().add(new StepResult(Step.NAME_RESOLUTION, StepStatus.OK, List.of(1L, 2L), "iisserver.contoso.com → 192.168.2.104"));
        at.steps().add(new StepResult(Step.CONNECT, StepStatus.OK, List.of(3L, 4L), "TCP handshake"));
        at.steps().add(new StepResult(Step.ANONYMOUS_REQUEST, StepStatus.OK, List.of(6L), "GET / without credentials"));
        at.steps().add(new StepResult(Step.CHALLENGE, StepStatus.OK, List.of(7L), "401 offering Negotiate, NTLM"));
        at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.OK, List.of(9L), "TGS-REQ for HTTP/iisserver.contoso.com"));
        at.steps().add(new StepResult(Step.TICKET, StepStatus.FAILED, List.of(10L), "KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN"));
        at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_SEEN, List.of(), "no credentials sent"));
        at.steps().add(new StepResult(Step.AUTHORIZED, StepStatus.NOT_SEEN, List.of(), "never reached"));
        at.setOutcome(Outcome.FAILED);
        a.attempts().add(at);
        a.findings().add(new Finding("kerberos.spn-unknown", Severity.ERROR, Step.TICKET, 0,
                "The KDC does not know the service principal HTTP/iisserver.contoso.com <script>alert(1)</script>",
                "Step 6 failed.", List.of(Finding.Evidence.frame(10, "KRB-ERROR 7")),
                List.of("setspn -Q HTTP/iisserver.contoso.com", "setspn -S HTTP/iisserver.contoso.com CONTOSO\\IISSERVER$")));
        return a;
    }

    @Test
    void theReportRendersTheFlowWithTheFailingArrowAndLoadsNothingFromOutside(@TempDir Path dir) throws Exception {
        String html = HtmlReport.render(spnUnknown(), true);
        assertFalse(html.contains("<script>"), "text from captures is escaped");
        assertTrue(html.contains("class=\"arrow failed\" data-step=\"ticket\""), "the ticket arrow is marked failed");
        assertTrue(html.contains(">Server</text>") && !html.contains(">Proxy</text>"), "a web site's lane is the server's");
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "headless Chromium is not installed (Debian: chromium); skipped");
        Path page = dir.resolve("report.html");
        Files.writeString(page, html);
        Path png = dir.resolve("shot.png");
        Path netlog = dir.resolve("netlog.json");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + dir.resolve("profile"),
                "--log-net-log=" + netlog, "--window-size=1200,1000", "--screenshot=" + png, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "Chromium finished");
        assertTrue(Files.size(png) > 0, "a screenshot was written");
        BufferedImage img = ImageIO.read(png.toFile());
        int red = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                if (r > 170 && g < 90 && b < 90) {
                    red++;
                }
            }
        }
        assertTrue(red > 200, "the failing arrow is drawn in red (" + red + " red pixels)");
        // Chromium's own background fetches (update checks, time) have no page origin; what the page asked for
        // carries the file:// origin in its network isolation key
        JsonNode log = new ObjectMapper().readTree(netlog.toFile());
        Map<Integer, String> types = new HashMap<>();
        log.path("constants").path("logEventTypes").fields().forEachRemaining(e -> types.put(e.getValue().asInt(), e.getKey()));
        List<String> outside = new ArrayList<>();
        int pageRequests = 0;
        for (JsonNode e : log.path("events")) {
            JsonNode params = e.path("params");
            if (!"URL_REQUEST_START_JOB".equals(types.get(e.path("type").asInt())) || !params.has("url")) {
                continue;
            }
            String url = params.path("url").asText();
            if (params.path("network_isolation_key").asText().startsWith("file://")) {
                pageRequests++;
                if (!url.startsWith("file:") && !url.startsWith("data:")) {
                    outside.add(url);
                }
            }
        }
        assertEquals(List.of(), outside, "the report requested nothing outside itself");
    }
}
