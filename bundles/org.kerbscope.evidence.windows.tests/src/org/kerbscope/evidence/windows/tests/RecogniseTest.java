package org.kerbscope.evidence.windows.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.registry.ImporterContribution;
import org.kerbscope.core.registry.PluginXmlContributionSource;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.EvidenceImporter;

/**
 * The importers contributed by this bundle's plugin.xml, asked for the best match the way the CLI asks: each file
 * lands with the importer of its content, whatever its name says (klist output saved as events.xml, a port test
 * called dns.txt).
 */
class RecogniseTest {

    private static List<ImporterContribution> importers() throws IOException {
        Registries reg = Registries.of(new PluginXmlContributionSource(Fixtures.repo().resolve("bundles")));
        List<ImporterContribution> mine = reg.importers().stream()
                .filter(i -> i.contributor().equals("org.kerbscope.evidence.windows")).toList();
        assertEquals(7, mine.size(), "the seven importers of plugin.xml");
        return mine;
    }

    private static String best(Path file, String nameUserGave) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        }
        ImporterContribution best = null;
        int score = 0;
        for (ImporterContribution c : importers()) {
            EvidenceImporter i = c.get();
            assertNotNull(i, c.id() + " cannot be created: " + c.failure());
            int s = i.recognise(nameUserGave, head);
            if (s > score) {
                score = s;
                best = c;
            }
        }
        return best == null ? null : best.kind();
    }

    @Test
    void contentDecidesNotTheName() throws IOException {
        assertEquals("klist", best(Fixtures.data("klist-get.txt"), "events.xml"));
        assertEquals("klist", best(Fixtures.data("klist-get-error.txt"), "output.txt"));
        assertEquals("klist", best(Fixtures.data("klist-mit.txt"), "dns.txt"));
        assertEquals("dns", best(Fixtures.data("resolve-dnsname.txt"), "klist.txt"));
        assertEquals("dns", best(Fixtures.data("nslookup.txt"), "out.txt"));
        assertEquals("port-test", best(Fixtures.data("tnc-failed.txt"), "dns.txt"));
        assertEquals("setspn", best(Fixtures.data("setspn.txt"), "klist.txt"));
        assertEquals("web-request", best(Fixtures.data("invoke-webrequest.txt"), "x.txt"));
        assertEquals("auditpol", best(Fixtures.data("auditpol.txt"), "events.txt"));
    }

    @Test
    void nothingClaimsAnUnrelatedFile() throws IOException {
        Path f = Files.createTempFile("kerbscope", ".txt");
        try {
            Files.writeString(f, "Lorem ipsum dolor sit amet.\n");
            assertEquals(null, best(f, "notes.txt"));
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void evtxAndEventXmlGoToTheEventLogImporter() throws IOException {
        Optional<Path> shared = Fixtures.shared();
        Assumptions.assumeTrue(shared.isPresent(), "the reference corpus (../shared) is absent");
        Path files = shared.get().resolve("corpus/evidence/files/sbousseaden");
        assertEquals("eventlog", best(files.resolve("CA_4624_4625_LogonType2_LogonProc_chrome.evtx"), "klist.txt"));
        assertEquals("eventlog", best(files.resolve("CA_4624_4625_LogonType2_LogonProc_chrome.evtx.xml"), "dns.txt"));
    }
}
