package org.kerbscope.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.swt.dnd.DropTarget;
import org.eclipse.swt.dnd.DropTargetAdapter;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.swt.dnd.FileTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Shell;
import org.kerbscope.capture.CaptureFile;

/** Captures and evidence files dropped on the window: a capture opens, other files join as evidence. */
final class Dropped {
    private Dropped() {
    }

    static void install(Shell shell, int ops) {
        DropTarget t = new DropTarget(shell, ops);
        t.setTransfer(new Transfer[] {FileTransfer.getInstance()});
        t.addDropListener(new DropTargetAdapter() {
            @Override
            public void drop(DropTargetEvent event) {
                if (event.data instanceof String[] files) {
                    open(files);
                }
            }
        });
    }

    static void open(String[] files) {
        for (String f : files) {
            Path p = Path.of(f);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            boolean capture;
            try {
                CaptureFile.detect(p);
                capture = true;
            } catch (java.io.IOException e) {
                capture = false;
            }
            if (capture) {
                AnalysisService.get().open(p, f);
            } else {
                AnalysisService.get().addEvidence(null, p);
            }
        }
    }
}
