package org.kerbscope.ldap.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LDAP's numbers and the names users read: protocolOp names as Wireshark spells them (the names the analysis
 * contract uses), result codes (RFC 4511 §4.1.9, RFC 3909), and the Win32 error Active Directory puts after
 * {@code data} in a bind's diagnosticMessage.
 */
public final class LdapCodes {
    private LdapCodes() {
    }

    public static final String START_TLS_OID = "1.3.6.1.4.1.1466.20037";

    /** The protocolOp name for an APPLICATION tag number; "op-N" for one RFC 4511 does not define. */
    public static String opName(int app) {
        return switch (app) {
            case 0 -> "bindRequest";
            case 1 -> "bindResponse";
            case 2 -> "unbindRequest";
            case 3 -> "searchRequest";
            case 4 -> "searchResEntry";
            case 5 -> "searchResDone";
            case 6 -> "modifyRequest";
            case 7 -> "modifyResponse";
            case 8 -> "addRequest";
            case 9 -> "addResponse";
            case 10 -> "delRequest";
            case 11 -> "delResponse";
            case 12 -> "modDNRequest";
            case 13 -> "modDNResponse";
            case 14 -> "compareRequest";
            case 15 -> "compareResponse";
            case 16 -> "abandonRequest";
            case 19 -> "searchResRef";
            case 23 -> "extendedReq";
            case 24 -> "extendedResp";
            case 25 -> "intermediateResponse";
            default -> "op-" + app;
        };
    }

    /** Ops whose body is an LDAPResult (RFC 4511 §4.1.9). */
    public static boolean isResult(int app) {
        return app == 1 || app == 5 || app == 7 || app == 9 || app == 11 || app == 13 || app == 15 || app == 24;
    }

    public static String resultName(int code) {
        return switch (code) {
            case 0 -> "success";
            case 1 -> "operationsError";
            case 2 -> "protocolError";
            case 3 -> "timeLimitExceeded";
            case 4 -> "sizeLimitExceeded";
            case 5 -> "compareFalse";
            case 6 -> "compareTrue";
            case 7 -> "authMethodNotSupported";
            case 8 -> "strongerAuthRequired";
            case 10 -> "referral";
            case 11 -> "adminLimitExceeded";
            case 12 -> "unavailableCriticalExtension";
            case 13 -> "confidentialityRequired";
            case 14 -> "saslBindInProgress";
            case 16 -> "noSuchAttribute";
            case 17 -> "undefinedAttributeType";
            case 18 -> "inappropriateMatching";
            case 19 -> "constraintViolation";
            case 20 -> "attributeOrValueExists";
            case 21 -> "invalidAttributeSyntax";
            case 32 -> "noSuchObject";
            case 33 -> "aliasProblem";
            case 34 -> "invalidDNSyntax";
            case 36 -> "aliasDereferencingProblem";
            case 48 -> "inappropriateAuthentication";
            case 49 -> "invalidCredentials";
            case 50 -> "insufficientAccessRights";
            case 51 -> "busy";
            case 52 -> "unavailable";
            case 53 -> "unwillingToPerform";
            case 54 -> "loopDetect";
            case 64 -> "namingViolation";
            case 65 -> "objectClassViolation";
            case 66 -> "notAllowedOnNonLeaf";
            case 67 -> "notAllowedOnRDN";
            case 68 -> "entryAlreadyExists";
            case 69 -> "objectClassModsProhibited";
            case 71 -> "affectsMultipleDSAs";
            case 80 -> "other";
            case 118 -> "canceled";
            case 119 -> "noSuchOperation";
            case 120 -> "tooLate";
            case 121 -> "cannotCancel";
            default -> "unknown (" + code + ")";
        };
    }

    public static String scopeName(long scope) {
        return switch ((int) scope) {
            case 0 -> "baseObject";
            case 1 -> "singleLevel";
            case 2 -> "wholeSubtree";
            default -> "unknown (" + scope + ")";
        };
    }

    private static final Pattern AD_DATA = Pattern.compile("\\bdata ([0-9a-fA-F]{1,8})\\b");

    /** The Win32 code after "data" in an Active Directory diagnosticMessage ("52e"), lower case, or null. */
    public static String adError(String diagnosticMessage) {
        if (diagnosticMessage == null) {
            return null;
        }
        Matcher m = AD_DATA.matcher(diagnosticMessage);
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    /** What an Active Directory bind sub-code means, or null for one without a meaning worth naming ("0"). */
    public static String adErrorMeaning(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case "525" -> "user not found";
            case "52e" -> "invalid credentials (wrong password)";
            case "530" -> "not permitted to log on at this time (logon hours)";
            case "531" -> "not permitted to log on from this workstation";
            case "532" -> "password expired";
            case "533" -> "account disabled";
            case "534" -> "the user has not been granted the requested logon type";
            case "568" -> "too many security identifiers in the token";
            case "701" -> "account expired";
            case "773" -> "the user must change the password before logging on";
            case "775" -> "account locked out";
            case "80090346" -> "channel binding token required (LDAP channel binding)";
            default -> null;
        };
    }
}
