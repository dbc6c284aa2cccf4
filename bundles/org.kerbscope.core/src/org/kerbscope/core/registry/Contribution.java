package org.kerbscope.core.registry;

import java.util.concurrent.atomic.AtomicReference;

import org.kerbscope.core.internal.Log;

/**
 * A descriptor for one contribution: its attributes are read at once, its class only when first used, inside a
 * guard. A contribution whose class is missing or whose constructor throws is logged with the contributor's
 * name, remembered as broken, and from then on yields nothing (the rest of the product keeps working).
 */
public abstract class Contribution<T> {
    private final ContributionElement element;
    private final Class<T> type;
    private final AtomicReference<Object> instance = new AtomicReference<>();
    private volatile String failure;
    /**
     * Read once: the engine asks for the id of every PDU it dissects, and a registry element looks its
     * attributes up each time it is asked.
     */
    private final String id;
    private final String name;

    protected Contribution(ContributionElement element, Class<T> type) {
        this.element = element;
        this.type = type;
        this.id = element.attribute("id");
        String n = element.attribute("name");
        this.name = n != null ? n : id;
    }

    public ContributionElement element() {
        return element;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String contributor() {
        return element.contributor();
    }

    /** Why this contribution could not be used, or null while it works. */
    public String failure() {
        return failure;
    }

    /** The contributed object, created on first call; null when the contribution is broken. */
    public T get() {
        Object o = instance.get();
        if (o == null && failure == null) {
            synchronized (this) {
                o = instance.get();
                if (o == null && failure == null) {
                    try {
                        Object created = element.createExecutable("class");
                        if (!type.isInstance(created)) {
                            throw new ClassCastException(created.getClass().getName() + " is not a " + type.getName());
                        }
                        instance.set(created);
                        o = created;
                    } catch (Throwable t) {
                        markBroken("cannot create " + element.attribute("class"), t);
                    }
                }
            }
        }
        return failure == null ? type.cast(o) : null;
    }

    /** Records that the contribution failed (when created or while it ran) and stops using it. */
    public void markBroken(String what, Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        failure = what + ": " + root;
        Log.error("Plug-in " + contributor() + " contributes a broken " + element.name() + " '" + id() + "': "
                + failure + " — it is skipped", t);
    }

    @Override
    public String toString() {
        return element.name() + " " + id() + " (" + contributor() + ")";
    }
}
