package org.kerbscope.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kerbscope} command line: {@code analyze}, {@code lab}, {@code samples}, {@code help [COMMAND]}. */
@Command(name = "kerbscope", mixinStandardHelpOptions = true, versionProvider = Kerbscope.Version.class,
        description = "Troubleshoots Kerberos / Negotiate authentication from captures and Windows evidence.",
        subcommands = {AnalyzeCommand.class, LabCommand.class, SamplesCommand.class, CommandLine.HelpCommand.class})
public final class Kerbscope implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Runs the command line and returns the exit status (0, 1 for error findings, 2 for bad usage). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Kerbscope());
        cl.getSubcommands().get("analyze").getCommandSpec().usageMessage().footer(AnalyzeCommand.limitsHelp());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            System.err.println("kerbscope: " + reason(ex));
            return 2;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("kerbscope: " + ex.getMessage());
            return 2;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // not an exception to picocli: without this the JVM would exit 1, which means "error findings"
            System.err.println("kerbscope: " + reason(e));
            return 2;
        }
    }

    /** The one-line reason for a failed run; for a heap too small, how to give it more. */
    static String reason(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return "the Java heap is too small for this analysis (" + t.getMessage() + "): it holds every"
                        + " authentication attempt; give it more, e.g. KERBSCOPE_VMARGS=-Xmx4g";
            }
        }
        return ex.getMessage();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Kerbscope.class.getPackage().getImplementationVersion();
            return new String[] {"Kerbscope " + (v != null ? v : "0.1.0")};
        }
    }
}
