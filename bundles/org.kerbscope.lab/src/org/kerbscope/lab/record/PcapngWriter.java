package org.kerbscope.lab.record;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal pcapng writer (draft-ietf-opsawg-pcapng): one Section Header Block, one Interface Description Block
 * for Ethernet with microsecond timestamps, then one Enhanced Packet Block per frame. Little-endian, as Wireshark
 * writes on x86. The lab keeps its own writer so that it depends on no capture library.
 */
public final class PcapngWriter implements Closeable {

    static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAPLEN = 262144;

    private final OutputStream out;
    private long frames;

    /**
     * @param comment the section comment ({@code opt_comment}), shown by {@code capinfos} and Wireshark's capture
     *        properties: the lab writes the scenario's story there
     * @param application the writing application ({@code shb_userappl})
     */
    public PcapngWriter(OutputStream out, String comment, String application) throws IOException {
        this.out = out;
        ByteBuffer opts = options(new Object[][] {{1, comment}, {4, application}});
        ByteBuffer shb = block(0x0A0D0D0A, 16 + opts.remaining());
        shb.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L).put(opts);
        write(shb);
        ByteBuffer ifOpts = options(new Object[][] {{2, "lab0"}, {3, "Kerbscope lab relay (synthetic Ethernet/IPv4 around real payloads)"},
            {9, new byte[] {6}}});
        ByteBuffer idb = block(1, 8 + ifOpts.remaining());
        idb.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(SNAPLEN).put(ifOpts);
        write(idb);
    }

    /** Appends one frame captured at {@code epochMicros} (microseconds since 1970, UTC). */
    public synchronized void write(long epochMicros, byte[] frame) throws IOException {
        int padded = (frame.length + 3) & ~3;
        ByteBuffer epb = block(6, 20 + padded);
        epb.putInt(0).putInt((int) (epochMicros >>> 32)).putInt((int) epochMicros).putInt(frame.length).putInt(frame.length);
        epb.put(frame);
        for (int i = frame.length; i < padded; i++) {
            epb.put((byte) 0);
        }
        write(epb);
        frames++;
    }

    public synchronized long frames() {
        return frames;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /** A block whose body is {@code bodyLength} bytes; the caller fills the body, the trailer is added on write. */
    private static ByteBuffer block(int type, int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(12 + bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(12 + bodyLength);
        return b;
    }

    private void write(ByteBuffer b) throws IOException {
        int total = b.capacity();
        b.putInt(total);
        out.write(b.array(), 0, total);
    }

    private static ByteBuffer options(Object[][] opts) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (Object[] o : opts) {
            if (o[1] == null) {
                continue;
            }
            byte[] v = o[1] instanceof byte[] bytes ? bytes : ((String) o[1]).getBytes(StandardCharsets.UTF_8);
            if (v.length > 3000) {
                v = java.util.Arrays.copyOf(v, 3000);
            }
            b.putShort((short) (int) (Integer) o[0]).putShort((short) v.length).put(v);
            for (int i = v.length; i % 4 != 0; i++) {
                b.put((byte) 0);
            }
        }
        b.putShort((short) 0).putShort((short) 0);
        b.flip();
        return b;
    }
}
