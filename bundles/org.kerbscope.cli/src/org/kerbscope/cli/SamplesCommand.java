package org.kerbscope.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** {@code kerbscope samples}: lists the sample captures. */
@Command(name = "samples", mixinStandardHelpOptions = true, description = "Lists the sample captures (analyze --sample NAME).")
public final class SamplesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var names = Samples.names();
        if (names.isEmpty()) {
            System.out.println("No samples: the lab plug-in is not installed.");
        }
        names.forEach(System.out::println);
        return 0;
    }
}
