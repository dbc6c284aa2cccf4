package org.kerbscope.ui.editors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.PlatformObject;
import org.eclipse.jface.resource.ImageDescriptor;
import org.eclipse.ui.IPathEditorInput;
import org.eclipse.ui.IPersistableElement;

/**
 * A capture file on disk as the input of the {@link CaptureEditor}. Two inputs of the same file are equal, so the
 * workbench brings the open editor to the front instead of opening a second one. It is not persisted: the
 * recent-files list reopens captures, and a capture of millions of frames should not be read again unasked at
 * start-up.
 */
public final class CaptureEditorInput extends PlatformObject implements IPathEditorInput {
    private final Path path;
    private final String label;

    public CaptureEditorInput(Path path, String label) {
        this.path = Objects.requireNonNull(path).toAbsolutePath().normalize();
        this.label = label;
    }

    /** The capture file. */
    public Path file() {
        return path;
    }

    /** How the user named it (a sample's name, the path they typed). */
    public String label() {
        return label != null ? label : path.toString();
    }

    @Override
    public IPath getPath() {
        return IPath.fromOSString(path.toString());
    }

    @Override
    public boolean exists() {
        return Files.isRegularFile(path);
    }

    @Override
    public ImageDescriptor getImageDescriptor() {
        return org.eclipse.jface.resource.ResourceLocator.imageDescriptorFromBundle("org.kerbscope.ui", "icons/kerbscope16.png")
                .orElse(null);
    }

    @Override
    public String getName() {
        return String.valueOf(path.getFileName());
    }

    @Override
    public IPersistableElement getPersistable() {
        return null;
    }

    @Override
    public String getToolTipText() {
        return path.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaptureEditorInput i && i.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }
}
