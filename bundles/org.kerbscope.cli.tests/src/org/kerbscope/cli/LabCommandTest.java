package org.kerbscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code kerbscope lab SCENARIO --out FILE.pcapng}, as the README and {@code lab --help} write it. */
class LabCommandTest {
    @TempDir
    Path dir;

    @Test
    void theLabGetsItsArgumentsInTheOrderGiven() {
        CommandLine cli = new CommandLine(new Kerbscope());
        CommandLine.ParseResult r = cli.parseArgs("lab", "spn-unknown", "--out", "x.pcapng");
        LabCommand lab = (LabCommand) r.subcommand().commandSpec().userObject();
        assertEquals(List.of("spn-unknown", "--out", "x.pcapng"), lab.all);
    }

    @Test
    void recordsAScenarioIntoTheFileNamed() throws IOException {
        Path out = dir.resolve("success.pcapng");
        int status = new CommandLine(new Kerbscope()).execute("lab", "success-udp", "--out", out.toString());
        assertEquals(0, status, "exit status");
        assertTrue(Files.size(out) > 1000, "a capture was written: " + out);
        assertTrue(Files.isRegularFile(dir.resolve("success.keytab")), "the keytab beside it");
        byte[] head = Files.readAllBytes(out);
        assertEquals(0x0A0D0D0A, java.nio.ByteBuffer.wrap(head, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(),
                "a pcapng section header");
    }
}
