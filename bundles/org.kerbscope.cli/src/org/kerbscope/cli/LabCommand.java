package org.kerbscope.cli;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.eclipse.core.runtime.Platform;
import org.kerbscope.core.internal.Osgi;
import org.osgi.framework.Bundle;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code kerbscope lab SCENARIO --out FILE.pcapng}: regenerates a lab scenario with a real KDC, DNS and web server
 * on loopback. The lab is its own plug-in; without it the command says so.
 */
@Command(name = "lab", description = "Records a lab scenario: lab SCENARIO --out FILE.pcapng, or lab --list")
public final class LabCommand implements Callable<Integer> {
    /**
     * Every argument, in the order given: the lab reads its own ({@code SCENARIO --out FILE}). Split into
     * parameters and unmatched options, "--out FILE" would lose its place (FILE went before "--out").
     */
    @Unmatched
    List<String> all = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Class<?> main;
        try {
            if (Osgi.running()) {
                Bundle b = Platform.getBundle("org.kerbscope.lab");
                if (b == null) {
                    System.err.println("kerbscope lab: the lab plug-in (org.kerbscope.lab) is not installed");
                    return 2;
                }
                main = b.loadClass("org.kerbscope.lab.LabMain");
            } else {
                main = Class.forName("org.kerbscope.lab.LabMain");
            }
        } catch (ClassNotFoundException e) {
            System.err.println("kerbscope lab: the lab plug-in (org.kerbscope.lab) is not installed");
            return 2;
        }
        Method run = main.getMethod("run", String[].class, java.io.PrintStream.class, java.io.PrintStream.class);
        Object r = run.invoke(null, all.toArray(String[]::new), System.out, System.err);
        return r instanceof Integer i ? i : 0;
    }
}
