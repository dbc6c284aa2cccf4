package org.kerbscope.ui.editors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;

/** The packet list's Protocol and Info columns, as Wireshark names them: kpasswd's Kerberos messages, TLS hellos. */
class PacketColumnsTest {

    private static Event kerberos(Map<String, Object> fields) {
        return new Event("kerberos", 1, 0, new Endpoint("192.168.2.101", 50000), new Endpoint("192.168.2.10", 464), fields);
    }

    @Test
    void aPasswordChangeIsKpasswdWithItsOperationOrResult() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("carrier", "kdc-udp");
        request.put("msgType", "AP-REQ");
        request.put("sname", "kadmin/changepw");
        request.put("kpasswd", Map.of("kind", "request", "version", 1, "operation", "change-password"));
        assertEquals("KPASSWD", PacketPane.protocolColumn(kerberos(request)));
        assertEquals("AP-REQ sname kadmin/changepw  change-password request", PacketPane.info(kerberos(request)));

        Map<String, Object> refused = new LinkedHashMap<>();
        refused.put("msgType", "KRB-ERROR");
        refused.put("errorCode", 60);
        refused.put("errorName", "KRB_ERR_GENERIC");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kind", "reply");
        result.put("resultName", "KRB5_KPASSWD_SOFTERROR");
        result.put("resultText", "Password too short");
        refused.put("kpasswd", result);
        assertEquals("KRB-ERROR 60 KRB_ERR_GENERIC  KRB5_KPASSWD_SOFTERROR \"Password too short\"", PacketPane.info(kerberos(refused)));

        Map<String, Object> plain = new LinkedHashMap<>();
        plain.put("msgType", "AS-REQ");
        plain.put("cname", "john");
        assertEquals("KERBEROS", PacketPane.protocolColumn(kerberos(plain)));
        assertEquals("AS-REQ cname john", PacketPane.info(kerberos(plain)));
    }

    /** An event of {@code protocol} from the site to the browser, its fields given as name, value, name, value… */
    private static Event fromSite(String protocol, long frame, Object... fields) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            f.put((String) fields[i], fields[i + 1]);
        }
        return new Event(protocol, frame, 0, new Endpoint("192.168.2.104", 443), new Endpoint("192.168.2.101", 50443), f);
    }

    @Test
    void tlsHellosAreNamedAsWiresharkDoes() {
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("kind", "clientHello");
        hello.put("version", "TLS 1.3");
        hello.put("sni", "web.contoso.com");
        Event e = new Event("tls", 4, 0, new Endpoint("192.168.2.101", 50443), new Endpoint("192.168.2.104", 443), hello);
        assertEquals("TLS", PacketPane.protocolColumn(e));
        assertEquals("Client Hello (SNI=web.contoso.com)  TLS 1.3", PacketPane.info(e));
        assertEquals("Alert (Level: fatal, Description: unrecognized_name)", PacketPane.info(fromSite("tls", 5,
                "kind", "alert", "level", "fatal", "description", "unrecognized_name", "code", 112)));
        // read with the key log: the ALPN protocol a TLS 1.3 server chose
        assertEquals("Encrypted Extensions (ALPN h2)",
                PacketPane.info(fromSite("tls", 6, "kind", "encryptedExtensions", "alpn", List.of("h2"))));
    }

    @Test
    void http2ResetsSayWhichStreamAndWhy() {
        Event e = fromSite("http2", 20, "kind", "rstStream", "stream", 3, "errorCode", 13L, "error", "HTTP_1_1_REQUIRED");
        assertEquals("HTTP2", PacketPane.protocolColumn(e));
        assertEquals("RST_STREAM, stream 3: HTTP_1_1_REQUIRED", PacketPane.info(e));
        assertEquals("GOAWAY, last stream 5: NO_ERROR", PacketPane.info(fromSite("http2", 21,
                "kind", "goaway", "lastStream", 5, "errorCode", 0L, "error", "NO_ERROR")));
    }
}
