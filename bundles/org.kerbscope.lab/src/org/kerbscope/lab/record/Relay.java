package org.kerbscope.lab.record;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards the lab client's traffic to the lab servers on loopback and hands every byte to the {@link Recorder}
 * with the lab addresses the capture should show. Three kinds of entrances:
 * <ul>
 * <li>{@link #listen}: a loopback port (the same number for UDP and TCP) that stands for one lab server, for
 * protocols whose client is configured with an address (the KDC in krb5.conf, the DNS server);</li>
 * <li>{@link #socksPort()}: a SOCKS5 proxy, so a client that resolved a lab address through DNS (the browser) can
 * "connect" to it; the relay looks the address up in {@link #route} and connects to the real server instead;</li>
 * <li>a SOCKS connect to a lab address with no route records SYN then RST, as a host with no listener answers.</li>
 * </ul>
 * Only loopback sockets are ever opened.
 */
public final class Relay implements Closeable {

    private final Recorder recorder;
    private final String clientIp;
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private final Map<LabEndpoint, InetSocketAddress> routes = new ConcurrentHashMap<>();
    private final List<Closeable> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger activeFlows = new AtomicInteger();
    private volatile boolean closed;
    private ServerSocket socks;

    /** @param clientIp the client's address in the capture, e.g. 192.168.2.101 */
    public Relay(Recorder recorder, String clientIp) {
        this.recorder = recorder;
        this.clientIp = clientIp;
    }

    /**
     * Opens a loopback port standing for {@code server} and forwards to {@code target}; returns the port, bound for
     * both UDP and TCP when both are asked for.
     */
    public synchronized int listen(LabEndpoint server, InetSocketAddress target, boolean udp, boolean tcp) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket ss = tcp ? new ServerSocket(0, 50, loopback) : null;
            int port = ss != null ? ss.getLocalPort() : 0;
            DatagramSocket ds = null;
            if (udp) {
                try {
                    ds = new DatagramSocket(new InetSocketAddress(loopback, port));
                } catch (IOException e) {
                    // the TCP port's number is taken for UDP: try another pair
                    if (ss != null) {
                        ss.close();
                    }
                    continue;
                }
            }
            if (ss != null) {
                open.add(ss);
                ServerSocket s = ss;
                daemon("relay-tcp-" + server, () -> acceptLoop(s, server, target));
            }
            if (ds != null) {
                open.add(ds);
                DatagramSocket d = ds;
                daemon("relay-udp-" + server, () -> udpLoop(d, server, target));
                port = ds.getLocalPort();
            }
            return port;
        }
        throw new IOException("no free loopback port pair for " + server);
    }

    /** Lets SOCKS connects to {@code server} reach {@code target}. */
    public void route(LabEndpoint server, InetSocketAddress target) {
        routes.put(server, target);
    }

    /** The SOCKS5 entrance's loopback port. */
    public synchronized int socksPort() throws IOException {
        if (socks == null) {
            socks = new ServerSocket(0, 50, loopback);
            open.add(socks);
            daemon("relay-socks", this::socksLoop);
        }
        return socks.getLocalPort();
    }

    /** Waits until every TCP flow has ended, at most {@code millis}; true when all ended. */
    public boolean awaitQuiet(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (activeFlows.get() > 0 && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        return activeFlows.get() == 0;
    }

    @Override
    public void close() {
        closed = true;
        for (Closeable c : open) {
            try {
                c.close();
            } catch (IOException e) {
                // closing is best effort: the sockets die with the relay anyway
            }
        }
    }

    private LabEndpoint client(int port) {
        return new LabEndpoint(clientIp, port);
    }

    private void acceptLoop(ServerSocket ss, LabEndpoint server, InetSocketAddress target) {
        while (!closed) {
            Socket c;
            try {
                c = ss.accept();
            } catch (IOException e) {
                return;
            }
            open.add(c);
            daemon("relay-conn-" + server, () -> bridge(c, client(c.getPort()), server, target));
        }
    }

    private void bridge(Socket c, LabEndpoint client, LabEndpoint server, InetSocketAddress target) {
        Socket s = new Socket();
        try {
            s.connect(target, 5000);
        } catch (IOException e) {
            recorder.refused(client, server);
            closeQuietly(c);
            closeQuietly(s);
            return;
        }
        open.add(s);
        Recorder.TcpFlow flow = recorder.connect(client, server);
        splice(c, s, flow);
    }

    private void splice(Socket c, Socket s, Recorder.TcpFlow flow) {
        activeFlows.incrementAndGet();
        AtomicInteger directions = new AtomicInteger(2);
        Runnable done = () -> {
            if (directions.decrementAndGet() == 0) {
                closeQuietly(c);
                closeQuietly(s);
                activeFlows.decrementAndGet();
            }
        };
        daemon("relay-c2s", () -> pump(c, s, flow, true, done));
        pump(s, c, flow, false, done);
    }

    private void pump(Socket from, Socket to, Recorder.TcpFlow flow, boolean fromClient, Runnable done) {
        byte[] buf = new byte[65536];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                // Record before forwarding, so an answer can never be written before the request it answers.
                flow.data(fromClient, buf, 0, n);
                out.write(buf, 0, n);
                out.flush();
            }
            flow.fin(fromClient);
            to.shutdownOutput();
        } catch (IOException e) {
            if (!flow.closed()) {
                flow.rst(fromClient);
            }
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            done.run();
        }
    }

    private void udpLoop(DatagramSocket listen, LabEndpoint server, InetSocketAddress target) {
        Map<SocketAddress, DatagramSocket> upstreams = new ConcurrentHashMap<>();
        byte[] buf = new byte[65536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                listen.receive(p);
                SocketAddress from = p.getSocketAddress();
                LabEndpoint client = client(p.getPort());
                DatagramSocket up = upstreams.get(from);
                if (up == null) {
                    DatagramSocket u = new DatagramSocket(new InetSocketAddress(loopback, 0));
                    u.connect(target);
                    open.add(u);
                    upstreams.put(from, u);
                    daemon("relay-udp-reply-" + server, () -> udpReplies(u, listen, from, server, client));
                    up = u;
                }
                recorder.udp(client, server, buf, 0, p.getLength());
                up.send(new DatagramPacket(buf, p.getLength()));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void udpReplies(DatagramSocket up, DatagramSocket listen, SocketAddress to, LabEndpoint server, LabEndpoint client) {
        byte[] buf = new byte[65536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                up.receive(p);
                recorder.udp(server, client, buf, 0, p.getLength());
                listen.send(new DatagramPacket(buf, p.getLength(), to));
            } catch (IOException e) {
                // a closed upstream ends the loop; an ICMP-refused datagram is simply lost, as on a real network
                if (up.isClosed()) {
                    return;
                }
            }
        }
    }

    private void socksLoop() {
        while (!closed) {
            Socket c;
            try {
                c = socks.accept();
            } catch (IOException e) {
                return;
            }
            open.add(c);
            daemon("relay-socks-conn", () -> socksConnect(c));
        }
    }

    /** SOCKS5 (RFC 1928), no authentication, CONNECT to an IPv4 address only. */
    private void socksConnect(Socket c) {
        try {
            DataInputStream in = new DataInputStream(c.getInputStream());
            OutputStream out = c.getOutputStream();
            if (in.readUnsignedByte() != 5) {
                closeQuietly(c);
                return;
            }
            in.skipNBytes(in.readUnsignedByte());
            out.write(new byte[] {5, 0});
            out.flush();
            int ver = in.readUnsignedByte();
            int cmd = in.readUnsignedByte();
            in.readUnsignedByte();
            int atyp = in.readUnsignedByte();
            if (ver != 5 || cmd != 1 || atyp != 1) {
                // Only resolved IPv4 connects make sense: the client resolves names through the lab DNS first.
                out.write(new byte[] {5, 8, 0, 1, 0, 0, 0, 0, 0, 0});
                closeQuietly(c);
                return;
            }
            byte[] a = in.readNBytes(4);
            int port = in.readUnsignedShort();
            LabEndpoint server = new LabEndpoint((a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF), port);
            LabEndpoint client = client(c.getPort());
            InetSocketAddress target = routes.get(server);
            Socket s = new Socket();
            boolean connected = false;
            if (target != null) {
                try {
                    s.connect(target, 5000);
                    connected = true;
                } catch (IOException e) {
                    connected = false;
                }
            }
            if (!connected) {
                recorder.refused(client, server);
                out.write(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0});
                out.flush();
                closeQuietly(c);
                closeQuietly(s);
                return;
            }
            open.add(s);
            Recorder.TcpFlow flow = recorder.connect(client, server);
            out.write(new byte[] {5, 0, 0, 1, a[0], a[1], a[2], a[3], (byte) (port >>> 8), (byte) port});
            out.flush();
            splice(c, s, flow);
        } catch (IOException e) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing more to do with a socket that will not close
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
