package org.kerbscope.capture;

/**
 * The pcap {@code LINKTYPE_*} values Kerbscope meets (tcpdump.org/linktypes.html), plus private ranges for
 * Network Monitor media types and snoop datalink types that have no pcap equivalent (ETW events, filter strings):
 * such frames are still counted and listed, but no decoder knows their link type.
 */
public final class LinkTypes {
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int IEEE802_5 = 6;
    public static final int FDDI = 10;
    /** Raw IP on most platforms (DLT_RAW is 12 on most BSDs and Linux, 14 on OpenBSD). */
    public static final int RAW_12 = 12;
    public static final int RAW_14 = 14;
    public static final int RAW = 101;
    public static final int IEEE802_11 = 105;
    /** IEEE 802.11 under a radiotap header. */
    public static final int IEEE802_11_RADIOTAP = 127;
    /** Per-Packet Information header (CACE/AirPcap), then the link type it names. */
    public static final int PPI = 192;
    public static final int LOOP = 108;
    /** Solaris IPnet (snoop's datalink type 0x1a): a 24-byte header, then IPv4 or IPv6. */
    public static final int IPNET = 226;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    /** Network Monitor media type {@code m} without a pcap equivalent is link type {@code NETMON_BASE | m}. */
    public static final int NETMON_BASE = 0x4E4D_0000;
    public static final int NETMON_EVENT = NETMON_BASE | 0xFFE0;
    public static final int NETMON_NETWORK_INFO_EX = NETMON_BASE | 0xFFFB;
    public static final int NETMON_FILTER = NETMON_BASE | 0xFFFF;
    public static final int NETMON_802_11 = NETMON_BASE | 6;

    /** Snoop datalink type {@code t} without a pcap equivalent is link type {@code SNOOP_BASE | t}. */
    public static final int SNOOP_BASE = 0x534E_0000;

    private LinkTypes() {
    }

    /** A short name for display: {@code Ethernet}, {@code Linux SLL}, … or {@code link type N}. */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "BSD loopback";
            case ETHERNET -> "Ethernet";
            case IEEE802_5 -> "Token Ring";
            case FDDI -> "FDDI";
            case RAW_12, RAW_14, RAW -> "Raw IP";
            case IEEE802_11 -> "IEEE 802.11";
            case IEEE802_11_RADIOTAP -> "IEEE 802.11 with radiotap";
            case PPI -> "PPI";
            case LOOP -> "OpenBSD loopback";
            case IPNET -> "Solaris IPnet";
            case LINUX_SLL -> "Linux cooked";
            case LINUX_SLL2 -> "Linux cooked v2";
            case IPV4 -> "Raw IPv4";
            case IPV6 -> "Raw IPv6";
            case NETMON_EVENT -> "Network Monitor event";
            case NETMON_NETWORK_INFO_EX -> "Network Monitor network info";
            case NETMON_FILTER -> "Network Monitor filter";
            default -> (linkType & 0xFFFF_0000) == NETMON_BASE
                    ? "Network Monitor media type 0x" + Integer.toHexString(linkType & 0xFFFF)
                    : (linkType & 0xFFFF_0000) == SNOOP_BASE
                            ? "snoop datalink type " + (linkType & 0xFFFF)
                            : "link type " + linkType;
        };
    }
}
