package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** tshark as these tests' oracle: whether it is installed, its output, and the captures it is asked about. */
final class Tshark {
    private Tshark() {
    }

    static boolean installed() {
        try {
            return run(List.of("tshark", "-v")) != null;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** A command's output lines, read as Latin-1 (tshark writes names found in packets as raw bytes); null when it cannot start. */
    static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish: " + command);
        String text = new String(out, StandardCharsets.ISO_8859_1);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** The lab's samples, then the reference corpus' captures when it lies beside the repository (ETW ones aside: tshark 4.0 does not open their packets). */
    static List<Path> captures() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(UnionTest.root().resolve("bundles/org.kerbscope.lab/samples"))) {
            s.filter(p -> p.toString().endsWith(".pcapng")).sorted().forEach(out::add);
        }
        Path corpus = UnionTest.root().resolveSibling("shared").resolve("corpus/captures");
        if (!Files.isDirectory(corpus)) {
            corpus = Path.of("/work/shared/corpus/captures");
        }
        if (Files.isDirectory(corpus)) {
            try (Stream<Path> s = Files.walk(corpus)) {
                s.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted()
                        .forEach(out::add);
            }
        }
        return out;
    }
}
