package org.kerbscope.cifs.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * NTSTATUS values (MS-ERREF 2.3) an SMB exchange answers with, as an open enum: a known value has its
 * symbolic name, any other one reads as its hexadecimal code. Values are unsigned 32-bit numbers held in a
 * long, as the analysis JSON carries them.
 */
public final class NtStatus {
    public static final long SUCCESS = 0x00000000L;
    public static final long PENDING = 0x00000103L;
    public static final long MORE_PROCESSING_REQUIRED = 0xC0000016L;
    public static final long ACCESS_DENIED = 0xC0000022L;
    public static final long NO_SUCH_USER = 0xC0000064L;
    public static final long WRONG_PASSWORD = 0xC000006AL;
    public static final long LOGON_FAILURE = 0xC000006DL;
    public static final long ACCOUNT_RESTRICTION = 0xC000006EL;
    public static final long INVALID_LOGON_HOURS = 0xC000006FL;
    public static final long INVALID_WORKSTATION = 0xC0000070L;
    public static final long PASSWORD_EXPIRED = 0xC0000071L;
    public static final long ACCOUNT_DISABLED = 0xC0000072L;
    public static final long BAD_NETWORK_NAME = 0xC00000CCL;
    public static final long NETWORK_ACCESS_DENIED = 0xC00000CAL;
    public static final long BAD_NETWORK_PATH = 0xC00000BEL;
    public static final long TIME_DIFFERENCE_AT_DC = 0xC0000133L;
    public static final long LOGON_TYPE_NOT_GRANTED = 0xC000015BL;
    public static final long ACCOUNT_EXPIRED = 0xC0000193L;
    public static final long TRUSTED_RELATIONSHIP_FAILURE = 0xC000018DL;
    public static final long NO_LOGON_SERVERS = 0xC000005EL;
    public static final long USER_SESSION_DELETED = 0xC0000203L;
    public static final long PASSWORD_MUST_CHANGE = 0xC0000224L;
    public static final long ACCOUNT_LOCKED_OUT = 0xC0000234L;
    public static final long NETWORK_SESSION_EXPIRED = 0xC000035CL;

    private static final Map<Long, String> NAMES = new HashMap<>();

    static {
        Object[] table = {
            SUCCESS, "STATUS_SUCCESS", PENDING, "STATUS_PENDING", 0x0000010CL, "STATUS_NOTIFY_ENUM_DIR",
            0x80000005L, "STATUS_BUFFER_OVERFLOW", 0x80000006L, "STATUS_NO_MORE_FILES",
            0xC0000001L, "STATUS_UNSUCCESSFUL", 0xC0000002L, "STATUS_NOT_IMPLEMENTED",
            0xC0000008L, "STATUS_INVALID_HANDLE", 0xC000000DL, "STATUS_INVALID_PARAMETER",
            0xC000000FL, "STATUS_NO_SUCH_FILE", 0xC0000010L, "STATUS_INVALID_DEVICE_REQUEST",
            0xC0000011L, "STATUS_END_OF_FILE", MORE_PROCESSING_REQUIRED, "STATUS_MORE_PROCESSING_REQUIRED",
            ACCESS_DENIED, "STATUS_ACCESS_DENIED", 0xC0000023L, "STATUS_BUFFER_TOO_SMALL",
            0xC0000034L, "STATUS_OBJECT_NAME_NOT_FOUND", 0xC0000035L, "STATUS_OBJECT_NAME_COLLISION",
            0xC000003AL, "STATUS_OBJECT_PATH_NOT_FOUND", 0xC0000043L, "STATUS_SHARING_VIOLATION",
            0xC0000056L, "STATUS_DELETE_PENDING", NO_LOGON_SERVERS, "STATUS_NO_LOGON_SERVERS",
            0xC000005FL, "STATUS_NO_SUCH_LOGON_SESSION", 0xC0000062L, "STATUS_INVALID_ACCOUNT_NAME",
            NO_SUCH_USER, "STATUS_NO_SUCH_USER", WRONG_PASSWORD, "STATUS_WRONG_PASSWORD",
            0xC000006BL, "STATUS_ILL_FORMED_PASSWORD", 0xC000006CL, "STATUS_PASSWORD_RESTRICTION",
            LOGON_FAILURE, "STATUS_LOGON_FAILURE", ACCOUNT_RESTRICTION, "STATUS_ACCOUNT_RESTRICTION",
            INVALID_LOGON_HOURS, "STATUS_INVALID_LOGON_HOURS", INVALID_WORKSTATION, "STATUS_INVALID_WORKSTATION",
            PASSWORD_EXPIRED, "STATUS_PASSWORD_EXPIRED", ACCOUNT_DISABLED, "STATUS_ACCOUNT_DISABLED",
            0xC000009AL, "STATUS_INSUFFICIENT_RESOURCES", 0xC00000A5L, "STATUS_BAD_IMPERSONATION_LEVEL",
            0xC00000B5L, "STATUS_IO_TIMEOUT", 0xC00000BBL, "STATUS_NOT_SUPPORTED",
            BAD_NETWORK_PATH, "STATUS_BAD_NETWORK_PATH", 0xC00000C9L, "STATUS_NETWORK_NAME_DELETED",
            NETWORK_ACCESS_DENIED, "STATUS_NETWORK_ACCESS_DENIED", BAD_NETWORK_NAME, "STATUS_BAD_NETWORK_NAME",
            0xC00000D0L, "STATUS_REQUEST_NOT_ACCEPTED", 0xC00000DFL, "STATUS_NO_SUCH_DOMAIN",
            0xC0000104L, "STATUS_BAD_LOGON_SESSION_STATE", 0xC0000120L, "STATUS_CANCELLED",
            0xC0000128L, "STATUS_FILE_CLOSED", TIME_DIFFERENCE_AT_DC, "STATUS_TIME_DIFFERENCE_AT_DC",
            0xC0000155L, "STATUS_LOGON_NOT_GRANTED", LOGON_TYPE_NOT_GRANTED, "STATUS_LOGON_TYPE_NOT_GRANTED",
            0xC000018BL, "STATUS_NO_TRUST_SAM_ACCOUNT", 0xC000018CL, "STATUS_TRUSTED_DOMAIN_FAILURE",
            TRUSTED_RELATIONSHIP_FAILURE, "STATUS_TRUSTED_RELATIONSHIP_FAILURE",
            0xC0000192L, "STATUS_NETLOGON_NOT_STARTED", ACCOUNT_EXPIRED, "STATUS_ACCOUNT_EXPIRED",
            0xC000019CL, "STATUS_FS_DRIVER_REQUIRED", USER_SESSION_DELETED, "STATUS_USER_SESSION_DELETED",
            0xC000020CL, "STATUS_CONNECTION_DISCONNECTED", PASSWORD_MUST_CHANGE, "STATUS_PASSWORD_MUST_CHANGE",
            0xC0000225L, "STATUS_NOT_FOUND", ACCOUNT_LOCKED_OUT, "STATUS_ACCOUNT_LOCKED_OUT",
            0xC000023CL, "STATUS_NETWORK_UNREACHABLE", 0xC0000257L, "STATUS_PATH_NOT_COVERED",
            0xC0000320L, "STATUS_PKINIT_FAILURE", NETWORK_SESSION_EXPIRED, "STATUS_NETWORK_SESSION_EXPIRED",
            0xC0000388L, "STATUS_DOWNGRADE_DETECTED", 0xC0000413L, "STATUS_AUTHENTICATION_FIREWALL_FAILED",
            0xC05D0000L, "STATUS_SMB_NO_PREAUTH_INTEGRITY_HASH_OVERLAP",
        };
        for (int i = 0; i < table.length; i += 2) {
            NAMES.put((Long) table[i], (String) table[i + 1]);
        }
    }

    private NtStatus() {
    }

    /** The symbolic name, or {@code 0xC00000XX} for a value this table does not know. */
    public static String name(long status) {
        String n = NAMES.get(status & 0xffffffffL);
        return n != null ? n : String.format(Locale.ROOT, "0x%08X", status & 0xffffffffL);
    }

    /** Severity bits 11: an error (not success, information or warning). */
    public static boolean isError(long status) {
        return (status & 0xC0000000L) == 0xC0000000L;
    }

    /** The statuses a session set-up answers when the account or its credentials were refused. */
    public static boolean isLogonFailure(long s) {
        return s == LOGON_FAILURE || s == WRONG_PASSWORD || s == NO_SUCH_USER || s == ACCOUNT_DISABLED
                || s == ACCOUNT_LOCKED_OUT || s == ACCOUNT_EXPIRED || s == PASSWORD_EXPIRED || s == PASSWORD_MUST_CHANGE
                || s == ACCOUNT_RESTRICTION || s == INVALID_LOGON_HOURS || s == INVALID_WORKSTATION
                || s == LOGON_TYPE_NOT_GRANTED || s == TIME_DIFFERENCE_AT_DC || s == NO_LOGON_SERVERS
                || s == TRUSTED_RELATIONSHIP_FAILURE || s == 0xC0000155L || s == 0xC000018BL || s == 0xC000018CL
                || s == 0xC0000413L;
    }

    /** The statuses a tree connect answers when the share is refused or missing. */
    public static boolean isShareRefusal(long s) {
        return s == ACCESS_DENIED || s == BAD_NETWORK_NAME || s == NETWORK_ACCESS_DENIED || s == BAD_NETWORK_PATH;
    }

    /** The name of an SMB1 DOS error (class, code) as Wireshark shows it when the NT-status flag is clear. */
    public static String dosError(int errorClass, int code) {
        return String.format(Locale.ROOT, "DOS error class %d code %d", errorClass, code);
    }
}
