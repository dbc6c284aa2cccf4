package org.kerbscope.core.internal;

/** Whether this code runs inside an OSGi framework (the product, plug-in tests) or on a plain class path. */
public final class Osgi {
    private static final boolean RUNNING;

    static {
        boolean r;
        try {
            Class<?> fu = Class.forName("org.osgi.framework.FrameworkUtil");
            r = fu.getMethod("getBundle", Class.class).invoke(null, Osgi.class) != null;
        } catch (ReflectiveOperationException | LinkageError e) {
            r = false;
        }
        RUNNING = r;
    }

    private Osgi() {
    }

    public static boolean running() {
        return RUNNING;
    }
}
