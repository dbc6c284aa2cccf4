package org.kerbscope.lab.internal;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.kerbscope.lab.child.DnsMessage;
import org.kerbscope.lab.child.DnsMessage.Record;

/**
 * The domain controller's DNS service for the lab zone: authoritative for {@code contoso.com} and
 * {@code 2.168.192.in-addr.arpa}, answering A, CNAME (followed within the zone), SRV (with the targets' A records
 * as additional data), PTR, NXDOMAIN with the zone's SOA, and REFUSED for any other zone, on one loopback port
 * for both UDP and TCP (RFC 1035 section 4.2).
 */
public final class LabDnsServer implements Closeable {

    private final List<Record> zone;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile boolean closed;

    public LabDnsServer(List<Record> zone) throws IOException {
        this.zone = List.copyOf(zone);
        InetAddress lo = InetAddress.getLoopbackAddress();
        ServerSocket t = null;
        DatagramSocket u = null;
        for (int attempt = 0; attempt < 50 && u == null; attempt++) {
            t = new ServerSocket(0, 50, lo);
            try {
                u = new DatagramSocket(new InetSocketAddress(lo, t.getLocalPort()));
            } catch (IOException e) {
                t.close();
            }
        }
        if (u == null) {
            throw new IOException("no free loopback port for the lab DNS server");
        }
        this.tcp = t;
        this.udp = u;
        daemon("lab-dns-udp", this::udpLoop);
        daemon("lab-dns-tcp", this::tcpLoop);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    /** The answer the zone gives to {@code query}. */
    public DnsMessage answer(DnsMessage query) {
        String name = strip(query.qname);
        if (!inZone(name)) {
            return query.reply(DnsMessage.RCODE_REFUSED);
        }
        DnsMessage r = query.reply(DnsMessage.RCODE_NOERROR);
        String current = name;
        for (int hops = 0; hops < 8; hops++) {
            List<Record> at = at(current);
            if (at.isEmpty()) {
                if (hops == 0) {
                    r.rcode = DnsMessage.RCODE_NXDOMAIN;
                }
                break;
            }
            Record cname = at.stream().filter(x -> x.type() == DnsMessage.TYPE_CNAME).findFirst().orElse(null);
            if (cname != null && query.qtype != DnsMessage.TYPE_CNAME) {
                r.answers.add(cname);
                current = strip(cname.data());
                continue;
            }
            for (Record x : at) {
                if (x.type() == query.qtype) {
                    r.answers.add(x);
                    if (x.type() == DnsMessage.TYPE_SRV) {
                        String target = strip(x.data().split(" ")[3]);
                        at(target).stream().filter(y -> y.type() == DnsMessage.TYPE_A).forEach(r.additional::add);
                    }
                }
            }
            break;
        }
        if (r.answers.isEmpty()) {
            String zoneName = name.endsWith("in-addr.arpa") ? "2.168.192.in-addr.arpa" : "contoso.com";
            r.authority.add(Record.soa(zoneName, "dca.contoso.com", "hostmaster.contoso.com", 2022112801));
        }
        return r;
    }

    private List<Record> at(String name) {
        List<Record> out = new ArrayList<>();
        for (Record x : zone) {
            if (strip(x.name()).equals(name)) {
                out.add(x);
            }
        }
        return out;
    }

    private static boolean inZone(String name) {
        return name.equals("contoso.com") || name.endsWith(".contoso.com") || name.endsWith(".2.168.192.in-addr.arpa");
    }

    private static String strip(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private byte[] respond(byte[] query) {
        try {
            return answer(DnsMessage.decode(query)).encode();
        } catch (IllegalArgumentException e) {
            if (query.length < 12) {
                return null;
            }
            // FORMERR echoing the id, as a server does for a message it cannot parse
            byte[] r = Arrays.copyOf(query, 12);
            r[2] = (byte) 0x80;
            r[3] = DnsMessage.RCODE_FORMERR;
            Arrays.fill(r, 4, 12, (byte) 0);
            return r;
        }
    }

    private void udpLoop() {
        byte[] buf = new byte[4096];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                byte[] r = respond(Arrays.copyOf(buf, p.getLength()));
                if (r != null) {
                    udp.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void tcpLoop() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                daemon("lab-dns-tcp-conn", () -> {
                    try (s; DataInputStream in = new DataInputStream(s.getInputStream());
                            DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
                        while (true) {
                            int len = in.readUnsignedShort();
                            byte[] r = respond(in.readNBytes(len));
                            if (r == null) {
                                return;
                            }
                            out.writeShort(r.length);
                            out.write(r);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the client closed the connection
                    }
                });
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
