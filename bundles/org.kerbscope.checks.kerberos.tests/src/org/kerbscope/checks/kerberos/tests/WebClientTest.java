package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.checks.http.WebClient;
import org.kerbscope.checks.http.WebClient.Family;
import org.kerbscope.checks.http.WebClient.Platform;

/**
 * Which setting a client that never answered Negotiate needs, read from the User-Agent strings these clients send
 * (as published by their makers and seen in captures).
 */
class WebClientTest {

    private static void is(String ua, Family family, String name, Platform platform) {
        WebClient c = WebClient.of(ua);
        assertEquals(List.of(family, name, platform), List.of(c.family(), c.name(), c.platform()), ua);
    }

    @Test
    void userAgentsName() {
        is("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0"
                + " Safari/537.36 Edg/120.0.0.0", Family.CHROMIUM, "Edge", Platform.WINDOWS);
        is("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0"
                + " Safari/537.36", Family.CHROMIUM, "Chrome", Platform.MACOS);
        is("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0"
                + " Safari/537.36", Family.CHROMIUM, "Chrome", Platform.LINUX);
        is("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0"
                + " Safari/537.36", Family.CHROMIUM, "Chrome", Platform.CHROMEOS);
        is("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", Family.FIREFOX,
                "Firefox", Platform.WINDOWS);
        is("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", Family.FIREFOX,
                "Firefox", Platform.LINUX);
        is("Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", Family.INTERNET_EXPLORER,
                "Internet Explorer", Platform.WINDOWS);
        is("curl/7.88.1", Family.CURL, "curl", Platform.UNKNOWN);
        is("Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803", Family.POWERSHELL,
                "PowerShell", Platform.WINDOWS);
        is("Java/21.0.2", Family.JAVA, "Java", Platform.UNKNOWN);
        is("Java-http-client/21.0.2", Family.JAVA, "Java's HttpClient", Platform.UNKNOWN);
        is(null, Family.OTHER, "the client", Platform.UNKNOWN);
        is("Microsoft-CryptoAPI/10.0", Family.OTHER, "the client", Platform.UNKNOWN);
    }

    @Test
    void theSettingEachNeeds() {
        WebClient chromeLinux = WebClient.of("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/120.0.0.0 Safari/537.36");
        assertTrue(chromeLinux.whyNoKerberos("web.contoso.com").startsWith("Chrome on Linux answers Negotiate only for"
                + " sites its AuthServerAllowlist policy names"), chromeLinux.whyNoKerberos("web.contoso.com"));
        assertEquals(List.of("{\"AuthServerAllowlist\": \"*.contoso.com\"} in a JSON file under"
                + " /etc/opt/chrome/policies/managed/ (Chromium: /etc/chromium/policies/managed/)", "klist",
                "kvno HTTP/web.contoso.com", "host web.contoso.com"),
                chromeLinux.fixes("web.contoso.com", "http://web.contoso.com/"));

        WebClient edge = WebClient.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0");
        assertEquals(List.of("Add the site to the Local intranet zone (Internet Options > Security > Local intranet >"
                + " Sites), or by policy: Site to Zone Assignment List: *.contoso.com = 1 (or the Edge policy"
                + " AuthServerAllowlist = *.contoso.com)", "klist", "klist get HTTP/web.contoso.com",
                "Resolve-DnsName -Name web.contoso.com"), edge.fixes("web.contoso.com", "http://web.contoso.com/"));

        WebClient firefox = WebClient.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0");
        assertTrue(firefox.whyNoKerberos("web.contoso.com").contains("network.negotiate-auth.trusted-uris"));
        assertEquals("about:config: network.negotiate-auth.trusted-uris = .contoso.com (or the enterprise policy"
                + " Authentication > SPNEGO: [\"contoso.com\"])", firefox.fixes("web.contoso.com", "x").get(0));

        WebClient mac = WebClient.of("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like"
                + " Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0");
        assertEquals(List.of("defaults write com.microsoft.Edge AuthServerAllowlist \"*.contoso.com\"", "klist",
                "kgetcred HTTP/web.contoso.com", "host web.contoso.com"), mac.fixes("web.contoso.com", "x"));

        assertEquals("curl --negotiate -u : http://web.contoso.com:8080/",
                WebClient.of("curl/8.5.0").fixes("web.contoso.com", "http://web.contoso.com:8080/").get(0));
        assertEquals("Invoke-WebRequest -UseDefaultCredentials https://web.contoso.com/",
                WebClient.of("Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803")
                        .fixes("web.contoso.com", "https://web.contoso.com/").get(0));
    }

    /** A site addressed by its IP address or a single label is its own pattern: no "*.168.2.104". */
    @Test
    void anAddressIsItsOwnPattern() {
        WebClient unknown = WebClient.of(null);
        assertEquals("Add the site to the Local intranet zone (Internet Options > Security > Local intranet > Sites), or"
                + " by policy: Site to Zone Assignment List: 192.168.2.104 = 1",
                unknown.fixes("192.168.2.104", "http://192.168.2.104/").get(0));
        assertEquals("Add the site to the Local intranet zone (Internet Options > Security > Local intranet > Sites), or"
                + " by policy: Site to Zone Assignment List: intranet = 1", unknown.fixes("intranet", "x").get(0));
        assertTrue(unknown.whyNoKerberos("intranet").contains("Local intranet zone"));
    }
}
