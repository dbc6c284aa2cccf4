package org.kerbscope.fuzz.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;

/**
 * Writes the fuzz seeds into the regression input folders: the lab captures as pcapng, converted to pcap and
 * Network Monitor, their frames, the PDUs cut from them by the dissectors' own framers, the GSS tokens of their
 * HTTP headers, those tokens wrapped in SMB2 SESSION_SETUP and LDAP SASL binds (built from MS-SMB2 2.2.5/2.2.6 and
 * RFC 4511 4.2), their AP-REQs in kpasswd messages (RFC 3244), the lab keytabs, the hand-typed command outputs of the evidence tests, event XML and Binary XML
 * built from the documented schemas, and display filters. Run it again after the lab's captures change:
 * {@code java … org.kerbscope.fuzz.tests.SeedWriter} from the repository. Seeds are named by content hash, so a
 * rerun adds only what is new; crash inputs the campaign adds stay.
 */
public final class SeedWriter {
    private static final int PER_TARGET = 40;
    private final Map<String, Integer> counts = new HashMap<>();

    public static void main(String[] args) throws IOException {
        new SeedWriter().writeAll();
    }

    void writeAll() throws IOException {
        List<Path> captures = Repo.labCaptures();
        for (Path c : captures) {
            byte[] bytes = Files.readAllBytes(c);
            put("pcapng", bytes);
            List<Frame> frames = frames(c);
            if (c.getFileName().toString().matches("(success|ntlm-fallback|port-closed).*")) {
                put("pcap", pcap(frames, false));
                put("pcap", pcap(frames, true));
                put("netmon", netmon(frames, 1));
                put("netmon", netmon(frames, 3));
                put("netmon", netmon(frames, 3, true)); // a pktmon trace saved by Network Monitor
                put("snoop", snoop(frames));
                put("pcap", gzip(pcap(frames, false))); // compressed captures: decompressed, then read
                put("pcap", zstd(pcap(frames, false)));
                put("pcapng", lz4(bytes));
            }
            List<byte[]> raw = new ArrayList<>();
            for (Frame f : frames) {
                raw.add(copy(f.data()));
            }
            put("network", FuzzTargets.encodeFrames(0, raw));
            put("network", FuzzTargets.encodeFrames(6, raw.stream().map(SeedWriter::radiotap).toList()));
            put("analysis", FuzzTargets.encodeFrames(0, raw));
            cutPdus(frames);
        }
        // the other vendors' stories (MIT's KDC and Apache, a Samba domain controller, real browsers): what the checks
        // meet beyond the lab's flows
        try (java.util.stream.Stream<Path> vendor = Files.walk(Repo.root().resolve(
                "bundles/org.kerbscope.checks.kerberos.tests/resources"))) {
            for (Path c : vendor.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList()) {
                List<byte[]> raw = new ArrayList<>();
                for (Frame f : frames(c)) {
                    raw.add(copy(f.data()));
                }
                put("analysis", FuzzTargets.encodeFrames(0, raw));
            }
        }
        for (String k : List.of("success-udp.keytab", "stale-keytab.server.keytab", "ntlm-only.keytab")) {
            put("keytab", Files.readAllBytes(Repo.sample(k)));
        }
        Path data = Repo.root().resolve("bundles/org.kerbscope.evidence.windows.tests/data");
        for (String k : List.of("klist-get.txt", "klist-get-error.txt", "klist-mit.txt")) {
            put("klist", Files.readAllBytes(data.resolve(k)));
        }
        for (String k : List.of("resolve-dnsname.txt", "nslookup.txt", "tnc-failed.txt", "setspn.txt",
                "invoke-webrequest.txt", "auditpol.txt")) {
            put("evidenceText", Files.readAllBytes(data.resolve(k)));
        }
        for (String xml : eventXml()) {
            put("eventXml", xml.getBytes(StandardCharsets.UTF_8));
        }
        put("evtx", binXmlEvent("4771", "john", "0x18"));
        put("evtx", binXmlEvent("4768", "jane", "0x6"));
        for (String f : List.of("kerberos", "kerberos.errorCode == 7", "http.status >= 400 and http.wwwAuthenticate == negotiate",
                "!(dns) && (http.status == 401 or kerberos)", "kerberos.sname contains \"iisserver\"",
                "dns.answers.type == A || ntlm", "kerberos.errorCode eq 0x7 and not http")) {
            put("displayFilter", f.getBytes(StandardCharsets.UTF_8));
        }
        // outside evidence analysed with a lab capture (evidenceAnalysis: a name byte, a capture byte, the file)
        int cap = 0;
        for (String k : List.of("klist-get.txt", "klist-get-error.txt", "klist-mit.txt")) {
            putEvidence(FuzzTargets.EVIDENCE_NAMES.indexOf("klist.txt"), cap++, Files.readAllBytes(data.resolve(k)));
        }
        for (String k : List.of("resolve-dnsname.txt", "nslookup.txt", "tnc-failed.txt", "setspn.txt",
                "invoke-webrequest.txt", "auditpol.txt")) {
            int name = k.startsWith("setspn") ? FuzzTargets.EVIDENCE_NAMES.indexOf("setspn.txt")
                    : k.startsWith("resolve") ? FuzzTargets.EVIDENCE_NAMES.indexOf("resolve-dnsname.txt") : 0;
            putEvidence(name, cap++, Files.readAllBytes(data.resolve(k)));
        }
        for (String xml : eventXml()) {
            putEvidence(FuzzTargets.EVIDENCE_NAMES.indexOf("security.xml"), cap++, xml.getBytes(StandardCharsets.UTF_8));
        }
        putEvidence(FuzzTargets.EVIDENCE_NAMES.indexOf("security.evtx"), 1, binXmlEvent("4771", "john", "0x18"));
        putEvidence(FuzzTargets.EVIDENCE_NAMES.indexOf("security.evtx"), 2, binXmlEvent("4768", "jane", "0x6"));
        System.out.println("seeds written: " + counts);
    }

    private static List<Frame> frames(Path capture) throws IOException {
        List<Frame> out = new ArrayList<>();
        try (CaptureReader r = CaptureFile.openReader(capture)) {
            for (Frame f : r) {
                out.add(new Frame(f.number(), f.timeNanos(), f.linkType(), f.originalLength(),
                        ByteBuffer.wrap(copy(f.data()))));
            }
        }
        return out;
    }

    static byte[] copy(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    // ---------------------------------------------------------------------------------------- capture formats

    /** libpcap: little-endian microseconds, or big-endian nanoseconds. */
    static byte[] pcap(List<Frame> frames, boolean bigEndianNanos) {
        return pcap(frames, bigEndianNanos, frames.isEmpty() ? 1 : frames.get(0).linkType());
    }

    /** libpcap of link type {@code link}. */
    static byte[] pcap(List<Frame> frames, boolean bigEndianNanos, int link) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(bigEndianNanos ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        h.putInt(bigEndianNanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(262144).putInt(link);
        out.writeBytes(h.array());
        for (Frame f : frames) {
            byte[] d = copy(f.data());
            ByteBuffer r = ByteBuffer.allocate(16).order(h.order());
            long sec = f.timeNanos() / 1_000_000_000L;
            long frac = f.timeNanos() % 1_000_000_000L;
            r.putInt((int) sec).putInt((int) (bigEndianNanos ? frac : frac / 1000)).putInt(d.length)
                    .putInt(f.originalLength());
            out.writeBytes(r.array());
            out.writeBytes(d);
        }
        return out.toByteArray();
    }

    /** Network Monitor 2.x (minor 1: media-type trailer; 3: trailer with the frame's FILETIME), frame table last. */
    static byte[] netmon(List<Frame> frames, int minor) {
        return netmon(frames, minor, false);
    }

    /**
     * Network Monitor 2.x; with {@code pktmon}, each frame inside an ETW event of Microsoft-Windows-PktMon (160), as
     * Network Monitor saves a {@code pktmon} trace.
     */
    static byte[] netmon(List<Frame> frames, int minor, boolean pktmon) {
        int trailer = minor == 1 ? 2 : 15;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> offsets = new ArrayList<>();
        long start = frames.isEmpty() ? 0 : frames.get(0).timeNanos();
        for (Frame f : frames) {
            byte[] d = pktmon ? pktmonEvent(copy(f.data())) : copy(f.data());
            offsets.add(128 + body.size());
            ByteBuffer r = ByteBuffer.allocate(16 + d.length + trailer).order(ByteOrder.LITTLE_ENDIAN);
            r.putLong((f.timeNanos() - start) / 1000).putInt(pktmon ? d.length : f.originalLength()).putInt(d.length)
                    .put(d);
            r.putShort((short) (pktmon ? 0xFFE0 : 1));
            if (trailer == 15) {
                r.putLong(f.timeNanos() / 100 + 116_444_736_000_000_000L).put((byte) 0).putInt(0);
            }
            body.writeBytes(r.array());
        }
        ByteBuffer h = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x55424D47).put((byte) minor).put((byte) 2).putShort((short) 1);
        h.putShort((short) 2024).putShort((short) 5).putShort((short) 1).putShort((short) 14).putShort((short) 10)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0);
        h.putInt(24, 128 + body.size()).putInt(28, 4 * offsets.size());
        ByteBuffer table = ByteBuffer.allocate(4 * offsets.size()).order(ByteOrder.LITTLE_ENDIAN);
        offsets.forEach(table::putInt);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(body.toByteArray());
        out.writeBytes(table.array());
        return out.toByteArray();
    }

    /** An Ethernet frame as a decrypted Wi-Fi capture shows it: radiotap (no fields), a data frame to the AP, SNAP. */
    private static byte[] radiotap(byte[] ether) {
        if (ether.length < 14) {
            return ether;
        }
        ByteBuffer b = ByteBuffer.allocate(8 + 24 + 6 + ether.length - 12);
        b.put(new byte[] {0, 0, 8, 0, 0, 0, 0, 0}).put((byte) 0x08).put((byte) 0x01).putShort((short) 0)
                .put(ether, 0, 6).put(ether, 6, 6).put(ether, 0, 6).putShort((short) 0)
                .put(new byte[] {(byte) 0xAA, (byte) 0xAA, 3, 0, 0, 0}).put(ether, 12, ether.length - 12);
        return b.array();
    }

    /** EVENT_HEADER of PktMon's event 160, buffer context, counts, then PktGroupId … LoggedSize and the packet. */
    private static byte[] pktmonEvent(byte[] packet) {
        int user = 34 + packet.length;
        ByteBuffer e = ByteBuffer.allocate(89 + user).order(ByteOrder.LITTLE_ENDIAN);
        e.putShort((short) (80 + user)).putShort((short) 0).putShort((short) 0x0240).putShort((short) 0).putLong(0)
                .putLong(0).putLong(0xC8BD4D4F80D9L | 0x4D73L << 48).putLong(0xACC50204C9195BBBL)
                .putShort((short) 160).putShort((short) 0).putShort((short) 4).putShort((short) 0).putLong(0x10)
                .put(new byte[24]).putInt(0x00190000).putShort((short) 0).putShort((short) user).put((byte) 0);
        e.putLong(7).putShort((short) 1).putShort((short) 1).putShort((short) 3).putShort((short) 1).putShort((short) 9)
                .putShort((short) 1).putShort((short) 1).putLong(0).putShort((short) packet.length)
                .putShort((short) packet.length).put(packet);
        return e.array();
    }

    /** Snoop (RFC 1761): big-endian, Ethernet (datalink 4), records padded to four bytes. */
    static byte[] snoop(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'s', 'n', 'o', 'o', 'p', 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 4});
        for (Frame f : frames) {
            byte[] d = copy(f.data());
            int record = 24 + (d.length + 3) / 4 * 4;
            ByteBuffer r = ByteBuffer.allocate(record); // big-endian
            r.putInt(f.originalLength()).putInt(d.length).putInt(record).putInt(0)
                    .putInt((int) (f.timeNanos() / 1_000_000_000L)).putInt((int) (f.timeNanos() % 1_000_000_000L / 1000))
                    .put(d);
            out.writeBytes(r.array());
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var z = new com.github.luben.zstd.ZstdOutputStreamNoFinalizer(out).setChecksum(true)) {
            z.write(content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] lz4(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var z = new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream(out,
                new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.Parameters(
                        org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.BlockSize.K64))) {
            z.write(content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------------------------------- PDUs

    /** UDP payloads and framed TCP PDUs by port, and the GSS tokens inside HTTP headers. */
    private void cutPdus(List<Frame> frames) {
        Map<String, ByteArrayOutputStream> streams = new LinkedHashMap<>();
        NetworkDecoder net = new NetworkDecoder(new TransportHandler() {
            @Override
            public void datagram(Frame frame, FlowKey key, ByteBuffer payload, int payloadOffset) {
                int port = Math.min(key.srcPort(), key.dstPort());
                if (port == 53) {
                    put("dns", copy(payload));
                } else if (port == 88) {
                    put("kerberos", copy(payload));
                }
            }

            @Override
            public void tcpControl(Frame frame, TcpConnection connection, FlowKey key, int kind) {
            }

            @Override
            public void tcpData(Frame frame, TcpConnection connection, boolean fromClient, ByteBuffer data, int off) {
                int port = connection.client().dstPort();
                String k = port + "|" + connection.client().srcPort() + "|" + fromClient;
                streams.computeIfAbsent(k, x -> new ByteArrayOutputStream()).writeBytes(copy(data));
            }

            @Override
            public void tcpGap(Frame frame, TcpConnection connection, boolean fromClient, long missingBytes) {
            }
        });
        for (Frame f : frames) {
            net.decode(f);
        }
        net.finish();
        for (var e : streams.entrySet()) {
            int port = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('|')));
            String id = port == 88 ? "kerberos" : port == 80 ? "http" : port == 53 ? "dns" : port == 443 ? "tls" : null;
            if (id == null) {
                continue;
            }
            byte[] stream = e.getValue().toByteArray();
            for (byte[] pdu : cut(id, stream)) {
                put(id, pdu);
                if ("http".equals(id)) {
                    tokens(pdu);
                }
            }
        }
    }

    /** Cuts a stream into PDUs with the dissector's own framer. */
    private static List<byte[]> cut(String id, byte[] stream) {
        StreamFramer framer = FuzzTargets.tables().byId(id).get()
                .newFramer(new FuzzContext.Conversation(null, null), true);
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        while (framer != null && pos < stream.length) {
            long r = framer.next(ByteBuffer.wrap(stream, pos, stream.length - pos).slice());
            if (r == StreamFramer.NEED_MORE || r == StreamFramer.REJECT || r > stream.length - pos) {
                break;
            }
            if (r > 0) {
                out.add(java.util.Arrays.copyOfRange(stream, pos, pos + (int) r));
            }
            // a skip may be of "the rest of the stream" (TLS after its hellos): never past what there is
            pos += (int) Math.min(Math.abs(r), stream.length - pos);
        }
        if (out.isEmpty()) {
            out.add(stream);
        }
        return out;
    }

    private static final Pattern AUTH = Pattern.compile("(?i)(?:Authorization|WWW-Authenticate): *(Negotiate|NTLM) +([A-Za-z0-9+/=]+)");

    private void tokens(byte[] http) {
        Matcher m = AUTH.matcher(new String(http, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            byte[] token;
            try {
                token = Base64.getDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                continue;
            }
            boolean ntlm = token.length > 7 && new String(token, 0, 7, StandardCharsets.ISO_8859_1).equals("NTLMSSP");
            put(ntlm ? "ntlmssp" : "spnego", token);
            put("smb2", smb2SessionSetup(token, true));
            put("smb2", smb2SessionSetup(token, false));
            put("ldap", ldapBind(token, true));
            put("ldap", ldapBind(token, false));
            byte[] apReq = apReqIn(token);
            if (apReq != null) {
                for (byte[] k : kpasswd(apReq)) {
                    put("kpasswd", k);
                }
            }
        }
    }

    /** The AP-REQ of the krb5 token inside a token (SPNEGO or bare): OID 1.2.840.113554.1.2.2, TOK_ID 01 00, 0x6e. */
    static byte[] apReqIn(byte[] token) {
        byte[] mark = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00, 0x6e};
        outer: for (int i = 0; i + mark.length < token.length; i++) {
            for (int j = 0; j < mark.length; j++) {
                if (token[i + j] != mark[j]) {
                    continue outer;
                }
            }
            int p = i + mark.length - 1;
            int l = token[p + 1] & 0xff;
            int len = l < 0x80 ? l : l == 0x81 ? token[p + 2] & 0xff : l == 0x82 ? (token[p + 2] & 0xff) << 8 | token[p + 3] & 0xff : -1;
            int head = l < 0x80 ? 2 : 2 + (l & 0x7f);
            return len < 0 || p + head + len > token.length ? null : java.util.Arrays.copyOfRange(token, p, p + head + len);
        }
        return null;
    }

    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        for (byte[] x : parts) {
            c.writeBytes(x);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = c.size();
        if (n >= 0x80) {
            out.write(0x82);
            out.write(n >> 8);
        }
        out.write(n);
        out.writeBytes(c.toByteArray());
        return out.toByteArray();
    }

    /**
     * kpasswd (RFC 3244) around a real AP-REQ: change and set requests with a KRB-PRIV, a refusal whose KRB-ERROR
     * e-data holds result code 4 and its text, the KRB-ERROR alone, and the request behind a TCP record mark.
     */
    static List<byte[]> kpasswd(byte[] apReq) {
        byte[] enc = der(0x30, der(0xa0, der(0x02, new byte[] {18})), der(0xa2, der(0x04, new byte[48])));
        byte[] priv = der(0x75, der(0x30, der(0xa0, der(0x02, new byte[] {5})), der(0xa1, der(0x02, new byte[] {21})),
                der(0xa3, enc)));
        byte[] text = "Password too short".getBytes(StandardCharsets.UTF_8);
        byte[] edata = ByteBuffer.allocate(2 + text.length).putShort((short) 4).put(text).array();
        byte[] changepw = der(0x30, der(0xa0, der(0x02, new byte[] {2})), der(0xa1, der(0x30,
                der(0x1b, "kadmin".getBytes(StandardCharsets.US_ASCII)), der(0x1b, "changepw".getBytes(StandardCharsets.US_ASCII)))));
        byte[] error = der(0x7e, der(0x30, der(0xa0, der(0x02, new byte[] {5})), der(0xa1, der(0x02, new byte[] {30})),
                der(0xa4, der(0x18, "20221128005930Z".getBytes(StandardCharsets.US_ASCII))), der(0xa5, der(0x02, new byte[] {0})),
                der(0xa6, der(0x02, new byte[] {60})), der(0xa9, der(0x1b, "CONTOSO.COM".getBytes(StandardCharsets.US_ASCII))),
                der(0xaa, changepw), der(0xac, der(0x04, edata))));
        byte[] change = kpasswdMessage(1, apReq, priv);
        return List.of(change, kpasswdMessage(0xff80, apReq, priv), kpasswdMessage(1, new byte[0], error), error,
                ByteBuffer.allocate(4 + change.length).putInt(change.length).put(change).array());
    }

    private static byte[] kpasswdMessage(int version, byte[] ap, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(6 + ap.length + rest.length);
        return b.putShort((short) b.capacity()).putShort((short) version).putShort((short) ap.length).put(ap).put(rest).array();
    }

    /** MS-SMB2 2.2.1 header + 2.2.5 SESSION_SETUP request or 2.2.6 response, behind a NetBIOS session header. */
    static byte[] smb2SessionSetup(byte[] token, boolean request) {
        int fixed = request ? 24 : 8;
        ByteBuffer b = ByteBuffer.allocate(4 + 64 + fixed + token.length).order(ByteOrder.LITTLE_ENDIAN);
        int len = 64 + fixed + token.length;
        b.put((byte) 0).put((byte) (len >> 16)).put((byte) (len >> 8)).put((byte) len);
        b.put(new byte[] {(byte) 0xFE, 'S', 'M', 'B'}).putShort((short) 64).putShort((short) 1);
        b.putInt(request ? 0 : 0xC0000016); // STATUS_MORE_PROCESSING_REQUIRED on the response
        b.putShort((short) 1).putShort((short) 1).putInt(request ? 0 : 1).putInt(0).putLong(2).putInt(0xFEFF).putInt(0)
                .putLong(request ? 0 : 0x1000000000041L).put(new byte[16]);
        if (request) {
            b.putShort((short) 25).put((byte) 0).put((byte) 1).putInt(1).putInt(0).putShort((short) (64 + 24))
                    .putShort((short) token.length).putLong(0);
        } else {
            b.putShort((short) 9).putShort((short) 0).putShort((short) (64 + 8)).putShort((short) token.length);
        }
        b.put(token);
        return b.array();
    }

    /** RFC 4511 4.2 BindRequest with SASL GSS-SPNEGO credentials, or the BindResponse carrying serverSaslCreds. */
    static byte[] ldapBind(byte[] token, boolean request) {
        byte[] op;
        if (request) {
            byte[] sasl = tlv(0xA3, cat(tlv(0x04, "GSS-SPNEGO".getBytes(StandardCharsets.US_ASCII)), tlv(0x04, token)));
            op = tlv(0x60, cat(tlv(0x02, new byte[] {3}), tlv(0x04, new byte[0]), sasl));
        } else {
            op = tlv(0x61, cat(tlv(0x0A, new byte[] {14}), tlv(0x04, new byte[0]), tlv(0x04, new byte[0]),
                    tlv(0x87, token)));
        }
        return tlv(0x30, cat(tlv(0x02, new byte[] {1}), op));
    }

    static byte[] tlv(int tag, byte[] v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(tag);
        int n = v.length;
        if (n < 0x80) {
            o.write(n);
        } else if (n < 0x100) {
            o.write(0x81);
            o.write(n);
        } else {
            o.write(0x82);
            o.write(n >> 8);
            o.write(n);
        }
        o.writeBytes(v);
        return o.toByteArray();
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    // ---------------------------------------------------------------------------------------- evidence

    /** Security events in the wevtutil/Get-WinEvent XML form (the Event schema of the Windows Event Log). */
    static List<String> eventXml() {
        String ns = "http://schemas.microsoft.com/win/2004/08/events/event";
        String e4771 = "<Event xmlns='" + ns + "'><System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
                + "<EventID>4771</EventID><TimeCreated SystemTime='2024-05-14T10:00:00.000Z'/><Computer>DCA.contoso.com</Computer>"
                + "</System><EventData><Data Name='TargetUserName'>john</Data><Data Name='ServiceName'>krbtgt/CONTOSO.COM</Data>"
                + "<Data Name='Status'>0x18</Data><Data Name='IpAddress'>::ffff:192.168.2.101</Data></EventData></Event>";
        String e4769 = "<Event xmlns='" + ns + "'><System><EventID>4769</EventID><TimeCreated SystemTime='2024-05-14T10:00:01Z'/>"
                + "</System><EventData><Data Name='TargetUserName'>john@CONTOSO.COM</Data>"
                + "<Data Name='ServiceName'>HTTP/iisserver.contoso.com</Data><Data Name='Status'>0x7</Data>"
                + "<Data Name='TicketEncryptionType'>0x12</Data></EventData></Event>";
        String e4625 = "<Event xmlns='" + ns + "'><System><EventID>4625</EventID><TimeCreated SystemTime='2024-05-14T10:00:02Z'/>"
                + "</System><EventData><Data Name='TargetUserName'>john</Data><Data Name='Status'>0xc000006d</Data>"
                + "<Data Name='SubStatus'>0xc000006a</Data><Data Name='LogonType'>3</Data>"
                + "<Data Name='AuthenticationPackageName'>NTLM</Data></EventData></Event>";
        return List.of("<?xml version='1.0' encoding='UTF-8'?>\n<Events>" + e4771 + "\n" + e4769 + "\n</Events>\n",
                e4625 + "\n", "<Events>\n" + e4769 + "\n" + e4625 + "\n" + e4771 + "</Events>");
    }

    /** Binary XML of {@code <Event><System><EventID>id</EventID></System><EventData><Data Name='TargetUserName'>…}. */
    static byte[] binXmlEvent(String id, String user, String status) {
        BinXmlWriter w = new BinXmlWriter(512 + 24);
        w.fragmentHeader();
        w.open("Event", null);
        w.open("System", null);
        w.open("EventID", null);
        w.text(id);
        w.close();
        w.close();
        w.open("EventData", null);
        w.open("Data", "TargetUserName");
        w.text(user);
        w.close();
        w.open("Data", "Status");
        w.text(status);
        w.close();
        w.close();
        w.close();
        w.end();
        return w.bytes();
    }

    /** Writes Binary XML with every name defined in place (its offset is where it stands in the chunk). */
    static final class BinXmlWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int base;

        BinXmlWriter(int chunkOffset) {
            this.base = chunkOffset;
        }

        void fragmentHeader() {
            out.writeBytes(new byte[] {0x0f, 1, 1, 0});
        }

        void open(String name, String nameAttribute) {
            out.write(nameAttribute == null ? 0x01 : 0x41);
            le(0xffff, 2);
            le(0, 4); // data size: the reader does not need it
            name(name);
            if (nameAttribute != null) {
                le(0, 4); // attribute list size
                out.write(0x06);
                name("Name");
                text(nameAttribute);
            }
            out.write(0x02);
        }

        void text(String s) {
            out.write(0x05);
            out.write(0x01);
            le(s.length(), 2);
            out.writeBytes(s.getBytes(StandardCharsets.UTF_16LE));
        }

        void close() {
            out.write(0x04);
        }

        void end() {
            out.write(0x00);
        }

        private void name(String n) {
            le(base + out.size() + 4, 4);
            le(0, 4); // next string in the hash chain
            le(0, 2); // hash: not checked
            le(n.length(), 2);
            out.writeBytes(n.getBytes(StandardCharsets.UTF_16LE));
            le(0, 2);
        }

        private void le(long v, int n) {
            for (int i = 0; i < n; i++) {
                out.write((int) (v >> (8 * i)));
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    // ---------------------------------------------------------------------------------------- output

    private void putEvidence(int name, int capture, byte[] file) {
        byte[] in = new byte[file.length + 2];
        in[0] = (byte) name;
        in[1] = (byte) (capture % FuzzTargets.EVIDENCE_CAPTURES.size());
        System.arraycopy(file, 0, in, 2, file.length);
        put("evidenceAnalysis", in);
    }

    private void put(String target, byte[] data) {
        if (counts.getOrDefault(target, 0) >= PER_TARGET) {
            return;
        }
        try {
            Path dir = Repo.inputs(target);
            Files.createDirectories(dir);
            Path f = dir.resolve("seed-" + sha1(data).substring(0, 16));
            if (!Files.exists(f)) {
                Files.write(f, data);
            }
            counts.merge(target, 1, Integer::sum);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha1(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
