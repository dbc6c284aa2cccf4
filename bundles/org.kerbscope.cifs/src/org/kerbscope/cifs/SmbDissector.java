package org.kerbscope.cifs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.cifs.internal.Bytes;
import org.kerbscope.cifs.internal.NetbiosFramer;
import org.kerbscope.cifs.internal.NtStatus;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;

/**
 * SMB over NetBIOS session service / Direct TCP (ports 445 and 139). Reads SMB2/3 headers (MS-SMB2 2.2.1),
 * walking every PDU of a compound, and the commands that set up a session: NEGOTIATE, SESSION_SETUP, LOGOFF,
 * TREE_CONNECT, TREE_DISCONNECT; the security blobs go on through the {@code gss.oid} table (or the {@code gss}
 * heuristics), so SPNEGO, Kerberos and NTLMSSP are read by their own dissectors with carrier {@code smb2}.
 * SMB1 (MS-CIFS/MS-SMB) NEGOTIATE, SESSION_SETUP_ANDX (extended security), TREE_CONNECT_ANDX and LOGOFF_ANDX are
 * read too, with carrier {@code smb} for what they carry, and go to the {@code smb} array: like Wireshark, the
 * {@code smb2} array holds SMB2 commands only. Encrypted (0xFD) and compressed (0xFC) transform messages are
 * recognised, not decoded.
 * <p>
 * Emits one {@code smb2} event per SMB2 session or tree command PDU (command, kind, status of responses, and
 * statusName, messageId, sessionId, treeId, dialects/dialect, securityMode, mechanisms, auth, sessionFlags,
 * share), one for a response that ends a session (USER_SESSION_DELETED, NETWORK_SESSION_EXPIRED), and one
 * {@code ENCRYPTED} event for the first encrypted message of each direction of a connection.
 */
public final class SmbDissector implements Dissector {
    public static final String ID = "smb2";
    private static final String[] SMB2_COMMANDS = { "NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT",
        "TREE_DISCONNECT", "CREATE", "CLOSE", "FLUSH", "READ", "WRITE", "LOCK", "IOCTL", "CANCEL", "ECHO",
        "QUERY_DIRECTORY", "CHANGE_NOTIFY", "QUERY_INFO", "SET_INFO", "OPLOCK_BREAK" };
    private static final int MAX_COMPOUND = 64;
    private static final int MAX_ANDX = 8;
    private static final String TREES = "smb2.pendingTrees";
    private static final String ENCRYPTED = "smb2.encryptedDirections";

    /** The SMB2 command name for its code (MS-SMB2 2.2.1.2), or {@code 0xNNNN}. */
    public static String commandName(int code) {
        return code >= 0 && code < SMB2_COMMANDS.length ? SMB2_COMMANDS[code]
                : String.format(Locale.ROOT, "0x%04X", code);
    }

    /** A dialect revision as MS-SMB2 writes it ({@code 3.1.1}), {@code 2.???} for the SMB1-negotiation wildcard. */
    public static String dialectName(int d) {
        return switch (d) {
            case 0x0202 -> "2.0.2";
            case 0x0210 -> "2.1";
            case 0x0222 -> "2.2.2";
            case 0x0224 -> "2.2.4";
            case 0x02FF -> "2.???";
            case 0x0300 -> "3.0";
            case 0x0302 -> "3.0.2";
            case 0x0310 -> "3.1";
            case 0x0311 -> "3.1.1";
            default -> String.format(Locale.ROOT, "0x%04X", d);
        };
    }

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return new NetbiosFramer();
    }

    /** A NetBIOS session message that holds an SMB2 or SMB1 header. Never throws. */
    @Override
    public boolean accepts(Pdu pdu, String transport) {
        try {
            ByteBuffer b = pdu.data();
            if (!"tcp".equals(transport) || b.limit() < 8 || b.get(0) != 0) {
                return false;
            }
            int len = ((b.get(1) & 0xff) << 16) | ((b.get(2) & 0xff) << 8) | (b.get(3) & 0xff);
            int m = NetbiosFramer.smbMagic(b, 4);
            return (m == 0xFE && len >= 64) || (m == 0xFF && len >= 32);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        try {
            read(pdu, ctx);
        } catch (RuntimeException e) {
            malformed(ctx, ctx.tree(), pdu, 0, "unreadable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void read(Pdu pdu, DissectionContext ctx) {
        ByteBuffer b = pdu.data();
        FieldNode tree = ctx.tree();
        int start = 0;
        int end = pdu.length();
        if (end >= 4 && (b.get(0) & 0xff) >= 0x81 && (b.get(0) & 0xff) <= 0x85) {
            if (tree != null) {
                tree.add("nbss.type", "NetBIOS session service control message (type 0x"
                        + Integer.toHexString(b.get(0) & 0xff) + ")", b.get(0) & 0xff, pdu.abs(0), end);
            }
            return;
        }
        if (end >= 4 && b.get(0) == 0 && NetbiosFramer.smbMagic(b, 4) >= 0) {
            int len = ((b.get(1) & 0xff) << 16) | ((b.get(2) & 0xff) << 8) | (b.get(3) & 0xff);
            if (tree != null) {
                FieldNode nb = tree.add("nbss", "NetBIOS Session Service, length " + len, null, pdu.abs(0), 4);
                nb.add("nbss.type", "Message type: session message (0x00)", 0, pdu.abs(0), 1);
                nb.add("nbss.length", "Length: " + len, len, pdu.abs(1), 3);
            }
            start = 4;
            if (4L + len > end) {
                malformed(ctx, tree, pdu, 1, "NetBIOS length " + len + " exceeds the " + (end - 4) + " bytes present");
            } else {
                end = 4 + len;
            }
        }
        Pdu msg = pdu.slice(start, end - start);
        switch (NetbiosFramer.smbMagic(msg.data(), 0)) {
            case 0xFE -> smb2(msg, ctx, tree);
            case 0xFF -> smb1(msg, ctx, tree);
            case 0xFD -> transform(msg, ctx, tree);
            case 0xFC -> {
                if (tree != null) {
                    tree.add("smb2.compression", "SMB2 compression transform (compressed message, not decoded)", null,
                            msg.abs(0), msg.length());
                }
            }
            default -> malformed(ctx, tree, msg, 0, "no SMB header (protocol id 0xFE/0xFF 'SMB' expected)");
        }
    }

    // ------------------------------------------------------------------ SMB2

    private void smb2(Pdu msg, DissectionContext ctx, FieldNode tree) {
        ctx.setCarrier("smb2");
        int off = 0;
        for (int i = 0; i < MAX_COMPOUND; i++) {
            int remaining = msg.length() - off;
            if (remaining < 64) {
                malformed(ctx, tree, msg, off, "SMB2 header needs 64 bytes, " + remaining + " left");
                return;
            }
            long next = Bytes.u32(msg.data(), off + 20);
            int size = remaining;
            if (next != 0) {
                if (next < 64 || next > remaining) {
                    malformed(ctx, tree, msg, off + 20, "next command offset " + next + " outside the "
                            + remaining + " bytes left");
                    next = 0;
                } else {
                    size = (int) next;
                }
            }
            smb2Pdu(msg.slice(off, size), ctx, tree, i > 0 || next != 0);
            if (next == 0) {
                return;
            }
            off += size;
        }
        malformed(ctx, tree, msg, off, "more than " + MAX_COMPOUND + " compounded commands");
    }

    private void smb2Pdu(Pdu p, DissectionContext ctx, FieldNode tree, boolean compound) {
        ByteBuffer b = p.data();
        long status = Bytes.u32(b, 8);
        int cmd = Bytes.u16(b, 12);
        long flags = Bytes.u32(b, 16);
        if (tree == null && cmd > 4 && !((flags & 0x1) != 0 && endsSession(status))) {
            // the fast path: a file command (READ, CLOSE, QUERY_INFO, …) neither carries authentication nor
            // ends a session, and without a tree nothing of it is shown; most PDUs of a capture stop here, after
            // three header reads
            return;
        }
        long msgId = Bytes.u64(b, 24);
        boolean async = (flags & 0x2) != 0;
        long treeId = async ? -1 : Bytes.u32(b, 36);
        long sessionId = Bytes.u64(b, 40);
        boolean response = (flags & 0x1) != 0;
        String name = commandName(cmd);
        FieldNode node = null;
        if (tree != null) {
            node = tree.add("smb2", "SMB2 " + name + (response ? " Response" : " Request")
                    + (response ? ", " + NtStatus.name(status) : ""), null, p.abs(0), p.length());
            FieldNode h = node.add("smb2.header", "SMB2 Header", null, p.abs(0), 64);
            h.add("smb2.nt_status", "NT Status: " + NtStatus.name(status) + String.format(Locale.ROOT, " (0x%08x)", status),
                    status, p.abs(8), 4);
            h.add("smb2.cmd", "Command: " + name + " (" + cmd + ")", cmd, p.abs(12), 2);
            h.add("smb2.flags.response", "Response: " + response, response, p.abs(16), 4);
            h.add("smb2.chain_offset", "Next command: " + Bytes.u32(b, 20), Bytes.u32(b, 20), p.abs(20), 4);
            h.add("smb2.msg_id", "Message id: " + msgId, msgId, p.abs(24), 8);
            if (!async) {
                h.add("smb2.tid", String.format(Locale.ROOT, "Tree id: 0x%08x", treeId), treeId, p.abs(36), 4);
            }
            h.add("smb2.sesid", "Session id: " + hex64(sessionId), sessionId, p.abs(40), 8);
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("command", name);
        ev.put("kind", response ? "response" : "request");
        if (response) {
            ev.put("status", status);
            ev.put("statusName", NtStatus.name(status));
        }
        ev.put("messageId", msgId);
        ev.put("sessionId", hex64(sessionId));
        if (!async) {
            ev.put("treeId", treeId);
        }
        if (compound) {
            ev.put("compound", true);
        }
        // an error response carries the 9-byte ERROR body, not the command's own structure
        boolean errorBody = response && status != NtStatus.SUCCESS
                && !(cmd == 1 && status == NtStatus.MORE_PROCESSING_REQUIRED) && Bytes.u16(b, 64) == 9;
        if (!errorBody) {
            switch (cmd) {
                case 0 -> negotiate(p, ctx, node, ev, response);
                case 1 -> sessionSetup(p, ctx, node, ev, response);
                case 3 -> treeConnect(p, ctx, node, ev, response, msgId);
                default -> {
                }
            }
        } else if (cmd == 3) {
            String share = pendingTree(ctx, msgId, null);
            if (share != null) {
                ev.put("share", share);
            }
        }
        if (cmd <= 4 || (response && endsSession(status))) {
            ctx.emit(ID, ev);
        }
    }

    /** The statuses of a response that tell the client its session is gone (reported whatever the command). */
    private static boolean endsSession(long status) {
        return status == NtStatus.USER_SESSION_DELETED || status == NtStatus.NETWORK_SESSION_EXPIRED;
    }

    private void negotiate(Pdu p, DissectionContext ctx, FieldNode node, Map<String, Object> ev, boolean response) {
        ByteBuffer b = p.data();
        if (!response) {
            int count = Bytes.u16(b, 66);
            int mode = Bytes.u16(b, 68);
            List<String> dialects = new ArrayList<>();
            for (int i = 0; i < count && i < 64; i++) {
                int d = Bytes.u16(b, 64 + 36 + 2 * i);
                if (d < 0) {
                    malformed(ctx, node, p, 64 + 36 + 2 * i, count + " dialects announced, fewer present");
                    break;
                }
                dialects.add(dialectName(d));
            }
            ev.put("dialects", dialects);
            if (mode >= 0) {
                ev.put("securityMode", securityMode(mode));
            }
            if (node != null) {
                node.add("smb2.dialect", "Dialects: " + String.join(", ", dialects), dialects, p.abs(64 + 36),
                        Math.min(2 * dialects.size(), Math.max(0, p.length() - 100)));
            }
            return;
        }
        int mode = Bytes.u16(b, 66);
        int dialect = Bytes.u16(b, 68);
        if (dialect >= 0) {
            ev.put("dialect", dialectName(dialect));
            if (node != null) {
                node.add("smb2.dialect", "Dialect: " + dialectName(dialect), dialect, p.abs(68), 2);
            }
        }
        if (mode >= 0) {
            ev.put("securityMode", securityMode(mode));
        }
        int secOff = Bytes.u16(b, 64 + 56);
        int secLen = Bytes.u16(b, 64 + 58);
        Pdu blob = blob(p, ctx, node, secOff, secLen);
        if (blob != null) {
            List<String> mechs = new ArrayList<>();
            for (String oid : Bytes.negTokenInitMechs(blob.data())) {
                String m = Bytes.mechName(oid);
                if (!mechs.contains(m)) {
                    mechs.add(m);
                }
            }
            ev.put("mechanisms", mechs);
            hand(blob, ctx, node);
        } else {
            ev.put("mechanisms", List.of());
        }
    }

    private void sessionSetup(Pdu p, DissectionContext ctx, FieldNode node, Map<String, Object> ev,
            boolean response) {
        ByteBuffer b = p.data();
        int secOff;
        int secLen;
        if (!response) {
            int mode = Bytes.u8(b, 67);
            if (mode >= 0) {
                ev.put("securityMode", securityMode(mode));
            }
            if ((Bytes.u8(b, 66) & 0x01) == 0x01) {
                ev.put("binding", true);
            }
            long previous = Bytes.u64(b, 64 + 16);
            if (previous > 0) {
                ev.put("previousSessionId", hex64(previous));
            }
            secOff = Bytes.u16(b, 64 + 12);
            secLen = Bytes.u16(b, 64 + 14);
        } else {
            int sf = Bytes.u16(b, 66);
            if (sf >= 0) {
                List<String> names = new ArrayList<>();
                if ((sf & 0x1) != 0) {
                    names.add("guest");
                }
                if ((sf & 0x2) != 0) {
                    names.add("null");
                }
                if ((sf & 0x4) != 0) {
                    names.add("encrypt");
                }
                ev.put("sessionFlags", names);
                if (node != null) {
                    node.add("smb2.session_flags", "Session flags: " + (names.isEmpty() ? "none" : String.join(", ", names)),
                            sf, p.abs(66), 2);
                }
            }
            secOff = Bytes.u16(b, 68);
            secLen = Bytes.u16(b, 70);
        }
        Pdu blob = blob(p, ctx, node, secOff, secLen);
        ev.put("auth", auth(blob, blob == null ? null : hand(blob, ctx, node), secLen));
    }

    private void treeConnect(Pdu p, DissectionContext ctx, FieldNode node, Map<String, Object> ev, boolean response,
            long msgId) {
        ByteBuffer b = p.data();
        if (!response) {
            int off = Bytes.u16(b, 68);
            int len = Bytes.u16(b, 70);
            if (off < 64 || len < 0 || off + len > p.length()) {
                malformed(ctx, node, p, 68, "share path (offset " + off + ", length " + len + ") outside the PDU");
                return;
            }
            String share = Bytes.utf16(b, off, len);
            ev.put("share", share);
            pendingTree(ctx, msgId, share);
            if (node != null) {
                node.add("smb2.tree", "Tree: " + share, share, p.abs(off), len);
            }
            return;
        }
        String share = pendingTree(ctx, msgId, null);
        if (share != null) {
            ev.put("share", share);
        }
        int type = Bytes.u8(b, 66);
        if (type >= 0) {
            String t = switch (type) {
                case 1 -> "disk";
                case 2 -> "pipe";
                case 3 -> "print";
                default -> "unknown (" + type + ")";
            };
            ev.put("shareType", t);
            if (node != null) {
                node.add("smb2.share_type", "Share type: " + t, type, p.abs(66), 1);
            }
        }
        long access = Bytes.u32(b, 76);
        if (access >= 0) {
            ev.put("maximalAccess", access);
        }
    }

    /** Remembers the share a tree connect asked for until its answer (by message id); with null, takes it back. */
    private static String pendingTree(DissectionContext ctx, long msgId, String share) {
        ConversationState conv = ctx.conversation();
        if (conv == null) {
            return null;
        }
        Map<Long, String> m = conv.attribute(TREES, HashMap::new);
        synchronized (m) {
            if (share != null) {
                if (m.size() > 256) {
                    m.clear(); // answers that never came: forget them rather than grow
                }
                m.put(msgId, share);
                return share;
            }
            return m.remove(msgId);
        }
    }

    // ------------------------------------------------------------------ transform

    private void transform(Pdu msg, DissectionContext ctx, FieldNode tree) {
        ByteBuffer b = msg.data();
        if (msg.length() < 52) {
            malformed(ctx, tree, msg, 0, "SMB2 transform header needs 52 bytes, " + msg.length() + " present");
            return;
        }
        long sessionId = Bytes.u64(b, 44);
        long size = Bytes.u32(b, 36);
        if (tree != null) {
            tree.add("smb2.transform", "SMB3 encrypted message (transform header), session " + hex64(sessionId)
                    + ", " + size + " bytes once decrypted (not decoded)", sessionId, msg.abs(0), msg.length());
        }
        ConversationState conv = ctx.conversation();
        boolean fromClient = conv == null || conv.client() == null || conv.client().equals(ctx.src());
        if (conv != null) {
            Map<String, Boolean> seen = conv.attribute(ENCRYPTED, HashMap::new);
            synchronized (seen) {
                if (seen.putIfAbsent(fromClient ? "c2s" : "s2c", Boolean.TRUE) != null) {
                    return;
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("command", "ENCRYPTED");
        ev.put("kind", fromClient ? "request" : "response");
        ev.put("sessionId", hex64(sessionId));
        ev.put("originalSize", size);
        ctx.emit(ID, ev);
    }

    // ------------------------------------------------------------------ SMB1

    private void smb1(Pdu m, DissectionContext ctx, FieldNode tree) {
        ctx.setCarrier("smb");
        ByteBuffer b = m.data();
        int len = m.length();
        if (len < 32) {
            malformed(ctx, tree, m, 0, "SMB header needs 32 bytes, " + len + " present");
            return;
        }
        int cmd = Bytes.u8(b, 4);
        int flags = Bytes.u8(b, 9);
        int flags2 = Bytes.u16(b, 10);
        boolean response = (flags & 0x80) != 0;
        boolean nt = (flags2 & 0x4000) != 0;
        boolean unicode = (flags2 & 0x8000) != 0;
        long status = nt ? Bytes.u32(b, 5) : (Bytes.u8(b, 5) == 0 ? 0 : Bytes.u32(b, 5));
        String statusName = nt ? NtStatus.name(status) : status == 0 ? "STATUS_SUCCESS"
                : NtStatus.dosError(Bytes.u8(b, 5), Bytes.u16(b, 7));
        int tid = Bytes.u16(b, 24);
        int uid = Bytes.u16(b, 28);
        int mid = Bytes.u16(b, 30);
        FieldNode node = null;
        if (tree != null) {
            node = tree.add("smb", "SMB " + smb1Name(cmd) + (response ? " Response, " + statusName : " Request"), null,
                    m.abs(0), len);
            node.add("smb.cmd", "Command: " + smb1Name(cmd) + String.format(Locale.ROOT, " (0x%02x)", cmd), cmd,
                    m.abs(4), 1);
            node.add("smb.nt_status", "Status: " + statusName, status, m.abs(5), 4);
        }
        int off = 32;
        int cur = cmd;
        for (int i = 0; i < MAX_ANDX; i++) {
            int wc = Bytes.u8(b, off);
            int words = off + 1;
            int bccOff = words + 2 * Math.max(0, wc);
            int bcc = Bytes.u16(b, bccOff);
            if (wc < 0 || bcc < 0) {
                malformed(ctx, node, m, off, "parameter block runs past the end of the message");
                return;
            }
            int bytes = bccOff + 2;
            int bytesEnd = bytes + bcc;
            if (bytesEnd > len) {
                malformed(ctx, node, m, bccOff, "byte count " + bcc + " exceeds the " + (len - bytes) + " bytes left");
                bytesEnd = len;
            }
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("command", smb1Name(cur));
            ev.put("kind", response ? "response" : "request");
            if (response) {
                ev.put("status", status);
                ev.put("statusName", statusName);
            }
            ev.put("uid", uid);
            ev.put("tid", tid);
            ev.put("mid", mid);
            boolean known = true;
            switch (cur) {
                case 0x72 -> smb1Negotiate(m, ctx, node, ev, response, wc, words, bytes, bytesEnd);
                case 0x73 -> smb1SessionSetup(m, ctx, node, ev, response, wc, words, bytes, bytesEnd);
                case 0x75 -> {
                    if (!response && wc == 4) {
                        int pw = Bytes.u16(b, words + 6);
                        int p = bytes + pw;
                        if (unicode && (p & 1) != 0) {
                            p++; // Unicode strings are aligned on 2 bytes from the start of the SMB header
                        }
                        int[] used = new int[1];
                        String path = unicode ? Bytes.utf16z(b, p, bytesEnd, used) : Bytes.asciiz(b, p, bytesEnd, used);
                        if (path != null) {
                            ev.put("share", path);
                            if (node != null) {
                                node.add("smb.path", "Path: " + path, path, m.abs(p), used[0]);
                            }
                        }
                    }
                }
                case 0x74, 0x71 -> {
                }
                default -> known = false;
            }
            if (known) {
                ctx.emit("smb", ev);
            }
            boolean andx = cur == 0x73 || cur == 0x74 || cur == 0x75 || cur == 0x2d || cur == 0x2e || cur == 0x2f
                    || cur == 0xa2 || cur == 0x24;
            if (!andx || wc < 2) {
                return;
            }
            int nextCmd = Bytes.u8(b, words);
            int nextOff = Bytes.u16(b, words + 2);
            if (nextCmd == 0xFF || nextCmd < 0 || nextOff <= off || nextOff >= len) {
                return;
            }
            cur = nextCmd;
            off = nextOff;
        }
        malformed(ctx, node, m, off, "more than " + MAX_ANDX + " AndX commands are chained (a fixed bound: real"
                + " clients chain two or three): the rest are not read");
    }

    private void smb1Negotiate(Pdu m, DissectionContext ctx, FieldNode node, Map<String, Object> ev, boolean response,
            int wc, int words, int bytes, int bytesEnd) {
        ByteBuffer b = m.data();
        if (!response) {
            List<String> dialects = new ArrayList<>();
            int p = bytes;
            int[] used = new int[1];
            while (p < bytesEnd && dialects.size() < 64) {
                if (Bytes.u8(b, p) != 0x02) {
                    malformed(ctx, node, m, p, "dialect buffer format 0x02 expected");
                    break;
                }
                String d = Bytes.asciiz(b, p + 1, bytesEnd, used);
                if (d == null) {
                    break;
                }
                dialects.add(d);
                p += 1 + used[0];
            }
            ev.put("dialects", dialects);
            return;
        }
        if (wc == 17) {
            int index = Bytes.u16(b, words);
            ev.put("dialectIndex", index);
            ev.put("securityMode", Bytes.u8(b, words + 2));
            long caps = Bytes.u32(b, words + 19);
            if ((caps & 0x80000000L) != 0 && bytesEnd - bytes > 16) {
                Pdu blob = m.slice(bytes + 16, bytesEnd - bytes - 16);
                List<String> mechs = new ArrayList<>();
                for (String oid : Bytes.negTokenInitMechs(blob.data())) {
                    String n = Bytes.mechName(oid);
                    if (!mechs.contains(n)) {
                        mechs.add(n);
                    }
                }
                ev.put("mechanisms", mechs);
                if (node != null) {
                    node = node.add("smb.security_blob", "Security blob: " + blob.length() + " bytes", null,
                            blob.abs(0), blob.length());
                }
                hand(blob, ctx, node);
            }
        } else if (wc == 1) {
            ev.put("dialectIndex", Bytes.u16(b, words));
        }
    }

    private void smb1SessionSetup(Pdu m, DissectionContext ctx, FieldNode node, Map<String, Object> ev,
            boolean response, int wc, int words, int bytes, int bytesEnd) {
        ByteBuffer b = m.data();
        int blobLen = -1;
        if (!response && wc == 12) {
            blobLen = Bytes.u16(b, words + 14);
        } else if (response && wc == 4) {
            blobLen = Bytes.u16(b, words + 6);
        } else if (!response && wc == 13) {
            // no extended security: LM/NTLM challenge responses in the clear parameters, no GSS token
            ev.put("auth", "legacy");
        }
        if (response && (wc == 3 || wc == 4)) {
            int action = Bytes.u16(b, words + 4);
            ev.put("sessionFlags", (action & 1) != 0 ? List.of("guest") : List.of());
        }
        if (blobLen < 0) {
            return;
        }
        if (bytes + blobLen > bytesEnd) {
            malformed(ctx, node, m, bytes, "security blob of " + blobLen + " bytes exceeds the byte count");
            ev.put("auth", "unknown");
            return;
        }
        Pdu blob = blobLen > 0 ? m.slice(bytes, blobLen) : null;
        if (blob != null && node != null) {
            node = node.add("smb.security_blob", "Security blob: " + blobLen + " bytes", null, blob.abs(0), blobLen);
        }
        ev.put("auth", auth(blob, blob == null ? null : hand(blob, ctx, node), blobLen));
    }

    private static String smb1Name(int cmd) {
        return switch (cmd) {
            case 0x72 -> "NEGOTIATE";
            case 0x73 -> "SESSION_SETUP_ANDX";
            case 0x74 -> "LOGOFF_ANDX";
            case 0x75 -> "TREE_CONNECT_ANDX";
            case 0x71 -> "TREE_DISCONNECT";
            default -> String.format(Locale.ROOT, "0x%02X", cmd);
        };
    }

    // ------------------------------------------------------------------ security blobs

    /** The security buffer at {@code off}/{@code len} (offset from the SMB2 header), null when empty or outside. */
    private static Pdu blob(Pdu p, DissectionContext ctx, FieldNode node, int off, int len) {
        if (off < 0 || len <= 0) {
            return null;
        }
        if (off < 64 || off + len > p.length()) {
            malformed(ctx, node, p, 64, "security buffer (offset " + off + ", length " + len + ") outside the "
                    + p.length() + "-byte PDU");
            return null;
        }
        Pdu blob = p.slice(off, len);
        if (node != null) {
            node.add("smb2.security_blob", "Security blob: " + len + " bytes", null, blob.abs(0), len);
        }
        return blob;
    }

    /**
     * Hands a GSS token on: by the OID of its own framing, as SPNEGO when it is a bare NegTokenInit/Resp, as
     * NTLMSSP when it starts with the signature, else to the {@code gss} heuristics. Returns the innermost
     * protocol that read it.
     */
    private static String hand(Pdu blob, DissectionContext ctx, FieldNode node) {
        ByteBuffer d = blob.data();
        String inner = null;
        if (Bytes.isNtlmssp(d)) {
            inner = ctx.call("gss.oid", Bytes.NTLMSSP_OID, blob, node);
        } else if (Bytes.u8(d, 0) == 0x60) {
            String oid = Bytes.gssOid(d);
            if (oid != null) {
                inner = ctx.call("gss.oid", oid, blob, node);
            }
        } else if (Bytes.u8(d, 0) == 0xa0 || Bytes.u8(d, 0) == 0xa1) {
            inner = ctx.call("gss.oid", Bytes.SPNEGO_OID, blob, node);
        }
        return inner != null ? inner : ctx.callHeuristic("gss", blob, node);
    }

    /** What a session set-up's token carried: kerberos, ntlm, none (no token), spnego (negotiation only). */
    private static String auth(Pdu blob, String inner, int len) {
        if (blob == null) {
            return len <= 0 ? "none" : "unknown";
        }
        if (inner == null) {
            return "unknown";
        }
        return switch (inner) {
            case "kerberos" -> "kerberos";
            case "ntlmssp" -> "ntlm";
            default -> inner;
        };
    }

    private static List<String> securityMode(int mode) {
        List<String> out = new ArrayList<>();
        if ((mode & 0x1) != 0) {
            out.add("signing-enabled");
        }
        if ((mode & 0x2) != 0) {
            out.add("signing-required");
        }
        return out;
    }

    /** {@code 0x} and 16 lower-case hex digits, as {@code String.format("0x%016x")} writes it, at a fraction of its cost. */
    static String hex64(long v) {
        byte[] out = new byte[18];
        out[0] = '0';
        out[1] = 'x';
        for (int i = 17; i >= 2; i--) {
            out[i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    private static void malformed(DissectionContext ctx, FieldNode node, Pdu p, int offset, String reason) {
        ctx.diagnostic(ID, "malformed: " + reason);
        if (node != null) {
            int off = Math.max(0, Math.min(offset, p.length()));
            node.malformed(reason, p.abs(off), p.length() - off);
        }
    }
}
