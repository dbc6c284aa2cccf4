package org.kerbscope.core.spi;

/**
 * Times written as {@link java.time.Instant#toString()} writes them, by arithmetic: the JDK's formatter is large (its
 * compilation was among the JIT's largest of a run) and slow for a value of every message.
 */
public final class IsoTime {
    /** Seconds from 0000-01-01T00:00:00Z and to 9999-12-31T23:59:59Z: the years written with four digits. */
    private static final long FIRST = -62_167_219_200L;
    private static final long LAST = 253_402_300_799L;

    private IsoTime() {
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss} (UTC, proleptic Gregorian) of a second since the epoch, or null outside the years
     * 0000–9999, where {@code Instant}'s sign and width rules apply instead.
     */
    public static String dateAndTime(long epochSecond) {
        if (epochSecond < FIRST || epochSecond > LAST) {
            return null;
        }
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) (epochSecond - days * 86_400L);
        // days to civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"): eras of 400 years starting
        // on 0000-03-01, so that the leap day ends a year
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        int dayOfEra = (int) (z - era * 146_097L);
        int yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        char[] c = new char[19];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, month, 2);
        c[7] = '-';
        digits(c, 8, day, 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
