package org.kerbscope.engine.report;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;

/**
 * The guide's sequence diagram for one attempt: lanes Client, DNS, KDC, Server; one arrow per message of each
 * step, numbered with the guide's step numbers. Shared by the HTML report and the workbench's flow view so
 * that both draw the same thing.
 */
public final class FlowDiagram {
    public static final String[] LANES = {"Client", "DNS", "KDC", "Server"};
    public static final int CLIENT = 0, DNS = 1, KDC = 2, SERVER = 3;

    /** One arrow: from lane → to lane, its label, the step, how the step ended, and the frame (0 when not seen). */
    public record Arrow(int from, int to, String label, Step step, StepStatus status, long frame) {
    }

    private FlowDiagram() {
    }

    /** The lanes' names for one attempt: the last is the server's role ("Proxy" for a web proxy). */
    public static String[] lanes(AuthAttempt at) {
        String[] l = LANES.clone();
        l[SERVER] = at.serverRole();
        return l;
    }

    public static List<Arrow> arrows(AuthAttempt at) {
        List<Arrow> out = new ArrayList<>();
        for (StepResult s : at.steps()) {
            long f0 = s.frames().isEmpty() ? 0 : s.frames().get(0);
            long f1 = s.frames().size() > 1 ? s.frames().get(1) : f0;
            String spn = at.spn() != null ? at.spn() : "SPN";
            switch (s.step()) {
                case NAME_RESOLUTION -> {
                    out.add(new Arrow(CLIENT, DNS, "DNS query " + (at.lookedUp() != null ? at.lookedUp()
                            : at.host() != null ? at.host() : ""), s.step(), s.status(), f0));
                    out.add(new Arrow(DNS, CLIENT, s.status() == StepStatus.OK ? "DNS answer" : "DNS: " + s.note(), s.step(), s.status(), f1));
                }
                case CONNECT -> {
                    out.add(new Arrow(CLIENT, SERVER, "TCP SYN :" + at.server().port(), s.step(), s.status(), f0));
                    out.add(new Arrow(SERVER, CLIENT, s.status() == StepStatus.FAILED ? "no SYN/ACK (" + s.note() + ")" : "SYN/ACK",
                            s.step(), s.status(), f1));
                }
                case ANONYMOUS_REQUEST -> out.add(new Arrow(CLIENT, SERVER, s.encrypted() ? "TLS ClientHello, then encrypted"
                        : "anonymous request", s.step(), s.status(), f0));
                // "401 offering Negotiate, NTLM" (a proxy's 407); a failed one up to its reason
                case CHALLENGE -> out.add(new Arrow(SERVER, CLIENT, s.status() == StepStatus.OK ? s.note()
                        : s.status() == StepStatus.FAILED && s.note().contains(":") ? s.note().substring(0, s.note().indexOf(':'))
                        : s.encrypted() ? "challenge (encrypted)" : "challenge (401 or a proxy's 407)", s.step(), s.status(), f0));
                case TICKET_REQUEST -> out.add(new Arrow(CLIENT, KDC, "TGS-REQ " + spn, s.step(), s.status(), f0));
                case TICKET -> out.add(new Arrow(KDC, CLIENT, s.status() == StepStatus.FAILED ? s.note() : "TGS-REP (service ticket)",
                        s.step(), s.status(), f0));
                case AP_EXCHANGE -> out.add(new Arrow(CLIENT, SERVER, s.status() == StepStatus.FAILED ? s.note()
                        : s.encrypted() ? "AP-REQ (Negotiate, encrypted)" : "AP-REQ (Negotiate)",
                        s.step(), s.status(), f0));
                case AUTHORIZED -> out.add(new Arrow(SERVER, CLIENT, s.encrypted() ? "authorised? (encrypted)"
                        : s.status() == StepStatus.NOT_SEEN ? "authorised?" : s.note(),
                        s.step(), s.status(), f0));
            }
        }
        return out;
    }

    /** The diagram as a self-contained SVG (no external references). */
    public static String svg(AuthAttempt at) {
        List<Arrow> arrows = arrows(at);
        String[] lanes = lanes(at);
        int laneGap = 220, left = 90, top = 50, rowH = 34;
        int width = left * 2 + laneGap * (LANES.length - 1);
        int height = top + 30 + rowH * arrows.size() + 20;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n");
        b.append("<defs><marker id=\"ah\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
                + "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#333\"/></marker>"
                + "<marker id=\"ahr\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
                + "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#c62828\"/></marker></defs>\n");
        for (int i = 0; i < LANES.length; i++) {
            int x = left + i * laneGap;
            b.append("<text x=\"").append(x).append("\" y=\"24\" text-anchor=\"middle\" class=\"lane\">").append(lanes[i])
                    .append("</text>\n<line x1=\"").append(x).append("\" y1=\"32\" x2=\"").append(x).append("\" y2=\"")
                    .append(height - 10).append("\" stroke=\"#999\" stroke-width=\"1\"/>\n");
        }
        int y = top + 20;
        for (Arrow a : arrows) {
            int x1 = left + a.from() * laneGap, x2 = left + a.to() * laneGap;
            String cls = switch (a.status()) {
                case FAILED -> "failed";
                case NOT_SEEN -> "notseen";
                case NOT_APPLICABLE -> "na";
                default -> "ok";
            };
            String color = a.status() == StepStatus.FAILED ? "#c62828" : a.status() == StepStatus.OK ? "#333" : "#9e9e9e";
            b.append("<g class=\"arrow ").append(cls).append("\" data-step=\"").append(a.step().id()).append("\" data-frame=\"")
                    .append(a.frame()).append("\">");
            b.append("<line x1=\"").append(x1).append("\" y1=\"").append(y).append("\" x2=\"").append(x2).append("\" y2=\"").append(y)
                    .append("\" stroke=\"").append(color).append("\" stroke-width=\"").append(a.status() == StepStatus.FAILED ? 3 : 1.5)
                    .append('"').append(a.status() == StepStatus.OK || a.status() == StepStatus.FAILED ? "" : " stroke-dasharray=\"6,4\"")
                    .append(" marker-end=\"url(#").append(a.status() == StepStatus.FAILED ? "ahr" : "ah").append(")\"/>");
            int tx = (x1 + x2) / 2;
            b.append("<text x=\"").append(tx).append("\" y=\"").append(y - 6).append("\" text-anchor=\"middle\" fill=\"").append(color)
                    .append("\">").append(a.step().number()).append(". ").append(HtmlReport.esc(shorten(a.label(), 48)))
                    .append(a.frame() > 0 ? " [" + a.frame() + "]" : "").append("</text></g>\n");
            y += rowH;
        }
        b.append("</svg>");
        return b.toString();
    }

    private static String shorten(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
