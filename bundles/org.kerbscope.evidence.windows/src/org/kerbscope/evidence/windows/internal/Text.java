package org.kerbscope.evidence.windows.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Console output as users save it: PowerShell 5.1's {@code >} and {@code Out-File} write UTF-16LE with a byte
 * order mark, PowerShell 7 UTF-8, cmd.exe the OEM code page (plain ASCII for these commands). The importers read
 * the file only, never write it.
 */
public final class Text {
    /** Console output larger than this is not console output; the rest is not read. */
    public static final int MAX_BYTES = 64 << 20;
    private static final Pattern PROMPT = Pattern.compile(
            "^\\s*(?:PS [A-Za-z]:\\\\[^>]*>|[A-Za-z]:\\\\[^>]*>|\\$ |# |[\\w.-]+@[\\w.-]+(?::[^$#\\s]*)?[$#] ).*");

    private Text() {
    }

    /** The file's text, and whether it was cut at {@link #MAX_BYTES}. */
    public record Content(String text, boolean truncated) {
    }

    public static Content read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_BYTES + 1);
            boolean cut = b.length > MAX_BYTES;
            return new Content(decode(b, cut ? MAX_BYTES : b.length), cut);
        }
    }

    public static String decode(byte[] b) {
        return decode(b, b.length);
    }

    /** Decodes by byte order mark, then by the NUL pattern of UTF-16 ASCII text, then UTF-8, else Windows-1252. */
    public static String decode(byte[] b, int len) {
        if (len >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
            return new String(b, 2, (len - 2) & ~1, StandardCharsets.UTF_16LE);
        }
        if (len >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
            return new String(b, 2, (len - 2) & ~1, StandardCharsets.UTF_16BE);
        }
        if (len >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            return new String(b, 3, len - 3, StandardCharsets.UTF_8);
        }
        if (len >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) {
            return new String(b, 0, len & ~1, StandardCharsets.UTF_16LE);
        }
        if (len >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0) {
            return new String(b, 0, len & ~1, StandardCharsets.UTF_16BE);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, 0, len)).toString();
        } catch (CharacterCodingException e) {
            // a UTF-8 sequence cut at the end of a truncated head is still UTF-8
            if (len > 4 && e instanceof java.nio.charset.MalformedInputException
                    && looksUtf8(b, Math.max(0, len - 4))) {
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            return new String(b, 0, len, Charset.forName("windows-1252"));
        }
    }

    private static boolean looksUtf8(byte[] b, int upTo) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, 0, upTo));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The longest run of blanks (spaces, tabs, vertical tabs, form feeds) a line keeps. The tools' outputs align
     * columns with far fewer, and the importers split on runs of blanks rather than count columns; while a pattern
     * that lets a blank run be tried at every position of a longer one (a lazy group before {@code \s+} or
     * {@code \s*$}) would take time in the square of its length: a 20,000-blank line took 16 s.
     */
    public static final int MAX_BLANK_RUN = 64;

    /**
     * Lines without their terminators (CR LF, LF or CR); line i of the list is line i+1 of the file. A run of blanks
     * longer than {@link #MAX_BLANK_RUN} keeps its first {@link #MAX_BLANK_RUN}.
     */
    public static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        int run = 0;
        boolean longRun = false;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(line(text, start, i, longRun));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
                run = 0;
                longRun = false;
            } else if (isBlank(c)) {
                longRun |= ++run > MAX_BLANK_RUN;
            } else {
                run = 0;
            }
        }
        if (start < n) {
            out.add(line(text, start, n, longRun));
        }
        return out;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\u000B' || c == '\f';
    }

    private static String line(String text, int start, int end, boolean longRun) {
        if (!longRun) {
            return text.substring(start, end);
        }
        StringBuilder b = new StringBuilder(end - start);
        int run = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            run = isBlank(c) ? run + 1 : 0;
            if (run <= MAX_BLANK_RUN) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A shell prompt with the command typed after it (cmd, PowerShell, a Unix shell). */
    public static boolean isPrompt(String line) {
        return PROMPT.matcher(line).matches();
    }

    /** The head of a file as text, for recognise(): decodes, and never throws. */
    public static String head(byte[] head) {
        if (head == null || head.length == 0) {
            return "";
        }
        try {
            return decode(head);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Collapses runs of white space to one space, for matching text that may have been re-flowed. */
    public static String flat(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }
}
