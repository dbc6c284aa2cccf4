package org.kerbscope.evidence.windows.internal;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Console tools print local times in the machine's short date format ({@code 11/28/2022 0:59:30 (local)},
 * {@code 12:59:30 AM}, MIT's {@code 11/28/2022 00:59:30} or {@code 2022-11-28 00:59:30}, Heimdal's
 * {@code Nov 28 00:59:30 2022}). These become ISO-8601 local date-times without a zone, because the files do not
 * say which zone they are in. Month/day order: day first when the first number exceeds 12 or the separator is
 * a dot; otherwise month first, as in the en-US output the guide shows.
 */
public final class LocalTimes {
    private static final Pattern NUMERIC = Pattern.compile(
            "(\\d{1,4})([/.-])(\\d{1,2})\\2(\\d{1,4})[ T,]+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?:[.,]\\d+)?\\s*([AaPp]\\.?[Mm]\\.?)?");
    private static final Pattern NAMED = Pattern.compile(
            "(?:[A-Z][a-z]{2},? )?([A-Z][a-z]{2}) +(\\d{1,2}),? (?:(\\d{4}) )?(\\d{1,2}):(\\d{2}):(\\d{2})(?: (\\d{4}))?");
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("Jan", 1), Map.entry("Feb", 2),
            Map.entry("Mar", 3), Map.entry("Apr", 4), Map.entry("May", 5), Map.entry("Jun", 6), Map.entry("Jul", 7),
            Map.entry("Aug", 8), Map.entry("Sep", 9), Map.entry("Oct", 10), Map.entry("Nov", 11),
            Map.entry("Dec", 12));
    /** A date-time as the tools print it, for finding one inside a line. */
    public static final String PATTERN = "(?:\\d{1,4}[/.-]\\d{1,2}[/.-]\\d{1,4}[ T]\\d{1,2}:\\d{2}(?::\\d{2})?"
            + "(?: ?[AaPp][Mm])?|(?:[A-Z][a-z]{2},? )?[A-Z][a-z]{2} +\\d{1,2},? (?:\\d{4} )?\\d{1,2}:\\d{2}:\\d{2}(?: \\d{4})?)";

    private LocalTimes() {
    }

    /** The ISO local date-time, or null when the text holds no date-time this class knows. */
    public static String parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        Matcher m = NUMERIC.matcher(t);
        if (m.find()) {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(3));
            int c = Integer.parseInt(m.group(4));
            int year;
            int month;
            int day;
            if (m.group(1).length() == 4) {
                year = a;
                month = b;
                day = c;
            } else {
                year = c < 100 ? 2000 + c : c;
                if (m.group(2).equals(".") || a > 12) {
                    day = a;
                    month = b;
                } else {
                    month = a;
                    day = b;
                }
            }
            int hour = Integer.parseInt(m.group(5));
            String ampm = m.group(8);
            if (ampm != null) {
                boolean pm = Character.toLowerCase(ampm.charAt(0)) == 'p';
                hour = hour % 12 + (pm ? 12 : 0);
            }
            int sec = m.group(7) == null ? 0 : Integer.parseInt(m.group(7));
            return format(year, month, day, hour, Integer.parseInt(m.group(6)), sec);
        }
        m = NAMED.matcher(t);
        if (m.find() && MONTHS.containsKey(m.group(1))) {
            String y = m.group(3) != null ? m.group(3) : m.group(7);
            if (y == null) {
                return null;
            }
            return format(Integer.parseInt(y), MONTHS.get(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
        }
        return null;
    }

    private static String format(int y, int mo, int d, int h, int mi, int s) {
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
            return null;
        }
        return String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
    }
}
