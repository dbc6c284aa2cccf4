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

    @Test
    void tlsHellosAreNamedAsWiresharkDoes() {
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("kind", "clientHello");
        hello.put("version", "TLS 1.3");
        hello.put("sni", "web.contoso.com");
        Event e = new Event("tls", 4, 0, new Endpoint("192.168.2.101", 50443), new Endpoint("192.168.2.104", 443), hello);
        assertEquals("TLS", PacketPane.protocolColumn(e));
        assertEquals("Client Hello (SNI=web.contoso.com)  TLS 1.3", PacketPane.info(e));
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("kind", "alert");
        alert.put("level", "fatal");
        alert.put("description", "unrecognized_name");
        alert.put("code", 112);
        assertEquals("Alert (Level: fatal, Description: unrecognized_name)",
                PacketPane.info(new Event("tls", 5, 0, new Endpoint("192.168.2.104", 443), new Endpoint("192.168.2.101", 50443), alert)));
        // read with the key log: the ALPN protocol a TLS 1.3 server chose
        Map<String, Object> ee = new LinkedHashMap<>();
        ee.put("kind", "encryptedExtensions");
        ee.put("alpn", List.of("h2"));
        assertEquals("Encrypted Extensions (ALPN h2)",
                PacketPane.info(new Event("tls", 6, 0, new Endpoint("192.168.2.104", 443), new Endpoint("192.168.2.101", 50443), ee)));
    }

    @Test
    void http2ResetsSayWhichStreamAndWhy() {
        Map<String, Object> reset = new LinkedHashMap<>();
        reset.put("kind", "rstStream");
        reset.put("stream", 3);
        reset.put("errorCode", 13L);
        reset.put("error", "HTTP_1_1_REQUIRED");
        Event e = new Event("http2", 20, 0, new Endpoint("192.168.2.104", 443), new Endpoint("192.168.2.101", 50443), reset);
        assertEquals("HTTP2", PacketPane.protocolColumn(e));
        assertEquals("RST_STREAM, stream 3: HTTP_1_1_REQUIRED", PacketPane.info(e));
        Map<String, Object> goaway = new LinkedHashMap<>();
        goaway.put("kind", "goaway");
        goaway.put("lastStream", 5);
        goaway.put("errorCode", 0L);
        goaway.put("error", "NO_ERROR");
        assertEquals("GOAWAY, last stream 5: NO_ERROR",
                PacketPane.info(new Event("http2", 21, 0, new Endpoint("192.168.2.104", 443), new Endpoint("192.168.2.101", 50443), goaway)));
    }
}
