package org.kerbscope.lab.child;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The client process's name resolution: every lookup becomes a real DNS query over UDP to the lab's DNS server
 * (through the recording relay), so the capture shows the client's A/PTR queries and the server's answers as
 * Windows' DNS client would send them. Registered through a {@code META-INF/services} file that the lab writes
 * for the client process only; without the {@code kerbscope.lab.dns} property it hands every lookup to the
 * JDK's built-in resolver, so a JVM that happens to see the registration is not changed.
 */
public final class LabResolverProvider extends InetAddressResolverProvider {

    /** System property naming the lab DNS server, {@code 127.0.0.1:PORT}. */
    public static final String DNS_PROPERTY = "kerbscope.lab.dns";

    /** Canonical names learnt from CNAME answers, so the client can build the SPN as a Windows browser does. */
    private static final Map<String, String> CANONICAL = new ConcurrentHashMap<>();

    /** The name the last answer for {@code name} ended at after following CNAMEs, or {@code name} itself. */
    public static String canonicalName(String name) {
        return CANONICAL.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        String server = System.getProperty(DNS_PROPERTY);
        if (server == null || server.isBlank()) {
            return configuration.builtinResolver();
        }
        int colon = server.lastIndexOf(':');
        InetSocketAddress to = new InetSocketAddress(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)));
        return new Resolver(to);
    }

    @Override
    public String name() {
        return "kerbscope-lab";
    }

    /** Sends one query and waits for its answer; retries once after a second, as the Windows DNS client does. */
    public static DnsMessage ask(InetSocketAddress server, String name, int type) throws IOException {
        DnsMessage q = DnsMessage.query(ThreadLocalRandom.current().nextInt(1, 0x10000), name, type);
        byte[] bytes = q.encode();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(1000);
            for (int attempt = 0; attempt < 2; attempt++) {
                s.send(new DatagramPacket(bytes, bytes.length, server));
                byte[] buf = new byte[4096];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    while (true) {
                        s.receive(p);
                        DnsMessage r = DnsMessage.decode(java.util.Arrays.copyOf(buf, p.getLength()));
                        if (r.id == q.id && r.response) {
                            return r;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    // fall through to the retry
                }
            }
        }
        throw new SocketTimeoutException("no answer from the DNS server for " + name);
    }

    private static final class Resolver implements InetAddressResolver {
        private final InetSocketAddress server;

        Resolver(InetSocketAddress server) {
            this.server = server;
        }

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            if ((policy.characteristics() & LookupPolicy.IPV4) == 0) {
                throw new UnknownHostException(host + ": the lab serves IPv4 addresses only");
            }
            DnsMessage r;
            try {
                r = ask(server, host, DnsMessage.TYPE_A);
            } catch (IOException e) {
                UnknownHostException u = new UnknownHostException(host + ": " + e.getMessage());
                u.initCause(e);
                throw u;
            }
            if (r.rcode != DnsMessage.RCODE_NOERROR) {
                throw new UnknownHostException(host + ": DNS answered rcode " + r.rcode
                        + (r.rcode == DnsMessage.RCODE_NXDOMAIN ? " (NXDOMAIN, the name does not exist)" : ""));
            }
            String canonical = host;
            List<InetAddress> out = new java.util.ArrayList<>();
            for (DnsMessage.Record rec : r.answers) {
                if (rec.type() == DnsMessage.TYPE_CNAME) {
                    canonical = rec.data();
                } else if (rec.type() == DnsMessage.TYPE_A) {
                    String[] p = rec.data().split("\\.");
                    byte[] a = {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]),
                        (byte) Integer.parseInt(p[3])};
                    out.add(InetAddress.getByAddress(host, a));
                }
            }
            if (out.isEmpty()) {
                throw new UnknownHostException(host + ": DNS has no A record for this name");
            }
            CANONICAL.put(host.toLowerCase(Locale.ROOT), canonical);
            return out.stream();
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            if (addr.length != 4) {
                throw new UnknownHostException("the lab serves IPv4 reverse names only");
            }
            String name = (addr[3] & 0xFF) + "." + (addr[2] & 0xFF) + "." + (addr[1] & 0xFF) + "." + (addr[0] & 0xFF) + ".in-addr.arpa";
            try {
                DnsMessage r = ask(server, name, DnsMessage.TYPE_PTR);
                for (DnsMessage.Record rec : r.answers) {
                    if (rec.type() == DnsMessage.TYPE_PTR) {
                        return rec.data();
                    }
                }
            } catch (IOException e) {
                // reported below as an unknown host, which is what the JDK expects
            }
            throw new UnknownHostException(Inet4Address.class.getSimpleName() + " " + name + " has no PTR record");
        }
    }
}
