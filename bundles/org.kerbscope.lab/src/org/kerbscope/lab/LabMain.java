package org.kerbscope.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code lab} command: {@code lab --list}, {@code lab SCENARIO --out FILE.pcapng}, and {@code lab --samples DIR}
 * (every scenario into DIR with a README.md, as the product's samples are made). Exit status: 0 done as the story
 * says, 1 the run did not end as the scenario says, 2 bad usage or the scenario cannot run on this machine.
 */
public final class LabMain {

    private LabMain() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        // Kerby's KDC leaves a non-daemon network thread behind after it stops; the command is done.
        System.exit(status);
    }

    /** Runs the command and returns its exit status (for the product's CLI, which owns the process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--list")) {
            for (Scenario s : Scenario.values()) {
                out.printf("%-18s %s%n", s.id(), s.story());
                s.unavailable().ifPresent(why -> out.printf("%-18s (cannot run here: %s)%n", "", why));
            }
            return 0;
        }
        try {
            if (args[0].equals("--samples")) {
                if (args.length != 2) {
                    usage(err);
                    return 2;
                }
                return samples(Path.of(args[1]), out, err);
            }
            Optional<Scenario> s = Scenario.byId(args[0]);
            if (s.isEmpty()) {
                err.println("No scenario is called '" + args[0] + "'. Run 'lab --list' to see them.");
                return 2;
            }
            Path file = null;
            for (int i = 1; i < args.length; i++) {
                if ((args[i].equals("--out") || args[i].equals("-o")) && i + 1 < args.length) {
                    file = Path.of(args[++i]);
                } else {
                    err.println("Unknown argument: " + args[i]);
                    usage(err);
                    return 2;
                }
            }
            if (file == null) {
                file = Path.of(s.get().id() + ".pcapng");
            }
            if (s.get().unavailable().isPresent()) {
                err.println("Scenario " + s.get().id() + " cannot run here: " + s.get().unavailable().get());
                return 2;
            }
            ScenarioResult r = s.get().run(file);
            out.print(r.story());
            out.println("Wrote " + r.capture() + " (" + r.frames() + " frames) and " + r.keytab()
                    + (r.serverKeytab() != null ? " and " + r.serverKeytab() : "") + ".");
            if (!r.asExpected()) {
                err.println("The run ended as '" + r.clientResult() + "' where the scenario expects '" + s.get().clientResult() + "'.");
                return 1;
            }
            return 0;
        } catch (IOException e) {
            err.println("The lab failed: " + e.getMessage());
            return 2;
        }
    }

    /** Writes every scenario that can run here into {@code dir}, plus a README.md describing each. */
    public static int samples(Path dir, PrintStream out, PrintStream err) throws IOException {
        Files.createDirectories(dir);
        List<ScenarioResult> done = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int status = 0;
        for (Scenario s : Scenario.values()) {
            if (s.unavailable().isPresent()) {
                skipped.add(s.id() + ": " + s.unavailable().get());
                err.println("Skipped " + s.id() + ": " + s.unavailable().get());
                continue;
            }
            ScenarioResult r = s.run(dir.resolve(s.id() + ".pcapng"));
            out.println(s.id() + ": " + r.clientResult() + " " + r.clientDetail() + " (" + r.frames() + " frames, " + r.millis() + " ms)");
            if (!r.asExpected()) {
                err.println(s.id() + " ended as '" + r.clientResult() + "' where the scenario expects '" + s.clientResult() + "'.");
                status = 1;
            }
            done.add(r);
        }
        Files.writeString(dir.resolve("README.md"), readme(done, skipped));
        return status;
    }

    static String readme(List<ScenarioResult> results, List<String> skipped) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Kerbscope sample captures\n\n");
        sb.append("Each capture was recorded by the Kerbscope lab (`kerbscope lab SCENARIO --out FILE.pcapng`): a real Apache Kerby\n")
          .append("KDC, a DNS server, an IIS-like web site using the JDK's SPNEGO acceptor, and a browser-like client using the JDK's\n")
          .append("Kerberos and NTLM, all on loopback. A relay wrote their real bytes with the lab addresses of the guide: Client1\n")
          .append("192.168.2.101, the domain controller DCA 192.168.2.10 (DNS, KDC), IISServer 192.168.2.104. The realm is CONTOSO.COM,\n")
          .append("the user john (password `").append(Lab.PASSWORD).append("`).\n\n")
          .append("`NAME.keytab` holds every key of the lab KDC: open a capture with it to decrypt tickets and authenticators\n")
          .append("(`kerbscope analyze --keytab NAME.keytab NAME.pcapng`, or Wireshark's `kerberos.decrypt`/`kerberos.file`).\n")
          .append("The KDC is Kerby, not Active Directory: each answer is recorded as Kerby sent it, and the story says where a\n")
          .append("domain controller would answer otherwise. Every logon starts with Kerby's KDC_ERR_PREAUTH_REQUIRED (25), which\n")
          .append("is normal.\n\n");
        sb.append("| scenario | what happens | the client ended | findings expected |\n|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            sb.append("| `").append(r.scenario().id()).append("` | ").append(r.scenario().story().replace("|", "\\|"))
              .append(" | ").append(r.clientResult()).append(": ").append(r.clientDetail().replace("|", "\\|"))
              .append(" | ").append(r.scenario().findings().isEmpty() ? "none" : String.join(", ", r.scenario().findings()))
              .append(" |\n");
        }
        sb.append("\n## What each run did\n\n");
        for (ScenarioResult r : results) {
            sb.append("### ").append(r.scenario().id()).append("\n\nFiles: `").append(r.capture().getFileName()).append("`, `")
              .append(r.keytab().getFileName()).append('`');
            if (r.serverKeytab() != null) {
                sb.append(", `").append(r.serverKeytab().getFileName()).append("` (the web site's own, stale keytab)");
            }
            sb.append(". Evidence filter: `").append(r.scenario().evidenceFilter()).append("`.\n\n");
            for (String s : r.clientSteps()) {
                sb.append("- client: ").append(s).append('\n');
            }
            for (String s : r.serverEvents()) {
                sb.append("- web server: ").append(s).append('\n');
            }
            sb.append("- result: ").append(r.clientResult()).append(' ').append(r.clientDetail()).append("\n\n");
        }
        if (!skipped.isEmpty()) {
            sb.append("## Not generated on the machine that made these samples\n\n");
            for (String s : skipped) {
                sb.append("- ").append(s).append('\n');
            }
        }
        return sb.toString();
    }

    private static void usage(PrintStream p) {
        p.println("Usage: lab --list");
        p.println("       lab SCENARIO [--out FILE.pcapng]   record one scenario (keytab written beside the capture)");
        p.println("       lab --samples DIR                 record every scenario into DIR with a README.md");
    }
}
