package org.kerbscope.net.internal;

/**
 * A transport 5-tuple in a canonical order (the smaller endpoint first), so both directions of a
 * conversation find the same entry. Mutable so that one probe instance serves every lookup without
 * allocating; entries stored in maps are frozen copies.
 */
public final class FlowId {
    long aHi, aLo, bHi, bLo;
    int aPort, bPort, proto;
    int hash;
    /** True when the packet went from b to a (its source was the larger endpoint). */
    public boolean swapped;

    /** Sets this probe from a packet's addresses and ports. */
    public FlowId set(long sHi, long sLo, int sPort, long dHi, long dLo, int dPort, int proto) {
        int c = Long.compareUnsigned(sHi, dHi);
        if (c == 0) {
            c = Long.compareUnsigned(sLo, dLo);
        }
        if (c == 0) {
            c = Integer.compare(sPort, dPort);
        }
        swapped = c > 0;
        if (swapped) {
            aHi = dHi; aLo = dLo; aPort = dPort; bHi = sHi; bLo = sLo; bPort = sPort;
        } else {
            aHi = sHi; aLo = sLo; aPort = sPort; bHi = dHi; bLo = dLo; bPort = dPort;
        }
        this.proto = proto;
        long h = aHi * 31 + aLo;
        h = h * 31 + bHi;
        h = h * 31 + bLo;
        h = h * 31 + ((long) aPort << 16 | bPort) + ((long) proto << 40);
        hash = (int) Addr.mix(h);
        return this;
    }

    public FlowId copy() {
        FlowId f = new FlowId();
        f.aHi = aHi; f.aLo = aLo; f.bHi = bHi; f.bLo = bLo;
        f.aPort = aPort; f.bPort = bPort; f.proto = proto; f.hash = hash; f.swapped = swapped;
        return f;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowId f && f.hash == hash && f.aLo == aLo && f.bLo == bLo && f.aPort == aPort
                && f.bPort == bPort && f.aHi == aHi && f.bHi == bHi && f.proto == proto;
    }
}
