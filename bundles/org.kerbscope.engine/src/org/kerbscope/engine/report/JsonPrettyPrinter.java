package org.kerbscope.engine.report;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;

/**
 * Jackson's {@link DefaultPrettyPrinter}, byte for byte, with the text between an object's entries (separator, line
 * end, indentation) encoded once per nesting level instead of per entry. A large capture's document has millions of
 * entries, and the default printer hands each its separator, line end and indentation as characters, which the
 * generator encodes one by one (the largest part of the writing's own time in a profile of a 1 GiB capture).
 */
public final class JsonPrettyPrinter extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;
    /** Levels encoded ahead; deeper ones (no document of ours has them) are encoded when written. */
    private static final int LEVELS = 16;

    /** The line end and indentation of each level, as the default indenter writes them. */
    private static final class Indenter implements DefaultPrettyPrinter.Indenter, java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final String eol = DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.getEol();
        private final String indent = DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.getIndent();
        private final SerializedString[] levels = new SerializedString[LEVELS];

        Indenter() {
            for (int i = 0; i < LEVELS; i++) {
                levels[i] = new SerializedString(text("", i));
            }
        }

        String text(String before, int level) {
            return before + eol + indent.repeat(Math.max(0, level));
        }

        @Override
        public void writeIndentation(JsonGenerator g, int level) throws IOException {
            if (level >= 0 && level < LEVELS) {
                g.writeRaw(levels[level]);
            } else {
                g.writeRaw(text("", level));
            }
        }

        @Override
        public boolean isInline() {
            return false;
        }
    }

    private final Indenter indenter;
    private final SerializedString fieldValueSeparator;
    private final SerializedString[] entrySeparators = new SerializedString[LEVELS];

    public JsonPrettyPrinter() {
        indenter = new Indenter();
        _objectIndenter = indenter;
        fieldValueSeparator = new SerializedString(_objectFieldValueSeparatorWithSpaces);
        for (int i = 0; i < LEVELS; i++) {
            entrySeparators[i] = new SerializedString(indenter.text(_objectEntrySeparator, i));
        }
    }

    private JsonPrettyPrinter(JsonPrettyPrinter base) {
        super(base);
        indenter = base.indenter;
        fieldValueSeparator = base.fieldValueSeparator;
        System.arraycopy(base.entrySeparators, 0, entrySeparators, 0, LEVELS);
    }

    /** A printer per document, as Jackson asks of stateful printers (it counts the nesting). */
    @Override
    public JsonPrettyPrinter createInstance() {
        return new JsonPrettyPrinter(this);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(fieldValueSeparator);
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        if (_nesting >= 0 && _nesting < LEVELS) {
            g.writeRaw(entrySeparators[_nesting]);
        } else {
            super.writeObjectEntrySeparator(g);
        }
    }
}
