package org.kerbscope.core.spi;

import java.io.IOException;
import java.nio.file.Path;

import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.EvidenceFile;
import org.kerbscope.core.model.EvidenceItem;

/**
 * Reads one kind of outside evidence (klist output, a Security event log, Resolve-DnsName output, …).
 * Contributed through {@code org.kerbscope.core.evidenceImporters} with the kind it reads and its file
 * patterns. An importer never writes to the file, and a line it cannot read is a diagnostic, not a failure.
 */
public interface EvidenceImporter {

    /** How sure (0–100) the importer is that a file is its kind, from its name and first bytes. */
    int recognise(String fileName, byte[] head);

    /** Reads the file (where the user keeps it) into the sink. Throws only when the file cannot be read at all. */
    void read(Path file, Sink sink) throws IOException;

    /** Where an importer puts what it read. */
    interface Sink {
        void item(EvidenceItem item);

        void diagnostic(Diagnostic diagnostic);

        /** Called once at the end with the file's summary. */
        void file(EvidenceFile file);
    }
}
