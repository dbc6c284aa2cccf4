package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.JsonReport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A lab capture compressed with gzip gives the analysis of the capture itself, whether the analysis opens the file
 * or reads the one the workbench already holds open (decompressed once); so does one the zstd and lz4 command-line
 * tools compressed (the files in {@code fixtures/}: {@code zstd} 1.5.4 and {@code lz4} 1.9.4, each the sample's two
 * halves as two frames, the second lz4 frame in linked 64 KiB blocks).
 */
class CompressedCaptureTest {
    @TempDir
    Path dir;

    @Test
    void aCompressedCaptureHasTheFindingsOfTheCaptureItHolds() throws IOException {
        Path sample = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples/spn-unknown.pcapng");
        Path gz = dir.resolve("spn-unknown.pcapng.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(sample, out);
        }
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        JsonNode plain = JsonReport.toJson(analyzer.analyze(sample, "capture", List.of(), Progress.NONE));
        assertTrue(plain.get("findings").size() > 0, "a sample with findings");

        Analysis opened = analyzer.analyze(gz, "capture", List.of(), Progress.NONE);
        assertEquals(plain, JsonReport.toJson(opened), "the same document, findings included");

        try (CaptureFile held = CaptureFile.open(gz)) {
            long frames = held.index().size();
            Analysis read = analyzer.analyzeOpen(held, "capture", List.of(), Progress.NONE);
            assertEquals(plain, JsonReport.toJson(read), "read from the open file: the same document");
            assertEquals(frames, held.index().size());
            assertEquals(read.capture().frames(), frames);
            held.frame(frames); // still open and readable after the analysis
        }
        ObjectNode capture = (ObjectNode) JsonReport.toJson(opened).get("capture");
        assertEquals("pcapng", capture.get("format").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"spn-unknown.pcapng.zst", "spn-unknown.pcapng.lz4"})
    void whatTheZstdAndLz4ToolsWriteHasTheFindingsOfTheCaptureItHolds(String name) throws IOException {
        Path compressed = UnionTest.root().resolve("bundles/org.kerbscope.engine.tests/fixtures").resolve(name);
        JsonNode plain = UnionTest.document(UnionTest.sample("spn-unknown.pcapng"));
        JsonNode doc = UnionTest.document(compressed);
        assertEquals(plain, doc, "the same document, findings included, and no diagnostic");
    }
}
