import java.nio.file.Path;
import java.util.List;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.ConversationSpans;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * How long the details of a late frame take when the analysis has not read it yet (the workbench, right after
 * opening a big capture): the capture read from its first frame for the frame's conversation only, against the
 * full re-read; and with the analysis' spans. Three rounds, for the last Kerberos message and the last frame.
 * Run by releng/bench/details FILE.
 */
public class Details {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).keepSpans(true);
        Analysis a = analyzer.analyze(file, file.toString(), List.of(), Progress.NONE);
        List<Event> kerberos = a.events("kerberos");
        try (CaptureFile capture = CaptureFile.open(file)) {
            long last = capture.index().size();
            long[] frames = kerberos.isEmpty() ? new long[] {last}
                    : new long[] {kerberos.get(kerberos.size() - 1).frame(), last};
            for (int round = 1; round <= 3; round++) {
                for (long n : frames) {
                    long t0 = System.nanoTime();
                    FieldNode focused = analyzer.dissect(capture, n, (ConversationSpans) null);
                    long t1 = System.nanoTime();
                    FieldNode full = analyzer.dissect(file, n);
                    long t2 = System.nanoTime();
                    FieldNode spans = analyzer.dissect(capture, n, a);
                    long t3 = System.nanoTime();
                    System.out.printf("round %d, frame %d%s: its conversation from frame 1 %.2f s, everything from "
                            + "frame 1 %.2f s, from the analysis' spans %.1f ms; the same tree: %s%n", round, n,
                            n == last ? " (the last)" : " (the last Kerberos message)", (t1 - t0) / 1e9,
                            (t2 - t1) / 1e9, (t3 - t2) / 1e6, same(focused, full) && same(spans, full));
                }
            }
        }
    }

    private static boolean same(FieldNode a, FieldNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.name().equals(b.name()) || !a.label().equals(b.label()) || !String.valueOf(a.range()).equals(String.valueOf(b.range()))
                || a.children().size() != b.children().size()) {
            return false;
        }
        for (int i = 0; i < a.children().size(); i++) {
            if (!same(a.children().get(i), b.children().get(i))) {
                return false;
            }
        }
        return true;
    }
}
