package org.kerbscope.ui.internal;

import org.eclipse.osgi.util.NLS;

/** User-visible strings of the workbench. */
public final class Messages extends NLS {
    public static String applyAsFilter;
    public static String prepareAsFilter;
    public static String filterSelected;
    public static String filterNotSelected;
    public static String filterAndSelected;
    public static String filterOrSelected;
    public static String filterAndNotSelected;
    public static String filterOrNotSelected;
    public static String copyMenu;
    public static String copyValue;
    public static String copyAsFilter;
    public static String copyFieldName;
    public static String conversationFilter;
    public static String conversationEth;
    public static String conversationIp;
    public static String conversationIpv6;
    public static String conversationTcp;
    public static String conversationUdp;
    public static String notFilterable;
    public static String followMenu;
    public static String followTcp;
    public static String followUdp;
    public static String followReading;
    public static String followTitle;
    public static String followShowAs;
    public static String followAscii;
    public static String followHex;
    public static String followFilterOut;
    public static String followSummary;
    public static String followTruncated;
    public static String windowTitle;
    public static String openCapture;
    public static String openSample;
    public static String addEvidence;
    public static String record;
    public static String analyzing;
    public static String noSamples;
    public static String cannotOpen;
    public static String noAnalysis;
    public static String evidenceOnly;
    public static String indexing;
    public static String framesIndexed;
    public static String framesRead;
    public static String filterHint;
    public static String opening;
    public static String framesListed;
    public static String diagnosticsNoted;
    public static String repeatOf;
    public static String repeatDetail;
    public static String framesListing;
    public static String analysisRunning;
    public static String analysisCancelled;
    public static String badFilter;
    public static String filterMatches;
    public static String layerFilter;
    public static String filteringHeaders;
    public static String dissecting;
    public static String cannotReadFrame;
    public static String awaitingAnalysis;
    public static String readingUpTo;
    public static String recentTitle;
    public static String recentMissing;
    public static String recordTitle;
    public static String recordMessage;
    public static String recordPrepareTitle;
    public static String recordPrepare;
    public static String recordCopy;
    public static String recordInterface;
    public static String recordFilter;
    public static String recordOutput;
    public static String recordBrowse;
    public static String recordStart;
    public static String recordStop;
    public static String recordIdle;
    public static String recordRunning;
    public static String recordStopping;
    public static String recordCannot;
    public static String recordNoInterfaces;
    public static String recordFailed;
    public static String recordChooseInterface;
    public static String recordBadOutput;
    public static String recordReplace;
    public static String recordStopped;
    public static String recordJob;
    public static String recordPackets;
    public static String recordOneNow;

    static {
        NLS.initializeMessages("org.kerbscope.ui.internal.messages", Messages.class);
    }

    private Messages() {
    }
}
