package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;

import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The coverage-guided fuzz targets (Jazzer). Without {@code JAZZER_FUZZ} each method replays its regression inputs,
 * {@code KerbscopeFuzzTestInputs/<method>/} beside this class: the seeds {@link SeedWriter} cut from the lab captures
 * and every crash input a campaign ever found. With {@code JAZZER_FUZZ=1} (see {@code releng/fuzz-campaign}) Jazzer
 * mutates them, guided by coverage, for {@code jazzer.max_duration}. {@link SeedReplayTest} runs the same targets
 * over the same folders without Jazzer's agent, for the OSGi build.
 */
class KerbscopeFuzzTest {
    /** A campaign sets its own duration; in regression mode this is unused. */
    private static final String MAX = "2m";

    /**
     * Jazzer reads the regression inputs through a file or jar URL; inside OSGi the bundle's URLs are neither, and
     * {@link SeedReplayTest} replays the same folders there. In regression mode Jazzer's hooks (its sanitizers for
     * injection bugs) are switched off: they need an agent that self-attaches only when the Jazzer jar is on the
     * system class path (not under the JUnit console's {@code -jar} launch nor in OSGi), and the contract these
     * targets check (exceptions, time, allocation) needs no hook. A campaign ({@code JAZZER_FUZZ=1}) keeps them.
     */
    @BeforeAll
    static void regressionModeWithoutAgent() {
        URL inputs = KerbscopeFuzzTest.class.getResource("KerbscopeFuzzTestInputs");
        assumeTrue(inputs != null && ("file".equals(inputs.getProtocol()) || "jar".equals(inputs.getProtocol())),
                "Jazzer cannot list the regression inputs at " + inputs + "; SeedReplayTest replays them");
        String fuzz = System.getenv("JAZZER_FUZZ");
        if (fuzz == null || fuzz.isEmpty()) {
            System.setProperty("jazzer.hooks", "false");
        }
    }

    /** The libpcap reader. */
    @FuzzTest(maxDuration = MAX)
    void pcap(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("pcap", data), "pcap: the input broke the contract (see Bounded)");
    }

    /** The pcapng reader. */
    @FuzzTest(maxDuration = MAX)
    void pcapng(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("pcapng", data), "pcapng: the input broke the contract (see Bounded)");
    }

    /** The Network Monitor reader. */
    @FuzzTest(maxDuration = MAX)
    void netmon(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("netmon", data), "netmon: the input broke the contract (see Bounded)");
    }

    /** The snoop (RFC 1761) reader. */
    @FuzzTest(maxDuration = MAX)
    void snoop(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("snoop", data), "snoop: the input broke the contract (see Bounded)");
    }

    /** Link/IP/TCP/UDP decoding, reassembly and the engine's dispatch. */
    @FuzzTest(maxDuration = MAX)
    void network(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("network", data), "network: the input broke the contract (see Bounded)");
    }

    /** The whole analysis: reading, every service profile and check, the reports. */
    @FuzzTest(maxDuration = MAX)
    void analysis(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("analysis", data), "analysis: the input broke the contract (see Bounded)");
    }

    /** Outside evidence analysed with a lab capture: the importers, every service profile and check, the reports. */
    @FuzzTest(maxDuration = MAX)
    void evidenceAnalysis(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("evidenceAnalysis", data),
                "evidenceAnalysis: the input broke the contract (see Bounded)");
    }

    /** The Kerberos dissector (with the lab keytab: decryption too). */
    @FuzzTest(maxDuration = MAX)
    void kerberos(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("kerberos", data), "kerberos: the input broke the contract (see Bounded)");
    }

    /** The SPNEGO/GSS dissector. */
    @FuzzTest(maxDuration = MAX)
    void kpasswd(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("kpasswd", data), "kpasswd: the input broke the contract (see Bounded)");
    }

    /** The SPNEGO/GSS dissector. */
    @FuzzTest(maxDuration = MAX)
    void spnego(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("spnego", data), "spnego: the input broke the contract (see Bounded)");
    }

    /** The NTLMSSP dissector. */
    @FuzzTest(maxDuration = MAX)
    void ntlmssp(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("ntlmssp", data), "ntlmssp: the input broke the contract (see Bounded)");
    }

    /** The TLS dissector and framer (the clear hellos and alerts of HTTPS). */
    @FuzzTest(maxDuration = MAX)
    void tls(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("tls", data), "tls: the input broke the contract (see Bounded)");
    }

    /** HTTPS read with the key log: hostile plaintext in records that open, to the HTTP/1.x and HTTP/2 readers. */
    @FuzzTest(maxDuration = MAX)
    void tlsDecrypted(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("tlsDecrypted", data),
                "tlsDecrypted: the input broke the contract (see Bounded)");
    }

    /** HTTP/2's HPACK decoder, over a run of header blocks (the dynamic table carried from one to the next). */
    @FuzzTest(maxDuration = MAX)
    void hpack(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("hpack", data), "hpack: the input broke the contract (see Bounded)");
    }

    /** The HTTP dissector and framer. */
    @FuzzTest(maxDuration = MAX)
    void http(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("http", data), "http: the input broke the contract (see Bounded)");
    }

    /** The DNS dissector. */
    @FuzzTest(maxDuration = MAX)
    void dns(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("dns", data), "dns: the input broke the contract (see Bounded)");
    }

    /** The SMB2/SMB dissector. */
    @FuzzTest(maxDuration = MAX)
    void smb2(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("smb2", data), "smb2: the input broke the contract (see Bounded)");
    }

    /** The LDAP dissector. */
    @FuzzTest(maxDuration = MAX)
    void ldap(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("ldap", data), "ldap: the input broke the contract (see Bounded)");
    }

    /** Keytab loading and decryption. */
    @FuzzTest(maxDuration = MAX)
    void keytab(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("keytab", data), "keytab: the input broke the contract (see Bounded)");
    }

    /** The klist importer. */
    @FuzzTest(maxDuration = MAX)
    void klist(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("klist", data), "klist: the input broke the contract (see Bounded)");
    }

    /** The event XML importer. */
    @FuzzTest(maxDuration = MAX)
    void eventXml(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("eventXml", data), "eventXml: the input broke the contract (see Bounded)");
    }

    /** The EVTX reader (Binary XML in a valid chunk). */
    @FuzzTest(maxDuration = MAX)
    void evtx(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("evtx", data), "evtx: the input broke the contract (see Bounded)");
    }

    /** The other command-output importers. */
    @FuzzTest(maxDuration = MAX)
    void evidenceText(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("evidenceText", data), "evidenceText: the input broke the contract (see Bounded)");
    }

    /** The display filter parser. */
    @FuzzTest(maxDuration = MAX)
    void displayFilter(byte[] data) {
        assertDoesNotThrow(() -> FuzzTargets.run("displayFilter", data), "displayFilter: the input broke the contract (see Bounded)");
    }
}
