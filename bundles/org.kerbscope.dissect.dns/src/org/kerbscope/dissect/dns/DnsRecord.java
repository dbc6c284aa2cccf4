package org.kerbscope.dissect.dns;

import java.util.Map;

/**
 * One resource record as read from the wire.
 *
 * @param section      where it was found
 * @param name         owner name as text, without the final dot ({@code <Root>} for the root)
 * @param type         record type number (see {@link DnsTypes})
 * @param rrClass      class (IN = 1; OPT puts the UDP payload size here)
 * @param ttl          time to live in seconds (OPT: extended rcode, version and flags)
 * @param data         the record's main value as text: the address of an A/AAAA, the target name of a
 *                     CNAME/PTR/NS/SRV/MX, the primary server of an SOA, the strings of a TXT; null otherwise
 * @param details      the other RDATA fields by name (SRV port, SOA serial, TKEY mode, …), never null
 * @param rdataOffset  where the RDATA starts in the PDU
 * @param rdataLength  RDATA length as the record states it
 */
public record DnsRecord(Section section, String name, int type, int rrClass, long ttl, String data,
        Map<String, Object> details, int rdataOffset, int rdataLength) {

    /** The three record sections of a message. */
    public enum Section {
        ANSWER, AUTHORITY, ADDITIONAL
    }
}
