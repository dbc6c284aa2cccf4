package org.kerbscope.capture.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * pcapng files (draft-ietf-opsawg-pcapng): sections of either byte order, interface descriptions with
 * their own link type, snaplen, timestamp resolution ({@code if_tsresol}, powers of 10 or of 2) and offset
 * ({@code if_tsoffset}); enhanced, simple and obsolete packet blocks; {@code opt_comment} on packets kept
 * for display. Name resolution, statistics, decryption secrets, custom and unknown blocks are skipped.
 */
public final class PcapngParser extends RecordParser {
    public static final int SHB = 0x0A0D0D0A;
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int IDB = 1, OBSOLETE_PB = 2, SPB = 3, NRB = 4, ISB = 5, EPB = 6;
    static final int OPT_END = 0, OPT_COMMENT = 1, IF_TSRESOL = 9, IF_TSOFFSET = 14;

    /** One interface description of the current section. */
    static final class Interface {
        final int linkType;
        final int snaplen;
        /** Multiply raw units by this (base-10 resolutions down to nanoseconds), or 0 for the slow path. */
        long unitNanos = 1000;
        int resolution = 6;
        boolean binary;
        long offsetNanos;

        Interface(int linkType, int snaplen) {
            this.linkType = linkType;
            this.snaplen = snaplen;
        }

        long nanos(long units) {
            if (unitNanos != 0) {
                return units * unitNanos + offsetNanos;
            }
            // Units finer than a nanosecond, or powers of two: exact unsigned arithmetic, rarely used.
            BigInteger u = new BigInteger(Long.toUnsignedString(units)).multiply(BigInteger.valueOf(1_000_000_000L));
            BigInteger n = binary ? u.shiftRight(resolution) : u.divide(BigInteger.TEN.pow(resolution));
            return n.longValue() + offsetNanos;
        }
    }

    private final List<Interface> interfaces = new ArrayList<>();
    private boolean bigEndian;
    private boolean inSection;
    private long pos;
    private int sections;

    public PcapngParser(MappedFile file) {
        super(file);
    }

    @Override
    public String format() {
        return "pcapng";
    }

    /** Sections seen so far. */
    public int sections() {
        return sections;
    }

    @Override
    protected boolean next() {
        while (true) {
            long left = size - pos;
            if (left == 0) {
                return false;
            }
            if (left < 12) {
                damage(pos, "ends inside a block header (" + left + " bytes left): the file was cut short");
                return false;
            }
            int type = file.i32(pos, bigEndian);
            if (type == SHB) {
                int bom = file.i32(pos + 8, false);
                if (bom == BYTE_ORDER_MAGIC) {
                    bigEndian = false;
                } else if (bom == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
                    bigEndian = true;
                } else {
                    damage(pos, "has a section header whose byte-order magic is 0x" + Integer.toHexString(bom)
                            + " instead of 1a2b3c4d");
                    return false;
                }
            } else if (!inSection) {
                damage(pos, "does not start with a section header block");
                return false;
            }
            long len = file.u32(pos + 4, bigEndian);
            if (len < 12 || (len & 3) != 0) {
                damage(pos, "has a block (type " + type + ") whose length " + len
                        + " is not a multiple of 4 of at least 12: the block is damaged");
                return false;
            }
            if (len > left) {
                damage(pos, "has a block (type " + type + ") of " + len + " bytes but only " + left
                        + " remain: the file was cut short or the block length is wrong");
                return false;
            }
            long trailer = file.u32(pos + len - 4, bigEndian);
            if (trailer != len) {
                damage(pos, "has a block (type " + type + ") whose length fields disagree (" + len + " at the start, "
                        + trailer + " at the end): the length is wrong or the block is damaged");
                return false;
            }
            long block = pos;
            long body = pos + 8;
            int bodyLen = (int) Math.min(Integer.MAX_VALUE, len - 12);
            pos += len;
            switch (type) {
                case SHB -> {
                    if (!sectionHeader(block, body, bodyLen)) {
                        return false;
                    }
                }
                case IDB -> interfaceDescription(block, body, bodyLen);
                case EPB -> {
                    if (packet(block, body, bodyLen, file.i32(body, bigEndian), 20, true)) {
                        return true;
                    }
                }
                case OBSOLETE_PB -> {
                    if (packet(block, body, bodyLen, file.u16(body, bigEndian), 20, true)) {
                        return true;
                    }
                }
                case SPB -> {
                    if (simplePacket(block, body, bodyLen)) {
                        return true;
                    }
                }
                default -> {
                    // NRB, ISB, DSB, custom and unknown blocks: nothing a frame list needs.
                }
            }
        }
    }

    private boolean sectionHeader(long block, long body, int bodyLen) {
        if (bodyLen < 16) {
            damage(block, "has a section header block too short for its fields");
            return false;
        }
        int major = file.u16(body + 4, bigEndian);
        if (major != 1) {
            damage(block, "has a section of version " + major + "." + file.u16(body + 6, bigEndian)
                    + ", which is not pcapng 1.x");
            return false;
        }
        interfaces.clear();
        inSection = true;
        sections++;
        return true;
    }

    private void interfaceDescription(long block, long body, int bodyLen) {
        if (bodyLen < 8) {
            warn("interface description block at byte offset " + block + " is too short; its packets are skipped");
            interfaces.add(new Interface(-1, 0));
            return;
        }
        Interface i = new Interface(file.u16(body, bigEndian), file.i32(body + 4, bigEndian));
        long o = body + 8;
        long end = body + bodyLen;
        while (o + 4 <= end) {
            int code = file.u16(o, bigEndian);
            int olen = file.u16(o + 2, bigEndian);
            long v = o + 4;
            if (code == OPT_END || v + olen > end) {
                break;
            }
            if (code == IF_TSRESOL && olen >= 1) {
                int r = file.u8(v);
                i.binary = (r & 0x80) != 0;
                i.resolution = r & 0x7f;
                if (!i.binary && i.resolution <= 9) {
                    i.unitNanos = pow10(9 - i.resolution);
                } else if (i.binary && i.resolution == 0) {
                    i.unitNanos = 1_000_000_000L;
                } else {
                    i.unitNanos = 0;
                }
            } else if (code == IF_TSOFFSET && olen >= 8) {
                i.offsetNanos = file.i64(v, bigEndian) * 1_000_000_000L;
            }
            o = v + ((olen + 3) & ~3);
        }
        interfaces.add(i);
    }

    private static long pow10(int n) {
        long p = 1;
        for (int k = 0; k < n; k++) {
            p *= 10;
        }
        return p;
    }

    /** EPB and the obsolete Packet Block share the layout after their interface field. */
    private boolean packet(long block, long body, int bodyLen, int iface, int fixed, boolean options) {
        if (bodyLen < fixed) {
            warn("packet block at byte offset " + block + " is too short for its fields and was skipped");
            return false;
        }
        if (iface < 0 || iface >= interfaces.size() || interfaces.get(iface).linkType < 0) {
            warn("packet block at byte offset " + block + " names interface " + Integer.toUnsignedString(iface)
                    + ", which the section does not describe; it was skipped");
            return false;
        }
        Interface i = interfaces.get(iface);
        long units = (file.u32(body + 4, bigEndian) << 32) | file.u32(body + 8, bigEndian);
        long cap = file.u32(body + 12, bigEndian);
        long orig = file.u32(body + 16, bigEndian);
        if (cap > bodyLen - fixed) {
            warn("packet block at byte offset " + block + " claims " + cap + " captured bytes but holds only "
                    + (bodyLen - fixed) + "; it was skipped");
            return false;
        }
        dataOffset = body + fixed;
        capturedLength = (int) cap;
        originalLength = (int) Math.min(Integer.MAX_VALUE, Math.max(cap, orig));
        timeNanos = i.nanos(units);
        linkType = i.linkType;
        long opts = dataOffset + ((cap + 3) & ~3L);
        if (options && opts + 4 <= body + bodyLen) {
            comment = comment(opts, body + bodyLen);
        }
        return true;
    }

    private boolean simplePacket(long block, long body, int bodyLen) {
        if (interfaces.isEmpty() || interfaces.get(0).linkType < 0 || bodyLen < 4) {
            warn("simple packet block at byte offset " + block + " has no interface 0 to belong to; it was skipped");
            return false;
        }
        Interface i = interfaces.get(0);
        long orig = file.u32(body, bigEndian);
        long cap = Math.min(orig, bodyLen - 4);
        if (i.snaplen > 0) {
            cap = Math.min(cap, i.snaplen);
        }
        dataOffset = body + 4;
        capturedLength = (int) cap;
        originalLength = (int) Math.min(Integer.MAX_VALUE, orig);
        // A simple packet carries no timestamp; 0 is what Wireshark shows too.
        timeNanos = 0;
        linkType = i.linkType;
        return true;
    }

    private String comment(long o, long end) {
        StringBuilder all = null;
        while (o + 4 <= end) {
            int code = file.u16(o, bigEndian);
            int olen = file.u16(o + 2, bigEndian);
            long v = o + 4;
            if (code == OPT_END || v + olen > end) {
                break;
            }
            if (code == OPT_COMMENT) {
                String c = new String(file.bytes(v, olen), StandardCharsets.UTF_8);
                all = all == null ? new StringBuilder(c) : all.append('\n').append(c);
            }
            o = v + ((olen + 3) & ~3);
        }
        return all == null ? null : all.toString();
    }
}
