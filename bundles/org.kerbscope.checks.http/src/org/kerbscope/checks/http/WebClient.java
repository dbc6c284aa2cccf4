package org.kerbscope.checks.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.kerbscope.core.flow.Flows;

/**
 * The client software a request's User-Agent names, as far as the setting that decides whether it answers a Negotiate
 * challenge on its own goes: Windows' Local intranet zone (Internet Explorer, .NET, and Chromium-based browsers on
 * Windows unless their AuthServerAllowlist policy is set), the AuthServerAllowlist policy of Chromium-based browsers
 * elsewhere (where no site is in an intranet zone), Firefox's {@code network.negotiate-auth.trusted-uris} on every
 * system, curl's {@code --negotiate}, PowerShell's {@code -UseDefaultCredentials}, Java's use of the ticket cache.
 *
 * @param family   what kind of client
 * @param name     its name as a user would say it ("Edge", "Chrome", "Firefox", "curl"…), or "the client"
 * @param platform the system the User-Agent names
 */
public record WebClient(Family family, String name, Platform platform) {

    /** The kinds of client whose Kerberos setting differs. */
    public enum Family {
        FIREFOX, CHROMIUM, INTERNET_EXPLORER, CURL, POWERSHELL, JAVA, OTHER
    }

    /** The system a User-Agent names. */
    public enum Platform {
        WINDOWS("Windows"), MACOS("macOS"), LINUX("Linux"), CHROMEOS("ChromeOS"), ANDROID("Android"), IOS("iOS"),
        UNKNOWN("an unknown system");

        private final String label;

        Platform(String label) {
            this.label = label;
        }

        /** The system's name in a sentence. */
        public String label() {
            return label;
        }
    }

    /** The client a User-Agent field names; an unknown one (family OTHER) for null or anything unrecognised. */
    public static WebClient of(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return new WebClient(Family.OTHER, "the client", Platform.UNKNOWN);
        }
        String ua = userAgent;
        Platform p = ua.contains("Windows") ? Platform.WINDOWS
                : ua.contains("CrOS") ? Platform.CHROMEOS
                : ua.contains("Android") ? Platform.ANDROID
                : ua.contains("iPhone") || ua.contains("iPad") ? Platform.IOS
                : ua.contains("Macintosh") || ua.contains("Mac OS X") ? Platform.MACOS
                : ua.contains("Linux") || ua.contains("X11") ? Platform.LINUX
                : Platform.UNKNOWN;
        // the order matters: Edge and Opera also say Chrome/, a headless Chrome says HeadlessChrome/
        if (ua.contains("Firefox/")) {
            return new WebClient(Family.FIREFOX, "Firefox", p);
        }
        if (ua.contains("Edg/") || ua.contains("EdgA/") || ua.contains("EdgiOS/")) {
            return new WebClient(Family.CHROMIUM, "Edge", p);
        }
        if (ua.contains("Edge/") || ua.contains("Trident/") || ua.contains("MSIE ")) {
            return new WebClient(Family.INTERNET_EXPLORER, ua.contains("Edge/") ? "Edge (legacy)" : "Internet Explorer",
                    Platform.WINDOWS);
        }
        if (ua.contains("OPR/")) {
            return new WebClient(Family.CHROMIUM, "Opera", p);
        }
        if (ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/")) {
            return new WebClient(Family.CHROMIUM, ua.contains("Chromium/") ? "Chromium" : "Chrome", p);
        }
        String lower = ua.toLowerCase(Locale.ROOT);
        if (lower.startsWith("curl/")) {
            return new WebClient(Family.CURL, "curl", p);
        }
        if (ua.contains("PowerShell/")) {
            return new WebClient(Family.POWERSHELL, "PowerShell", Platform.WINDOWS);
        }
        if (ua.startsWith("Java-http-client/")) {
            return new WebClient(Family.JAVA, "Java's HttpClient", p);
        }
        if (ua.startsWith("Java/") || ua.contains(" Java/")) {
            return new WebClient(Family.JAVA, "Java", p);
        }
        return new WebClient(Family.OTHER, "the client", p);
    }

    /**
     * Why this client would not answer a Negotiate challenge from {@code site} on its own: the setting it needs, then
     * the causes every client shares.
     */
    public String whyNoKerberos(String site) {
        String setting = switch (family) {
            case FIREFOX -> "Firefox answers Negotiate only for sites listed in network.negotiate-auth.trusted-uris"
                    + " (empty unless set, on every system)";
            case CHROMIUM -> platform == Platform.WINDOWS
                    ? name + " on Windows answers Negotiate on its own only for sites in the Local intranet zone, or"
                            + " that its AuthServerAllowlist policy names"
                    : name + " on " + platform.label() + " answers Negotiate only for sites its AuthServerAllowlist policy"
                            + " names (outside Windows no site is in an intranet zone)";
            case CURL -> "curl answers Negotiate only when told to (--negotiate -u :)";
            case POWERSHELL -> "Invoke-WebRequest and Invoke-RestMethod send the signed-in user's credentials only with"
                    + " -UseDefaultCredentials";
            case JAVA -> name.equals("Java's HttpClient")
                    ? "Java's java.net.http.HttpClient has no Negotiate support at all (HttpURLConnection has)"
                    : "Java's HttpURLConnection answers Negotiate only with Kerberos credentials it may use (a JAAS"
                            + " login, or the ticket cache with -Djavax.security.auth.useSubjectCredsOnly=false)";
            case INTERNET_EXPLORER, OTHER -> platform == Platform.WINDOWS || platform == Platform.UNKNOWN
                    ? "the site is not in the Local intranet zone (browsers only send Kerberos to intranet sites"
                            + " automatically)"
                    : "the client is not set up to use Kerberos for this site";
        };
        String ticket = platform == Platform.WINDOWS || platform == Platform.UNKNOWN
                ? "the client is not signed in to the domain or cannot reach a KDC"
                : "the user has no ticket-granting ticket (kinit) or the client cannot reach a KDC";
        return setting + "; or " + ticket + (family == Family.OTHER || family == Family.INTERNET_EXPLORER
                ? ", or policy disables Kerberos for this site" : "");
    }

    /** The setting that makes this client answer Negotiate for {@code url}'s site, then the commands that check it. */
    public List<String> fixes(String site, String url) {
        String host = site.toLowerCase(Locale.ROOT);
        // the site's domain, for the patterns the settings take; an address or a single-label name stands for itself
        boolean bare = Flows.isIpLiteral(host) || !host.contains(".");
        String domain = bare ? host : host.substring(host.indexOf('.') + 1);
        String pattern = bare ? host : "*." + domain;
        String zone = "Add the site to the Local intranet zone (Internet Options > Security > Local intranet > Sites), or"
                + " by policy: Site to Zone Assignment List: " + pattern + " = 1";
        List<String> out = new ArrayList<>();
        out.add(switch (family) {
            case FIREFOX -> "about:config: network.negotiate-auth.trusted-uris = " + (bare ? host : "." + domain)
                    + " (or the enterprise policy Authentication > SPNEGO: [\"" + domain + "\"])";
            case CHROMIUM -> switch (platform) {
                case WINDOWS -> zone + " (or the " + name + " policy AuthServerAllowlist = " + pattern + ")";
                case MACOS -> "defaults write " + (name.equals("Edge") ? "com.microsoft.Edge" : "com.google.Chrome")
                        + " AuthServerAllowlist \"" + pattern + "\"";
                case LINUX -> "{\"AuthServerAllowlist\": \"" + pattern + "\"} in a JSON file under "
                        + (name.equals("Edge") ? "/etc/opt/edge/policies/managed/"
                                : name.equals("Chromium") ? "/etc/chromium/policies/managed/"
                                : "/etc/opt/chrome/policies/managed/ (Chromium: /etc/chromium/policies/managed/)");
                default -> "Set the policy AuthServerAllowlist to " + pattern;
            };
            case CURL -> "curl --negotiate -u : " + url;
            case POWERSHELL -> "Invoke-WebRequest -UseDefaultCredentials " + url;
            case JAVA -> name.equals("Java's HttpClient")
                    ? "Use java.net.HttpURLConnection (or a client with SPNEGO support) for " + url
                    : "java -Djavax.security.auth.useSubjectCredsOnly=false … (with a ticket from kinit)";
            case INTERNET_EXPLORER, OTHER -> zone;
        });
        String spn = "HTTP/" + site;
        switch (platform) {
            case WINDOWS, UNKNOWN -> {
                out.add("klist");
                out.add("klist get " + spn);
                out.add("Resolve-DnsName -Name " + site);
            }
            case MACOS -> {
                out.add("klist");
                out.add("kgetcred " + spn);
                out.add("host " + site);
            }
            default -> {
                out.add("klist");
                out.add("kvno " + spn);
                out.add("host " + site);
            }
        }
        return out;
    }
}
