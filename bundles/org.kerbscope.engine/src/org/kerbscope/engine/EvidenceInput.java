package org.kerbscope.engine;

import java.nio.file.Path;

/**
 * An outside file the user gave, with the kind they said it is ({@code eventlog}, {@code klist}, {@code dns},
 * {@code port-test}, …), or null to let the importers recognise it.
 */
public record EvidenceInput(String kind, Path file) {
}
