package org.kerbscope.engine;

/** Told how far an analysis has come; may ask it to stop. */
public interface Progress {
    Progress NONE = new Progress() {
    };

    /** Called now and then with the bytes read so far and the file size. */
    default void worked(long done, long total) {
    }

    default boolean cancelled() {
        return false;
    }
}
