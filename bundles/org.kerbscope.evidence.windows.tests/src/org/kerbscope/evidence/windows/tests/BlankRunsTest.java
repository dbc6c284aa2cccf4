package org.kerbscope.evidence.windows.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.evidence.windows.AuditpolImporter;
import org.kerbscope.evidence.windows.DnsImporter;
import org.kerbscope.evidence.windows.KlistImporter;
import org.kerbscope.evidence.windows.PortTestImporter;
import org.kerbscope.evidence.windows.SecurityEventLogImporter;
import org.kerbscope.evidence.windows.SetspnImporter;
import org.kerbscope.evidence.windows.WebRequestImporter;
import org.kerbscope.evidence.windows.internal.Text;

/**
 * A line with a very long run of blanks (a padded or damaged paste) is read like the same line with an ordinary
 * column gap: before, patterns that try a blank run at each of its positions took 16 s on 20,000 blanks
 * (auditpol), and more than 3 s nslookup's "*** can't find", setspn's header and klist's "Client:".
 */
class BlankRunsTest {
    @TempDir
    Path dir;

    private static final String BLANKS = " ".repeat(60_000);

    @Test
    void aLongBlankRunKeepsItsFirstSixtyFourBlanksAndTheWordsAroundIt() {
        List<String> lines = Text.lines("x" + " ".repeat(20_000) + "y\r\nName      Type\n\t\u000B\f" + "\t".repeat(100) + "z\rend");
        assertEquals(List.of("x" + " ".repeat(Text.MAX_BLANK_RUN) + "y", "Name      Type",
                ("\t\u000B\f" + "\t".repeat(100)).substring(0, Text.MAX_BLANK_RUN) + "z", "end"), lines);
        // lines with shorter runs are the file's own characters
        String table = "Name                                   Type   TTL   Section    IPAddress";
        assertEquals(List.of(table, ""), Text.lines(table + "\n\n"));
    }

    @Test
    void everyTextImporterReadsHostileBlankRunsPromptly() throws IOException {
        List<EvidenceImporter> importers = List.of(new AuditpolImporter(), new DnsImporter(), new SetspnImporter(),
                new KlistImporter(), new PortTestImporter(), new WebRequestImporter(), new SecurityEventLogImporter());
        List<String> hostile = List.of(
                "Category/Subcategory   Setting\nLogon/Logoff\n  x" + BLANKS + "y\n",
                "*** " + BLANKS + " Success\n",
                "Registered ServicePrincipalNames for " + BLANKS + " Success\n",
                "Client: x" + BLANKS + "y Success\n",
                "Account Name: x" + BLANKS + "y\n");
        for (String text : hostile) {
            Path file = Files.writeString(dir.resolve("pasted.txt"), text);
            for (EvidenceImporter importer : importers) {
                // a hang guard, not a speed measure: in the square of 60,000 blanks they took minutes; now milliseconds
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Fixtures.run(importer, file),
                        importer.getClass().getSimpleName() + " on " + text.substring(0, 20).strip() + "…");
            }
        }
    }

    @Test
    void anAuditpolRowWithAWideGapIsStillARow() throws IOException {
        Path file = Files.writeString(dir.resolve("auditpol.txt"), "System audit policy\nCategory/Subcategory"
                + " ".repeat(300) + "Setting\nLogon/Logoff\n  Logon" + " ".repeat(5000) + "No Auditing\n");
        Fixtures.Result r = Fixtures.run(new AuditpolImporter(), file);
        List<EvidenceItem> audit = r.items();
        assertEquals(1, audit.size(), r.toString());
        assertTrue(audit.get(0).fields().toString().contains("Logon") && audit.get(0).fields().toString().contains("No Auditing"),
                audit.get(0).fields().toString());
    }
}
