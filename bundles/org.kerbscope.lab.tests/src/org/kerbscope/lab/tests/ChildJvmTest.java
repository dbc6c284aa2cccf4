package org.kerbscope.lab.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.kerbscope.lab.internal.ChildJvm;

/** The child JVMs find the lab's classes where this JVM loaded them from, or where the property says. */
class ChildJvmTest {

    @Test
    void classPathHoldsTheChildClasses() throws Exception {
        String cp = ChildJvm.classPath();
        boolean found = false;
        for (String entry : cp.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            found |= Files.isDirectory(p) ? Files.isRegularFile(p.resolve("org/kerbscope/lab/child/LabClient.class"))
                    : Files.isRegularFile(p);
        }
        assertTrue(found, "no entry of " + cp + " holds the lab's child classes");
    }

    @Test
    void thePropertyOverridesDiscovery() throws Exception {
        String before = System.getProperty(ChildJvm.CLASSPATH_PROPERTY);
        try {
            System.setProperty(ChildJvm.CLASSPATH_PROPERTY, "/opt/lab/classes");
            assertEquals("/opt/lab/classes", ChildJvm.classPath());
        } finally {
            if (before == null) {
                System.clearProperty(ChildJvm.CLASSPATH_PROPERTY);
            } else {
                System.setProperty(ChildJvm.CLASSPATH_PROPERTY, before);
            }
        }
    }
}
