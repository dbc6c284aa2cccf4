package org.kerbscope.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One node of a dissection tree, as Wireshark's {@code proto_tree_add_item} makes them: a field name
 * ({@code kerberos.error_code}), the text a user reads, the value, and the bytes it came from.
 * <p>
 * The range is relative to the data source of the tree's root: the frame itself, or the reassembled
 * buffer named by {@link #source()} when a PDU spans several frames.
 */
public final class FieldNode {
    private final String name;
    private final String label;
    private final Object value;
    private ByteRange range;
    private final List<FieldNode> children = new ArrayList<>(4);
    private boolean malformed;
    private String source = "frame";

    public FieldNode(String name, String label, Object value, ByteRange range) {
        this.name = name;
        this.label = label;
        this.value = value;
        this.range = range;
    }

    /** Adds a child and returns it, so that callers can keep descending. */
    public FieldNode add(String childName, String childLabel, Object childValue, int offset, int length) {
        FieldNode child = new FieldNode(childName, childLabel, childValue,
                new ByteRange(Math.max(0, offset), Math.max(0, length)));
        child.source = source;
        children.add(child);
        return child;
    }

    /**
     * Widens this node to end at {@code end}: a header whose extensions follow it and belong to it (IPv6's extension
     * headers, which Wireshark shows inside the IPv6 node). Never narrows it.
     */
    public void cover(int end) {
        if (end > range.end()) {
            range = new ByteRange(range.offset(), end - range.offset());
        }
    }

    /** Marks the bytes under this node as not what the protocol allows, with the reason as a child. */
    public FieldNode malformed(String reason, int offset, int length) {
        FieldNode m = add("_ws.malformed", "[Malformed: " + reason + "]", reason, offset, length);
        m.malformed = true;
        this.malformed = true;
        return m;
    }

    public String name() { return name; }
    public String label() { return label; }
    public Object value() { return value; }
    public ByteRange range() { return range; }
    public List<FieldNode> children() { return Collections.unmodifiableList(children); }
    public boolean isMalformed() { return malformed; }
    /** "frame", or the name of a reassembled data source such as "Reassembled TCP (3 segments)". */
    public String source() { return source; }
    public void setSource(String source) { this.source = source; }

    /** Depth-first search for the first node with that field name. */
    public FieldNode find(String fieldName) {
        if (name.equals(fieldName)) {
            return this;
        }
        for (FieldNode c : children) {
            FieldNode f = c.find(fieldName);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return label;
    }
}
