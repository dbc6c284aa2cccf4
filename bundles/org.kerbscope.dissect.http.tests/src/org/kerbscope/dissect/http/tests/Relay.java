package org.kerbscope.dissect.http.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay that records every read, in the order the bytes passed, per connection and direction:
 * what a capture of the connection would show (each read stands for one segment). A chunk is recorded before
 * it is forwarded, so an answer is always recorded after what it answers.
 */
final class Relay implements AutoCloseable {
    record Chunk(int connection, boolean fromClient, byte[] bytes) {
    }

    private final ServerSocket listen;
    private final InetSocketAddress target;
    private final List<Chunk> chunks = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();

    Relay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "relay-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listen.getLocalPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket c = listen.accept();
                Socket s = new Socket(target.getAddress(), target.getPort());
                c.setTcpNoDelay(true);
                s.setTcpNoDelay(true);
                synchronized (sockets) {
                    sockets.add(c);
                    sockets.add(s);
                }
                int id = connections.getAndIncrement();
                pump(id, true, c, s);
                pump(id, false, s, c);
            }
        } catch (IOException e) {
            // closed: the test is over
        }
    }

    private void pump(int id, boolean fromClient, Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (chunks) {
                        chunks.add(new Chunk(id, fromClient, Arrays.copyOf(buf, n)));
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // the other side closed
            }
        }, "relay-" + id + (fromClient ? "-c2s" : "-s2c"));
        t.setDaemon(true);
        t.start();
    }

    /** What was recorded on one connection, in order. */
    List<Chunk> chunks(int connection) {
        synchronized (chunks) {
            return chunks.stream().filter(c -> c.connection == connection).toList();
        }
    }

    int connections() {
        return connections.get();
    }

    /** Waits until nothing new was recorded for a moment (the last bytes have passed). */
    void settle() throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 100; i++) {
            int now;
            synchronized (chunks) {
                now = chunks.size();
            }
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(60);
        }
    }

    @Override
    public void close() throws IOException {
        listen.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
