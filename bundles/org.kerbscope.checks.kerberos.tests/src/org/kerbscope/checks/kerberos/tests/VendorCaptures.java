package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.testing.KerberosFacts;
import org.kerbscope.testing.RepoFiles;

/** The other vendors' captures in {@code resources/} (made by releng/mit-krb5-fixture and releng/samba-ad-fixture). */
final class VendorCaptures {
    private VendorCaptures() {
    }

    /** A capture of one folder of {@code resources/}, e.g. ("samba-ad", "samba-web"). */
    static Path capture(String folder, String name) {
        return RepoFiles.find("bundles/org.kerbscope.checks.kerberos.tests/resources/" + folder + "/" + name + ".pcapng");
    }

    static Analysis analyze(String folder, String name) throws Exception {
        Path c = capture(folder, name);
        return new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(c, name, List.of(), Progress.NONE);
    }

    static List<Finding> withId(Analysis a, String id) {
        return a.findings().stream().filter(f -> f.id().equals(id)).toList();
    }

    static String titles(Analysis a) {
        return a.findings().stream().map(f -> f.severity() + " " + f.id() + ": " + f.title()).toList().toString();
    }

    /** The capture's Kerberos messages as tshark lists them against the analysis' events; skipped without tshark. */
    static void assertKerberosAsTsharkReadsIt(Path capture, Analysis a) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(KerberosFacts.tshark() != null, "tshark is not installed");
        List<String> theirs = KerberosFacts.byTshark(capture);
        assertTrue(!theirs.isEmpty(), capture.toString());
        assertEquals(theirs, KerberosFacts.byAnalysis(a), capture.toString());
    }
}
