package org.kerbscope.dissect.http.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The grammar of RFC 9110 section 11: {@code WWW-Authenticate} / {@code Proxy-Authenticate} hold one or more
 * challenges separated by commas, each a scheme followed by a token68 (Negotiate, NTLM) or by
 * {@code name=value} parameters (Basic, Digest, Bearer) whose quoted values may themselves contain commas;
 * {@code Authorization} holds one credential of the same shape.
 */
public final class AuthHeaders {

    /**
     * One challenge or credential.
     *
     * @param scheme  as written
     * @param token68 the token after the scheme, or null
     * @param params  auth-params (names in lower case, quotes removed)
     * @param offset  where the scheme starts within the header value
     * @param length  characters from the scheme to the end of the challenge
     */
    public record Challenge(String scheme, String token68, Map<String, String> params, int offset, int length) {
        /** Schemes whose token is a GSS-API or NTLMSSP message that the {@code http.auth} table reads. */
        public boolean carriesGssToken() {
            return isGssScheme(scheme);
        }
    }

    private AuthHeaders() {
    }

    public static boolean isGssScheme(String scheme) {
        String s = scheme.toLowerCase(Locale.ROOT);
        return s.equals("negotiate") || s.equals("ntlm") || s.equals("kerberos");
    }

    /** The challenges of one WWW-Authenticate or Proxy-Authenticate value. */
    public static List<Challenge> challenges(String value) {
        List<Challenge> out = new ArrayList<>(2);
        List<int[]> elements = splitElements(value);
        String scheme = null;
        String token = null;
        Map<String, String> params = null;
        int start = 0;
        int stop = 0;
        for (int[] e : elements) {
            String el = value.substring(e[0], e[1]);
            int t = tokenEnd(el, 0);
            int after = skipSpaces(el, t);
            boolean isParam = t > 0 && after < el.length() && el.charAt(after) == '=';
            if (isParam && scheme != null) {
                params.put(el.substring(0, t).toLowerCase(Locale.ROOT), unquote(el.substring(after + 1).strip()));
                stop = e[1];
                continue;
            }
            if (scheme != null) {
                out.add(new Challenge(scheme, token, Map.copyOf(params), start, stop - start));
            }
            scheme = t > 0 ? el.substring(0, t) : el.strip();
            token = null;
            params = new LinkedHashMap<>();
            start = e[0];
            stop = e[1];
            String rest = el.substring(Math.min(t, el.length())).strip();
            if (rest.isEmpty()) {
                continue;
            }
            int rt = tokenEnd(rest, 0);
            int ra = skipSpaces(rest, rt);
            if (token68Only(rest) || rt == 0 || ra >= rest.length() || rest.charAt(ra) != '=') {
                token = rest;
            } else {
                params.put(rest.substring(0, rt).toLowerCase(Locale.ROOT), unquote(rest.substring(ra + 1).strip()));
            }
        }
        if (scheme != null) {
            out.add(new Challenge(scheme, token, Map.copyOf(params), start, stop - start));
        }
        return out;
    }

    /** The credential of an Authorization or Proxy-Authorization value (one per header, RFC 9110 11.6.2). */
    public static Challenge credentials(String value) {
        int lead = 0;
        while (lead < value.length() && Character.isWhitespace(value.charAt(lead))) {
            lead++;
        }
        String v = value.strip();
        int t = tokenEnd(v, 0);
        String scheme = t > 0 ? v.substring(0, t) : v;
        String rest = v.substring(t).strip();
        if (rest.isEmpty()) {
            return new Challenge(scheme, null, Map.of(), lead, v.length());
        }
        if (isGssScheme(scheme) || token68Only(rest) || scheme.equalsIgnoreCase("basic")) {
            return new Challenge(scheme, rest, Map.of(), lead, v.length());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int[] e : splitElements(rest)) {
            String el = rest.substring(e[0], e[1]);
            int pt = tokenEnd(el, 0);
            int pa = skipSpaces(el, pt);
            if (pt > 0 && pa < el.length() && el.charAt(pa) == '=') {
                params.put(el.substring(0, pt).toLowerCase(Locale.ROOT), unquote(el.substring(pa + 1).strip()));
            }
        }
        return new Challenge(scheme, params.isEmpty() ? rest : null, Map.copyOf(params), lead, v.length());
    }

    /** Comma-separated list elements outside quoted strings, as [start, end) with spaces trimmed; empty ones dropped. */
    static List<int[]> splitElements(String v) {
        List<int[]> out = new ArrayList<>(4);
        int s = 0;
        boolean quoted = false;
        for (int i = 0; i <= v.length(); i++) {
            char c = i < v.length() ? v.charAt(i) : ',';
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                if (i < v.length()) {
                    continue;
                }
                c = ','; // an unterminated quote ends with the value
            }
            if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                int a = s;
                int b = Math.min(i, v.length());
                while (a < b && Character.isWhitespace(v.charAt(a))) {
                    a++;
                }
                while (b > a && Character.isWhitespace(v.charAt(b - 1))) {
                    b--;
                }
                if (b > a) {
                    out.add(new int[] {a, b});
                }
                s = i + 1;
            }
        }
        return out;
    }

    /** RFC 9110 token characters (tchar). */
    private static int tokenEnd(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                break;
            }
            i++;
        }
        return i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" (RFC 9110 section 11.2). */
    static boolean token68Only(String s) {
        int i = 0;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) && s.charAt(i) < 0x80
                || "-._~+/".indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < s.length() && s.charAt(i) == '=') {
            i++;
        }
        return i == s.length();
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            StringBuilder sb = new StringBuilder(v.length());
            for (int i = 1; i < v.length() - 1; i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length() - 1) {
                    c = v.charAt(++i);
                }
                sb.append(c);
            }
            return sb.toString();
        }
        return v;
    }

    /**
     * Decodes base64 as clients send it: whitespace ignored, padding optional, decoding stops at the first
     * '='. Characters outside the alphabet are passed over (as Python's and Wireshark's decoders do) and
     * counted in {@code bad[0]} so the caller can report them.
     */
    public static byte[] base64(String s, int[] bad) {
        // a plain array, not a ByteArrayOutputStream whose every write takes a lock: tokens run to kilobytes
        byte[] out = new byte[s.length() * 3 / 4 + 2];
        int n = 0;
        int acc = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int v;
            if (c >= 'A' && c <= 'Z') {
                v = c - 'A';
            } else if (c >= 'a' && c <= 'z') {
                v = c - 'a' + 26;
            } else if (c >= '0' && c <= '9') {
                v = c - '0' + 52;
            } else if (c == '+' || c == '-') {
                v = 62;
            } else if (c == '/' || c == '_') {
                v = 63;
            } else if (c == '=') {
                break;
            } else {
                if (!Character.isWhitespace(c) && bad != null) {
                    bad[0]++;
                }
                continue;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (acc >> bits);
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
