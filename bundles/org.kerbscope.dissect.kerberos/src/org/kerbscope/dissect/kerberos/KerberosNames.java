package org.kerbscope.dissect.kerberos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The names of Kerberos numbers (RFC 4120, RFC 6113, MS-KILE, MS-SFU), as open enums: a number without a
 * name reads "unknown (n)" instead of failing, so that a new value on the wire is shown, never lost.
 */
public final class KerberosNames {
    private KerberosNames() {
    }

    private static final Map<Integer, String> MSG_TYPES = Map.ofEntries(Map.entry(10, "AS-REQ"),
            Map.entry(11, "AS-REP"), Map.entry(12, "TGS-REQ"), Map.entry(13, "TGS-REP"), Map.entry(14, "AP-REQ"),
            Map.entry(15, "AP-REP"), Map.entry(20, "KRB-SAFE"), Map.entry(21, "KRB-PRIV"),
            Map.entry(22, "KRB-CRED"), Map.entry(30, "KRB-ERROR"));

    private static final Map<Integer, String> ERRORS = Map.ofEntries(Map.entry(0, "KDC_ERR_NONE"),
            Map.entry(1, "KDC_ERR_NAME_EXP"), Map.entry(2, "KDC_ERR_SERVICE_EXP"), Map.entry(3, "KDC_ERR_BAD_PVNO"),
            Map.entry(4, "KDC_ERR_C_OLD_MAST_KVNO"), Map.entry(5, "KDC_ERR_S_OLD_MAST_KVNO"),
            Map.entry(6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"), Map.entry(7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"),
            Map.entry(8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE"), Map.entry(9, "KDC_ERR_NULL_KEY"),
            Map.entry(10, "KDC_ERR_CANNOT_POSTDATE"), Map.entry(11, "KDC_ERR_NEVER_VALID"),
            Map.entry(12, "KDC_ERR_POLICY"), Map.entry(13, "KDC_ERR_BADOPTION"),
            Map.entry(14, "KDC_ERR_ETYPE_NOSUPP"), Map.entry(15, "KDC_ERR_SUMTYPE_NOSUPP"),
            Map.entry(16, "KDC_ERR_PADATA_TYPE_NOSUPP"), Map.entry(17, "KDC_ERR_TRTYPE_NOSUPP"),
            Map.entry(18, "KDC_ERR_CLIENT_REVOKED"), Map.entry(19, "KDC_ERR_SERVICE_REVOKED"),
            Map.entry(20, "KDC_ERR_TGT_REVOKED"), Map.entry(21, "KDC_ERR_CLIENT_NOTYET"),
            Map.entry(22, "KDC_ERR_SERVICE_NOTYET"), Map.entry(23, "KDC_ERR_KEY_EXPIRED"),
            Map.entry(24, "KDC_ERR_PREAUTH_FAILED"), Map.entry(25, "KDC_ERR_PREAUTH_REQUIRED"),
            Map.entry(26, "KDC_ERR_SERVER_NOMATCH"), Map.entry(27, "KDC_ERR_MUST_USE_USER2USER"),
            Map.entry(28, "KDC_ERR_PATH_NOT_ACCEPTED"), Map.entry(29, "KDC_ERR_SVC_UNAVAILABLE"),
            Map.entry(31, "KRB_AP_ERR_BAD_INTEGRITY"), Map.entry(32, "KRB_AP_ERR_TKT_EXPIRED"),
            Map.entry(33, "KRB_AP_ERR_TKT_NYV"), Map.entry(34, "KRB_AP_ERR_REPEAT"),
            Map.entry(35, "KRB_AP_ERR_NOT_US"), Map.entry(36, "KRB_AP_ERR_BADMATCH"),
            Map.entry(37, "KRB_AP_ERR_SKEW"), Map.entry(38, "KRB_AP_ERR_BADADDR"),
            Map.entry(39, "KRB_AP_ERR_BADVERSION"), Map.entry(40, "KRB_AP_ERR_MSG_TYPE"),
            Map.entry(41, "KRB_AP_ERR_MODIFIED"), Map.entry(42, "KRB_AP_ERR_BADORDER"),
            Map.entry(44, "KRB_AP_ERR_BADKEYVER"), Map.entry(45, "KRB_AP_ERR_NOKEY"),
            Map.entry(46, "KRB_AP_ERR_MUT_FAIL"), Map.entry(47, "KRB_AP_ERR_BADDIRECTION"),
            Map.entry(48, "KRB_AP_ERR_METHOD"), Map.entry(49, "KRB_AP_ERR_BADSEQ"),
            Map.entry(50, "KRB_AP_ERR_INAPP_CKSUM"), Map.entry(51, "KRB_AP_PATH_NOT_ACCEPTED"),
            Map.entry(52, "KRB_ERR_RESPONSE_TOO_BIG"), Map.entry(60, "KRB_ERR_GENERIC"),
            Map.entry(61, "KRB_ERR_FIELD_TOOLONG"), Map.entry(62, "KDC_ERROR_CLIENT_NOT_TRUSTED"),
            Map.entry(63, "KDC_ERROR_KDC_NOT_TRUSTED"), Map.entry(64, "KDC_ERROR_INVALID_SIG"),
            Map.entry(65, "KDC_ERR_KEY_TOO_WEAK"), Map.entry(66, "KDC_ERR_CERTIFICATE_MISMATCH"),
            Map.entry(67, "KRB_AP_ERR_NO_TGT"), Map.entry(68, "KDC_ERR_WRONG_REALM"),
            Map.entry(69, "KRB_AP_ERR_USER_TO_USER_REQUIRED"), Map.entry(70, "KDC_ERR_CANT_VERIFY_CERTIFICATE"),
            Map.entry(71, "KDC_ERR_INVALID_CERTIFICATE"), Map.entry(72, "KDC_ERR_REVOKED_CERTIFICATE"),
            Map.entry(73, "KDC_ERR_REVOCATION_STATUS_UNKNOWN"),
            Map.entry(74, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE"),
            Map.entry(75, "KDC_ERR_CLIENT_NAME_MISMATCH"), Map.entry(76, "KDC_ERR_KDC_NAME_MISMATCH"),
            Map.entry(77, "KDC_ERR_INCONSISTENT_KEY_PURPOSE"),
            Map.entry(78, "KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED"),
            Map.entry(79, "KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED"),
            Map.entry(80, "KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED"),
            Map.entry(81, "KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED"), Map.entry(90, "KDC_ERR_PREAUTH_EXPIRED"),
            Map.entry(91, "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED"),
            Map.entry(93, "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS"));

    private static final Map<Integer, String> ETYPES = Map.ofEntries(Map.entry(1, "des-cbc-crc"),
            Map.entry(2, "des-cbc-md4"), Map.entry(3, "des-cbc-md5"), Map.entry(5, "des3-cbc-md5"),
            Map.entry(7, "des3-cbc-sha1"), Map.entry(16, "des3-cbc-sha1-kd"),
            Map.entry(17, "aes128-cts-hmac-sha1-96"), Map.entry(18, "aes256-cts-hmac-sha1-96"),
            Map.entry(19, "aes128-cts-hmac-sha256-128"), Map.entry(20, "aes256-cts-hmac-sha384-192"),
            Map.entry(23, "rc4-hmac"), Map.entry(24, "rc4-hmac-exp"), Map.entry(25, "camellia128-cts-cmac"),
            Map.entry(26, "camellia256-cts-cmac"), Map.entry(-128, "rc4-plain2"), Map.entry(-133, "rc4-md4"),
            Map.entry(-135, "rc4-hmac-old-exp"), Map.entry(-138, "rc4-hmac-old"));

    private static final Map<Integer, String> PADATA = Map.ofEntries(Map.entry(1, "PA-TGS-REQ"),
            Map.entry(2, "PA-ENC-TIMESTAMP"), Map.entry(3, "PA-PW-SALT"), Map.entry(11, "PA-ETYPE-INFO"),
            Map.entry(14, "PA-PK-AS-REQ_OLD"), Map.entry(15, "PA-PK-AS-REP_OLD"), Map.entry(16, "PA-PK-AS-REQ"),
            Map.entry(17, "PA-PK-AS-REP"), Map.entry(19, "PA-ETYPE-INFO2"), Map.entry(20, "PA-SVR-REFERRAL-INFO"),
            Map.entry(128, "PA-PAC-REQUEST"), Map.entry(129, "PA-FOR-USER"), Map.entry(130, "PA-FOR-X509-USER"),
            Map.entry(131, "PA-FOR-CHECK_DUPS"), Map.entry(132, "PA-AS-CHECKSUM"), Map.entry(133, "PA-FX-COOKIE"),
            Map.entry(134, "PA-AUTHENTICATION-SET"), Map.entry(135, "PA-AUTH-SET-SELECTED"),
            Map.entry(136, "PA-FX-FAST"), Map.entry(137, "PA-FX-ERROR"), Map.entry(138, "PA-ENCRYPTED-CHALLENGE"),
            Map.entry(141, "PA-OTP-CHALLENGE"), Map.entry(142, "PA-OTP-REQUEST"),
            Map.entry(147, "PA-PKINIT-KX"), Map.entry(148, "PA-PKU2U-NAME"), Map.entry(149, "PA-REQ-ENC-PA-REP"),
            Map.entry(150, "PA-AS-FRESHNESS"), Map.entry(151, "PA-SPAKE"), Map.entry(165, "PA-SUPPORTED-ETYPES"),
            Map.entry(166, "PA-EXTENDED-ERROR"), Map.entry(167, "PA-PAC-OPTIONS"));

    private static final String[] KDC_OPTIONS = { "reserved", "forwardable", "forwarded", "proxiable", "proxy",
            "allow-postdate", "postdated", "unused7", "renewable", "unused9", "unused10", "opt-hardware-auth",
            "unused12", "unused13", "cname-in-addl-tkt", "canonicalize", "request-anonymous", "unused17",
            "unused18", "unused19", "unused20", "unused21", "unused22", "unused23", "unused24", "unused25",
            "disable-transited-check", "renewable-ok", "enc-tkt-in-skey", "unused29", "renew", "validate" };

    private static final String[] TICKET_FLAGS = { "reserved", "forwardable", "forwarded", "proxiable", "proxy",
            "may-postdate", "postdated", "invalid", "renewable", "initial", "pre-authent", "hw-authent",
            "transited-policy-checked", "ok-as-delegate", "anonymous", "name-canonicalize" };

    private static final String[] AP_OPTIONS = { "reserved", "use-session-key", "mutual-required" };

    private static final Map<Long, String> NTSTATUS = Map.ofEntries(
            Map.entry(0x00000000L, "STATUS_SUCCESS"), Map.entry(0xC0000064L, "STATUS_NO_SUCH_USER"),
            Map.entry(0xC000006AL, "STATUS_WRONG_PASSWORD"), Map.entry(0xC000006DL, "STATUS_LOGON_FAILURE"),
            Map.entry(0xC000006EL, "STATUS_ACCOUNT_RESTRICTION"),
            Map.entry(0xC000006FL, "STATUS_INVALID_LOGON_HOURS"),
            Map.entry(0xC0000070L, "STATUS_INVALID_WORKSTATION"), Map.entry(0xC0000071L, "STATUS_PASSWORD_EXPIRED"),
            Map.entry(0xC0000072L, "STATUS_ACCOUNT_DISABLED"), Map.entry(0xC0000133L, "STATUS_TIME_DIFFERENCE_AT_DC"),
            Map.entry(0xC000015BL, "STATUS_LOGON_TYPE_NOT_GRANTED"),
            Map.entry(0xC000018BL, "STATUS_NO_TRUST_SAM_ACCOUNT"), Map.entry(0xC0000193L, "STATUS_ACCOUNT_EXPIRED"),
            Map.entry(0xC0000224L, "STATUS_PASSWORD_MUST_CHANGE"), Map.entry(0xC0000234L, "STATUS_ACCOUNT_LOCKED_OUT"),
            Map.entry(0xC00002F9L, "STATUS_PKINIT_NAME_MISMATCH"),
            Map.entry(0xC0000413L, "STATUS_AUTHENTICATION_FIREWALL_FAILED"));

    private static final Map<Integer, String> GSS_FLAGS = Map.ofEntries(Map.entry(0x1, "delegation"),
            Map.entry(0x2, "mutual"), Map.entry(0x4, "replay-detection"), Map.entry(0x8, "sequence"),
            Map.entry(0x10, "confidentiality"), Map.entry(0x20, "integrity"), Map.entry(0x40, "anonymous"),
            Map.entry(0x1000, "dce-style"), Map.entry(0x2000, "identify"), Map.entry(0x4000, "extended-error"));

    /** "AS-REQ", …, or "unknown (n)". */
    public static String msgType(int n) {
        return named(MSG_TYPES.get(n), n);
    }

    /** The RFC 4120 / MS-KILE name of an error code, or "unknown (n)". */
    public static String error(int n) {
        return named(ERRORS.get(n), n);
    }

    public static String etype(int n) {
        return named(ETYPES.get(n), n);
    }

    public static String padata(int n) {
        return named(PADATA.get(n), n);
    }

    /** The NTSTATUS name, or null when this table does not know it. */
    public static String ntstatus(long n) {
        return NTSTATUS.get(n & 0xffffffffL);
    }

    /** The name, or "unknown (n)" built only when there is none (a default given to getOrDefault is always built). */
    private static String named(String name, int n) {
        return name != null ? name : "unknown (" + n + ")";
    }

    public static List<String> kdcOptions(int bits) {
        return bitNames(bits, KDC_OPTIONS);
    }

    public static List<String> ticketFlags(int bits) {
        return bitNames(bits, TICKET_FLAGS);
    }

    public static List<String> apOptions(int bits) {
        return bitNames(bits, AP_OPTIONS);
    }

    /** Names of the flags of an RFC 4121 §4.1.1 authenticator checksum (type 0x8003). */
    public static List<String> gssFlags(int flags) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            int m = 1 << bit;
            if ((flags & m) != 0) {
                out.add(GSS_FLAGS.getOrDefault(m, "0x" + Integer.toHexString(m)));
            }
        }
        return out;
    }

    private static List<String> bitNames(int bits, String[] names) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((bits & (1 << (31 - i))) != 0) {
                out.add(i < names.length ? names[i] : "bit" + i);
            }
        }
        return out;
    }
}
