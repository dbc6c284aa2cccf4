package org.kerbscope.dissect.kerberos.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;

import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.crypto.EncryptionHandler;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.apache.kerby.kerberos.kerb.type.base.KeyUsage;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;

/**
 * The keys one analysis may decrypt with: the user's keytabs, read once and kept in memory only, and the
 * session keys and subkeys learned from what those keytabs decrypted. Key bytes never leave this class
 * except into Kerby's decryption; nothing here logs, prints or emits them.
 * <p>
 * One instance serves the whole analysis, from several threads: the learned keys are guarded.
 */
public final class KeyRing {
    /** Learned keys kept at most (most recent first): memory must not grow with the capture. */
    private static final int MAX_LEARNED = 512;

    /** A key: who it belongs to (for messages, never the bytes), its kvno (0 when unknown) and etype. */
    public record Key(String principal, int kvno, int etype, byte[] value) {
        @Override
        public String toString() {
            return principal + " kvno " + kvno + " etype " + etype; // never the key bytes
        }
    }

    private final List<Key> keytab;
    private final List<String> problems;
    private final LinkedList<Key> learned = new LinkedList<>();

    private KeyRing(List<Key> keytab, List<String> problems) {
        this.keytab = List.copyOf(keytab);
        this.problems = List.copyOf(problems);
    }

    /** Reads the keytabs; an unreadable one becomes a problem message, never an exception. */
    public static KeyRing load(List<Path> files) {
        List<Key> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            try {
                Keytab kt = Keytab.loadKeytab(f.toFile());
                for (PrincipalName p : kt.getPrincipals()) {
                    for (KeytabEntry e : kt.getKeytabEntries(p)) {
                        EncryptionKey k = e.getKey();
                        if (k == null || k.getKeyData() == null || k.getKeyType() == null) {
                            continue;
                        }
                        keys.add(new Key(p.getName(), e.getKvno(), k.getKeyType().getValue(), k.getKeyData()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                problems.add("keytab " + f.getFileName() + " could not be read: " + e.getClass().getSimpleName());
            }
        }
        return new KeyRing(keys, problems);
    }

    /** A ring with these keys only (tests, and keys a caller already holds). */
    public static KeyRing of(List<Key> keys) {
        return new KeyRing(keys, List.of());
    }

    public boolean isEmpty() {
        return keytab.isEmpty();
    }

    public List<String> problems() {
        return problems;
    }

    public List<Key> keytabKeys() {
        return keytab;
    }

    /** Remembers a session key or subkey found in decrypted data. */
    public void learn(Key k) {
        synchronized (learned) {
            for (Key old : learned) {
                if (old.etype() == k.etype() && java.util.Arrays.equals(old.value(), k.value())) {
                    return;
                }
            }
            learned.addFirst(k);
            if (learned.size() > MAX_LEARNED) {
                learned.removeLast();
            }
        }
    }

    /** The learned keys of this etype, most recent first. */
    public List<Key> learned(int etype) {
        synchronized (learned) {
            List<Key> out = new ArrayList<>();
            for (Key k : learned) {
                if (k.etype() == etype) {
                    out.add(k);
                }
            }
            return Collections.unmodifiableList(out);
        }
    }

    /**
     * Decrypts with one key; null when the key does not fit (integrity check failed, unsupported etype,
     * bad cipher length).
     */
    public static byte[] decrypt(Key k, int usage, byte[] cipher) {
        try {
            EncryptionType et = EncryptionType.fromValue(k.etype());
            if (et == null || et == EncryptionType.NONE || !EncryptionHandler.isImplemented(et)) {
                return null;
            }
            KeyUsage ku = KeyUsage.fromValue(usage);
            if (ku == null || ku == KeyUsage.NONE) {
                return null;
            }
            return EncryptionHandler.decrypt(cipher, new EncryptionKey(et, k.value()), ku);
        } catch (KrbException | RuntimeException e) {
            return null;
        }
    }

    /** Whether Kerby implements this etype at all. */
    public static boolean supported(int etype) {
        try {
            EncryptionType et = EncryptionType.fromValue(etype);
            return et != null && et != EncryptionType.NONE && EncryptionHandler.isImplemented(et);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
