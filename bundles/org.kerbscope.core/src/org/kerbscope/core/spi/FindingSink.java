package org.kerbscope.core.spi;

import org.kerbscope.core.model.Finding;

/** Where checks put what they found. */
public interface FindingSink {
    void report(Finding finding);
}
