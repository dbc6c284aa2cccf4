package org.kerbscope.evidence.windows.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The codes Windows and Kerberos report, with the names support engineers search for and what each means for an
 * authentication: Kerberos error codes (RFC 4120 §7.5.9 and Microsoft's additions, as 4768/4769/4771 show them),
 * NTSTATUS values of 4625/4776, Win32 and SSPI errors klist prints, encryption types, logon types.
 */
public final class Codes {
    /** A code's symbolic name and its meaning in a sentence fragment. */
    public record Name(String name, String meaning) {
    }

    private static final Map<Long, Name> KERBEROS = new HashMap<>();
    private static final Map<Long, Name> NTSTATUS = new HashMap<>();
    private static final Map<Long, Name> WIN32 = new HashMap<>();

    private static void k(long code, String name, String meaning) {
        KERBEROS.put(code, new Name(name, meaning));
    }

    private static void nt(long code, String name, String meaning) {
        NTSTATUS.put(code, new Name(name, meaning));
    }

    private static void w(long code, String name, String meaning) {
        WIN32.put(code, new Name(name, meaning));
    }

    static {
        k(0x0, "KDC_ERR_NONE", "success");
        k(0x1, "KDC_ERR_NAME_EXP", "the client's entry in the database has expired");
        k(0x2, "KDC_ERR_SERVICE_EXP", "the server's entry in the database has expired");
        k(0x3, "KDC_ERR_BAD_PVNO", "the requested Kerberos version is not supported");
        k(0x4, "KDC_ERR_C_OLD_MAST_KVNO", "the client's key is encrypted in an old master key");
        k(0x5, "KDC_ERR_S_OLD_MAST_KVNO", "the server's key is encrypted in an old master key");
        k(0x6, "KDC_ERR_C_PRINCIPAL_UNKNOWN", "the user name does not exist in the domain");
        k(0x7, "KDC_ERR_S_PRINCIPAL_UNKNOWN", "no account holds the requested service principal name (SPN)");
        k(0x8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE", "the name is registered on more than one account (duplicate SPN)");
        k(0x9, "KDC_ERR_NULL_KEY", "the account has no key");
        k(0xa, "KDC_ERR_CANNOT_POSTDATE", "the ticket is not eligible for postdating");
        k(0xb, "KDC_ERR_NEVER_VALID", "the requested start time is later than the end time");
        k(0xc, "KDC_ERR_POLICY", "the KDC policy rejects the request (logon restrictions)");
        k(0xd, "KDC_ERR_BADOPTION", "the KDC cannot honour a requested option (often delegation)");
        k(0xe, "KDC_ERR_ETYPE_NOTSUPP", "no encryption type the client offered is supported for the account");
        k(0xf, "KDC_ERR_SUMTYPE_NOSUPP", "the checksum type is not supported");
        k(0x10, "KDC_ERR_PADATA_TYPE_NOSUPP", "the pre-authentication type is not supported (often smart card logon)");
        k(0x11, "KDC_ERR_TRTYPE_NO_SUPP", "the transited type is not supported");
        k(0x12, "KDC_ERR_CLIENT_REVOKED", "the account is disabled, locked out, expired or outside its logon hours");
        k(0x13, "KDC_ERR_SERVICE_REVOKED", "the service's credentials have been revoked");
        k(0x14, "KDC_ERR_TGT_REVOKED", "the ticket-granting ticket has been revoked");
        k(0x15, "KDC_ERR_CLIENT_NOTYET", "the client is not yet valid");
        k(0x16, "KDC_ERR_SERVICE_NOTYET", "the service is not yet valid");
        k(0x17, "KDC_ERR_KEY_EXPIRED", "the password has expired");
        k(0x18, "KDC_ERR_PREAUTH_FAILED", "pre-authentication failed: wrong password");
        k(0x19, "KDC_ERR_PREAUTH_REQUIRED", "pre-authentication is required (the normal first answer)");
        k(0x1a, "KDC_ERR_SERVER_NOMATCH", "the requested server and the ticket do not match");
        k(0x1b, "KDC_ERR_MUST_USE_USER2USER", "the server principal is valid for user-to-user only");
        k(0x1c, "KDC_ERR_PATH_NOT_ACCEPTED", "the KDC policy rejects the transited path");
        k(0x1d, "KDC_ERR_SVC_UNAVAILABLE", "the KDC service is unavailable");
        k(0x1f, "KRB_AP_ERR_BAD_INTEGRITY", "the integrity check failed: the ticket was encrypted with another key");
        k(0x20, "KRB_AP_ERR_TKT_EXPIRED", "the ticket has expired");
        k(0x21, "KRB_AP_ERR_TKT_NYV", "the ticket is not yet valid");
        k(0x22, "KRB_AP_ERR_REPEAT", "the request is a replay");
        k(0x23, "KRB_AP_ERR_NOT_US", "the ticket is not for this server");
        k(0x24, "KRB_AP_ERR_BADMATCH", "the ticket and authenticator do not match");
        k(0x25, "KRB_AP_ERR_SKEW", "the clocks of the client and the KDC differ by more than the allowed skew");
        k(0x26, "KRB_AP_ERR_BADADDR", "the network address in the ticket does not match");
        k(0x27, "KRB_AP_ERR_BADVERSION", "the protocol version numbers do not match");
        k(0x28, "KRB_AP_ERR_MSG_TYPE", "the message type is not supported");
        k(0x29, "KRB_AP_ERR_MODIFIED", "the message stream was modified or the service's key does not match");
        k(0x2a, "KRB_AP_ERR_BADORDER", "the message is out of order");
        k(0x2c, "KRB_AP_ERR_BADKEYVER", "the key version is not available");
        k(0x2d, "KRB_AP_ERR_NOKEY", "the service key is not available");
        k(0x2e, "KRB_AP_ERR_MUT_FAIL", "mutual authentication failed");
        k(0x2f, "KRB_AP_ERR_BADDIRECTION", "the message direction is wrong");
        k(0x30, "KRB_AP_ERR_METHOD", "an alternative authentication method is required");
        k(0x31, "KRB_AP_ERR_BADSEQ", "the sequence number in the message is wrong");
        k(0x32, "KRB_AP_ERR_INAPP_CKSUM", "the checksum type is inappropriate for the message");
        k(0x33, "KRB_AP_PATH_NOT_ACCEPTED", "the desired path is unreachable");
        k(0x34, "KRB_ERR_RESPONSE_TOO_BIG", "the answer is too big for UDP; the client must retry over TCP");
        k(0x3c, "KRB_ERR_GENERIC", "a generic error");
        k(0x3d, "KRB_ERR_FIELD_TOOLONG", "a field is too long for this implementation");
        k(0x3e, "KDC_ERR_CLIENT_NOT_TRUSTED", "the client certificate is not trusted (PKINIT)");
        k(0x3f, "KDC_ERR_KDC_NOT_TRUSTED", "the KDC certificate is not trusted (PKINIT)");
        k(0x40, "KDC_ERR_INVALID_SIG", "the signature is invalid (PKINIT)");
        k(0x41, "KDC_ERR_KEY_TOO_WEAK", "the key is too weak (PKINIT)");
        k(0x42, "KDC_ERR_CERTIFICATE_MISMATCH", "the certificate does not match the user");
        k(0x43, "KRB_AP_ERR_NO_TGT", "no ticket-granting ticket is available for user-to-user");
        k(0x44, "KDC_ERR_WRONG_REALM", "the request belongs to another realm");
        k(0x45, "KRB_AP_ERR_USER_TO_USER_REQUIRED", "the service requires user-to-user authentication");
        k(0x46, "KDC_ERR_CANT_VERIFY_CERTIFICATE", "the certificate cannot be verified");
        k(0x47, "KDC_ERR_INVALID_CERTIFICATE", "the certificate is invalid");
        k(0x48, "KDC_ERR_REVOKED_CERTIFICATE", "the certificate is revoked");
        k(0x49, "KDC_ERR_REVOCATION_STATUS_UNKNOWN", "the certificate's revocation status is unknown");
        k(0x4a, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE", "the certificate's revocation status is unavailable");
        k(0x4b, "KDC_ERR_CLIENT_NAME_MISMATCH", "the client name does not match the certificate");
        k(0x4c, "KDC_ERR_KDC_NAME_MISMATCH", "the KDC name does not match the certificate");

        nt(0x0, "STATUS_SUCCESS", "success");
        nt(0xc000006aL, "STATUS_WRONG_PASSWORD", "wrong password");
        nt(0xc0000064L, "STATUS_NO_SUCH_USER", "no such user");
        nt(0xc000006dL, "STATUS_LOGON_FAILURE", "unknown user name or bad password");
        nt(0xc000006eL, "STATUS_ACCOUNT_RESTRICTION", "an account restriction prevents the logon");
        nt(0xc000006fL, "STATUS_INVALID_LOGON_HOURS", "outside the account's logon hours");
        nt(0xc0000070L, "STATUS_INVALID_WORKSTATION", "the account may not log on from this workstation");
        nt(0xc0000071L, "STATUS_PASSWORD_EXPIRED", "the password has expired");
        nt(0xc0000072L, "STATUS_ACCOUNT_DISABLED", "the account is disabled");
        nt(0xc000015bL, "STATUS_LOGON_TYPE_NOT_GRANTED", "the user is not granted this logon type on this computer");
        nt(0xc0000193L, "STATUS_ACCOUNT_EXPIRED", "the account has expired");
        nt(0xc0000224L, "STATUS_PASSWORD_MUST_CHANGE", "the user must change the password at next logon");
        nt(0xc0000234L, "STATUS_ACCOUNT_LOCKED_OUT", "the account is locked out");
        nt(0xc0000133L, "STATUS_TIME_DIFFERENCE_AT_DC", "the clocks of this computer and the domain controller differ too much");
        nt(0xc000005eL, "STATUS_NO_LOGON_SERVERS", "no domain controller is available");
        nt(0xc000005fL, "STATUS_NO_SUCH_LOGON_SESSION", "the logon session does not exist");
        nt(0xc0000192L, "STATUS_NETLOGON_NOT_STARTED", "the Netlogon service is not started");
        nt(0xc0000413L, "STATUS_AUTHENTICATION_FIREWALL_FAILED", "the account is not allowed to authenticate to this computer (selective authentication)");
        nt(0xc000018bL, "STATUS_NO_TRUST_SAM_ACCOUNT", "no account holds the requested name: for a service ticket, the SPN is not registered (KDC_ERR_S_PRINCIPAL_UNKNOWN)");
        nt(0xc000018cL, "STATUS_TRUSTED_DOMAIN_FAILURE", "the trust relationship with the domain failed");
        nt(0xc000018dL, "STATUS_TRUSTED_RELATIONSHIP_FAILURE", "the trust relationship between this workstation and the domain failed");
        nt(0xc0000199L, "STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT", "a computer account was used for an interactive logon");
        nt(0xc0000022L, "STATUS_ACCESS_DENIED", "access is denied");
        nt(0xc00000bbL, "STATUS_NOT_SUPPORTED", "the request is not supported (often no common encryption type)");
        nt(0xc00002fdL, "STATUS_PKINIT_FAILURE", "smart card (PKINIT) authentication failed");
        nt(0xc000035bL, "STATUS_DOWNGRADE_DETECTED", "a downgrade of the authentication was detected");
        nt(0xc0000371L, "STATUS_LOCAL_DISCONNECT", "the local session was disconnected");
        nt(0xc0000380L, "STATUS_SMARTCARD_WRONG_PIN", "wrong smart card PIN");
        nt(0xc0000225L, "STATUS_NOT_FOUND", "the object was not found");
        nt(0xc00000dcL, "STATUS_INVALID_SERVER_STATE", "the server is in an invalid state");
        nt(0xc0000017L, "STATUS_NO_MEMORY", "out of memory");
        nt(0xc000009aL, "STATUS_INSUFFICIENT_RESOURCES", "insufficient system resources");
        nt(0xc0000073L, "STATUS_NONE_MAPPED", "the name could not be mapped to an account");

        w(0x6fb, "ERROR_NO_TRUST_SAM_ACCOUNT", "the KDC does not know the requested SPN (KDC_ERR_S_PRINCIPAL_UNKNOWN): no account has it registered");
        w(0x51f, "ERROR_NO_LOGON_SERVERS", "no domain controller (KDC) could be reached");
        w(0x52e, "ERROR_LOGON_FAILURE", "unknown user name or bad password");
        w(0x576, "ERROR_TIME_SKEW", "the clocks of this computer and the domain controller differ too much");
        w(0x775, "ERROR_ACCOUNT_LOCKED_OUT", "the account is locked out");
        w(0x533, "ERROR_ACCOUNT_DISABLED", "the account is disabled");
        w(0x532, "ERROR_PASSWORD_EXPIRED", "the password has expired");
        w(0x701, "ERROR_ACCOUNT_EXPIRED", "the account has expired");
        w(0x6fe, "ERROR_TRUSTED_DOMAIN_FAILURE", "the trust relationship with the domain failed");
        w(0x6fd, "ERROR_TRUSTED_RELATIONSHIP_FAILURE", "the trust relationship between this workstation and the domain failed");
        w(0x32, "ERROR_NOT_SUPPORTED", "the request is not supported (often no common encryption type)");
        w(0x5, "ERROR_ACCESS_DENIED", "access is denied");
        w(0x80090303L, "SEC_E_TARGET_UNKNOWN", "the target (SPN) is unknown to the KDC");
        w(0x80090311L, "SEC_E_NO_AUTHENTICATING_AUTHORITY", "no domain controller (KDC) could be contacted");
        w(0x8009030cL, "SEC_E_LOGON_DENIED", "the logon was denied");
        w(0x8009030eL, "SEC_E_NO_CREDENTIALS", "no credentials are available (no ticket-granting ticket)");
        w(0x80090308L, "SEC_E_INVALID_TOKEN", "the token is invalid");
        w(0x80090322L, "SEC_E_WRONG_PRINCIPAL", "the ticket is for another principal (SPN registered on the wrong account)");
        w(0x80090324L, "SEC_E_TIME_SKEW", "the clocks of the client and the server differ too much");
        w(0x80090342L, "SEC_E_KDC_UNKNOWN_ETYPE", "the KDC does not support the requested encryption type");
        w(0x80090343L, "SEC_E_UNSUPPORTED_PREAUTH", "the pre-authentication type is not supported");
        w(0x8009030dL, "SEC_E_UNKNOWN_CREDENTIALS", "the credentials are not recognised");
    }

    private Codes() {
    }

    /** Parses 0x17, 23, 0xC000006A, -1073741429 (a negative NTSTATUS) into an unsigned 32-bit value; -1 if none. */
    public static long parse(String s) {
        if (s == null) {
            return -1;
        }
        String t = s.trim();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseLong(t.substring(2), 16) & 0xffffffffL;
            }
            if (t.matches("-?\\d{1,11}")) {
                return Long.parseLong(t) & 0xffffffffL;
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public static Name kerberos(long code) {
        return KERBEROS.get(code);
    }

    public static Name ntstatus(long code) {
        return NTSTATUS.get(code);
    }

    /** A Win32, SSPI or NTSTATUS error as klist prints it. */
    public static Name error(long code) {
        Name n = WIN32.get(code);
        return n != null ? n : NTSTATUS.get(code);
    }

    public static String hex(long code) {
        return "0x" + Long.toHexString(code);
    }

    /** Kerberos encryption type numbers (RFC 3961/3962/4757/8009) to Windows' klist names. */
    public static String etypeName(long etype) {
        return switch ((int) etype) {
            case 1 -> "DES-CBC-CRC";
            case 3 -> "DES-CBC-MD5";
            case 16 -> "DES3-CBC-SHA1";
            case 17 -> "AES-128-CTS-HMAC-SHA1-96";
            case 18 -> "AES-256-CTS-HMAC-SHA1-96";
            case 19 -> "AES-128-CTS-HMAC-SHA256-128";
            case 20 -> "AES-256-CTS-HMAC-SHA384-192";
            case 23 -> "RSADSI RC4-HMAC(NT)";
            case 24 -> "RSADSI RC4-HMAC-EXP";
            case 25 -> "CAMELLIA128-CTS-CMAC";
            case 26 -> "CAMELLIA256-CTS-CMAC";
            case -1 -> "none";
            default -> "etype " + etype;
        };
    }

    /** The short name used in sentences ("RC4" for 23, which the checks flag). */
    public static String etypeShort(long etype) {
        return switch ((int) etype) {
            case 1, 3 -> "DES";
            case 17 -> "AES128";
            case 18 -> "AES256";
            case 23, 24 -> "RC4";
            default -> etypeName(etype);
        };
    }

    /** The encryption type number of a Windows or MIT name (AES-256-CTS-HMAC-SHA1-96, arcfour-hmac, …); -1 if unknown. */
    public static int etypeNumber(String name) {
        if (name == null) {
            return -1;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("deprecated:")) {
            n = n.substring("deprecated:".length());
        }
        n = n.replace("_", "-");
        if (n.matches("(etype )?\\d+")) {
            return Integer.parseInt(n.replaceAll("\\D", ""));
        }
        if (n.contains("rc4") || n.contains("arcfour")) {
            return n.contains("exp") ? 24 : 23;
        }
        if (n.contains("aes")) {
            boolean big = n.contains("256");
            if (n.contains("sha384") || n.contains("sha256")) {
                return big ? 20 : 19;
            }
            return big ? 18 : 17;
        }
        if (n.contains("des3")) {
            return 16;
        }
        if (n.contains("des-cbc-md5")) {
            return 3;
        }
        if (n.contains("des-cbc-crc")) {
            return 1;
        }
        if (n.contains("camellia")) {
            return n.contains("256") ? 26 : 25;
        }
        return -1;
    }

    /** Logon types of 4624/4625/4634 as the phrase that follows "logged on". */
    public static String logonType(String type) {
        return switch (type == null ? "" : type.trim()) {
            case "0" -> "as the system";
            case "2" -> "interactively";
            case "3" -> "over the network";
            case "4" -> "as a batch job";
            case "5" -> "as a service";
            case "7" -> "to unlock the workstation";
            case "8" -> "over the network with a cleartext password";
            case "9" -> "with new credentials (runas /netonly)";
            case "10" -> "remotely (Remote Desktop)";
            case "11" -> "with cached credentials";
            case "12" -> "remotely with cached credentials";
            case "13" -> "to unlock with cached credentials";
            default -> "with logon type " + type;
        };
    }
}
