package org.kerbscope.fuzz.tests;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.time.Duration;

import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * The time and allocation contract every fuzz target asserts: one input takes at most {@link #TIME} and the
 * thread that reads it allocates at most {@link #allowance(int)} bytes (a parser that allocates what a length field
 * claims instead of what is present fails here long before the heap runs out).
 */
public final class Bounded {
    /** Time per input; a lab capture takes a few milliseconds, so this only trips on a hang or a blow-up. */
    public static final Duration TIME = Duration.ofSeconds(Long.getLong("kerbscope.fuzz.seconds", 2));

    /** Base allocation allowance per input: the analysis of a lab capture allocates a few MiB. */
    static final long BASE_BYTES = 96L << 20;

    private static final Object BEAN = ManagementFactory.getThreadMXBean();
    private static final java.lang.management.ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    private static final Method ALLOCATED = allocatedMethod();

    private Bounded() {
    }

    /** Bytes one input of {@code length} bytes may make its reader allocate. */
    public static long allowance(int length) {
        return BASE_BYTES + 512L * length;
    }

    /**
     * Runs {@code body} under the contract.
     *
     * @param inputLength the size of the input, for the allocation allowance
     */
    public static <T> T run(String what, int inputLength, ThrowingSupplier<T> body) {
        if (Boolean.getBoolean("kerbscope.fuzz.inline")) {
            // Jazzer's own fuzzing mode bounds time (-timeout) itself, and a thread per input would slow it down
            try {
                return measured(what, inputLength, body);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new AssertionError(what + " threw " + e, e);
            }
        }
        long classes = CLASSES.getTotalLoadedClassCount();
        String late = what + " took longer than " + TIME.toMillis() + " ms on a " + inputLength + "-byte input";
        try {
            return assertTimeoutPreemptively(TIME, () -> measured(what, inputLength, body), () -> late);
        } catch (org.opentest4j.AssertionFailedError e) {
            if (!String.valueOf(e.getMessage()).startsWith(late) || CLASSES.getTotalLoadedClassCount() == classes) {
                throw e;
            }
            // The first input of a JVM loads the classes it reaches (under Jazzer it also instruments them), which can
            // take seconds on a busy machine: that is not the input's doing. Time the same input again, warm.
            return assertTimeoutPreemptively(TIME, () -> measured(what, inputLength, body), () -> late);
        }
    }

    private static <T> T measured(String what, int inputLength, ThrowingSupplier<T> body) throws Throwable {
        long classes = CLASSES.getTotalLoadedClassCount();
        long before = allocated();
        T result = body.get();
        long after = allocated();
        if (before >= 0 && after >= 0 && after - before > allowance(inputLength)
                && CLASSES.getTotalLoadedClassCount() != classes) {
            // Loading classes allocates in the loading thread (under Jazzer also their instrumentation, hundreds of
            // MiB for the first input): that is not the input's doing. Targets are deterministic, so measure the
            // same input again, warm.
            before = allocated();
            result = body.get();
            after = allocated();
        }
        if (before >= 0 && after >= 0 && after - before > allowance(inputLength)) {
            throw new AssertionError(what + " allocated " + (after - before) + " bytes for a " + inputLength
                    + "-byte input (allowance " + allowance(inputLength) + ")");
        }
        return result;
    }

    /** Bytes the current thread allocated so far, or -1 when the JVM cannot tell. */
    static long allocated() {
        if (ALLOCATED == null) {
            return -1;
        }
        try {
            return (long) ALLOCATED.invoke(BEAN, Thread.currentThread().threadId());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    // Reflection rather than an import: com.sun.management is not among the packages an OSGi framework exports.
    private static Method allocatedMethod() {
        try {
            Class<?> c = Class.forName("com.sun.management.ThreadMXBean", false, ClassLoader.getSystemClassLoader());
            if (!c.isInstance(BEAN)) {
                return null;
            }
            Method m = c.getMethod("getThreadAllocatedBytes", long.class);
            m.invoke(BEAN, Thread.currentThread().threadId());
            return m;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
