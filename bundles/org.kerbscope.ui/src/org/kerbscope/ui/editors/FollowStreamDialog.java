package org.kerbscope.ui.editors;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.kerbscope.engine.filter.FollowStream;
import org.kerbscope.ui.internal.Messages;

/**
 * Wireshark's "Follow TCP/UDP Stream" window: the bytes of one conversation as text, the client's runs in red and the
 * server's in blue, shown as ASCII or as a hex dump; "Filter Out This Stream" hides its frames from the list. Not
 * modal: the capture stays usable beside it.
 */
public final class FollowStreamDialog extends Dialog {
    private static final int FILTER_OUT = IDialogConstants.CLIENT_ID + 1;
    /** Wireshark's colours: the client's bytes dark red on pink, the server's dark blue on light blue. */
    private static final RGB CLIENT_FG = new RGB(0x7f, 0, 0), CLIENT_BG = new RGB(0xfb, 0xed, 0xed);
    private static final RGB SERVER_FG = new RGB(0, 0, 0x7f), SERVER_BG = new RGB(0xed, 0xed, 0xfb);

    private final FollowStream.Stream stream;
    private final String kind;
    private final PacketPane pane;
    private StyledText text;
    private Combo as;

    FollowStreamDialog(Shell parent, PacketPane pane, String kind, FollowStream.Stream stream) {
        super(parent);
        this.pane = pane;
        this.kind = kind;
        this.stream = stream;
        setShellStyle(SWT.SHELL_TRIM | SWT.MODELESS);
        setBlockOnOpen(false);
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(NLS.bind(Messages.followTitle, kind.toUpperCase(java.util.Locale.ROOT), stream.filter()));
    }

    @Override
    protected org.eclipse.swt.graphics.Point getInitialSize() {
        return new org.eclipse.swt.graphics.Point(900, 640);
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite c = (Composite) super.createDialogArea(parent);
        text = new StyledText(c, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER);
        text.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        GridDataFactory.fillDefaults().grab(true, true).hint(800, 480).applyTo(text);
        Label summary = new Label(c, SWT.WRAP);
        summary.setText(summary());
        GridDataFactory.fillDefaults().grab(true, false).applyTo(summary);
        Composite row = new Composite(c, SWT.NONE);
        row.setLayout(new GridLayout(2, false));
        new Label(row, SWT.NONE).setText(Messages.followShowAs);
        as = new Combo(row, SWT.READ_ONLY);
        as.setItems(Messages.followAscii, Messages.followHex);
        as.select(0);
        as.addListener(SWT.Selection, e -> show());
        show();
        return c;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, FILTER_OUT, Messages.followFilterOut, false);
        createButton(parent, IDialogConstants.CLOSE_ID, IDialogConstants.CLOSE_LABEL, true);
    }

    @Override
    protected void buttonPressed(int id) {
        if (id == FILTER_OUT) {
            pane.applyFilterFromMenu("!(" + stream.filter() + ")");
            close();
        } else if (id == IDialogConstants.CLOSE_ID) {
            close();
        } else {
            super.buttonPressed(id);
        }
    }

    /** "192.168.2.101:56866 → 192.168.2.104:80: 1,234 bytes; back: 5,678 bytes". */
    private String summary() {
        return NLS.bind(Messages.followSummary, new Object[] {stream.client(), stream.server(),
                String.format("%,d", stream.clientBytes()), String.format("%,d", stream.serverBytes())})
                + (stream.truncated() ? " " + NLS.bind(Messages.followTruncated, String.format("%,d", FollowStream.MAX_BYTES)) : "");
    }

    /** Shows the bytes as the combo says, each run in its end's colours. */
    private void show() {
        boolean hex = as.getSelectionIndex() == 1;
        StringBuilder b = new StringBuilder();
        List<StyleRange> styles = new ArrayList<>();
        Color cf = new Color(CLIENT_FG), cb = new Color(CLIENT_BG), sf = new Color(SERVER_FG), sb = new Color(SERVER_BG);
        long[] offset = {0, 0};
        for (FollowStream.Chunk chunk : stream.chunks()) {
            int start = b.length();
            if (hex) {
                int end = chunk.fromClient() ? 0 : 1;
                hexDump(b, chunk.data(), offset[end], !chunk.fromClient());
                offset[end] += chunk.data().length;
            } else {
                ascii(b, chunk.data());
            }
            StyleRange r = new StyleRange(start, b.length() - start, chunk.fromClient() ? cf : sf, chunk.fromClient() ? cb : sb);
            styles.add(r);
        }
        text.setText(b.toString());
        text.setStyleRanges(styles.toArray(new StyleRange[0]));
    }

    /** Bytes as text: printable ASCII, tabs and line ends as they are, anything else a dot (as Wireshark's ASCII view). */
    static void ascii(StringBuilder b, byte[] data) {
        for (byte x : data) {
            int c = x & 0xff;
            b.append(c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t' ? (char) c : '.');
        }
    }

    /** Wireshark's hex dump of a run: offset, sixteen bytes in hex, the same as text; the server's runs indented. */
    static void hexDump(StringBuilder b, byte[] data, long offset, boolean indent) {
        for (int i = 0; i < data.length; i += 16) {
            if (indent) {
                b.append("    ");
            }
            b.append(String.format("%08X  ", offset + i));
            for (int k = 0; k < 16; k++) {
                b.append(i + k < data.length ? String.format("%02x ", data[i + k] & 0xff) : "   ");
                if (k == 7) {
                    b.append(' ');
                }
            }
            b.append(' ');
            for (int k = 0; k < 16 && i + k < data.length; k++) {
                int c = data[i + k] & 0xff;
                b.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            b.append('\n');
        }
    }

    /** For tests: the text shown. */
    public String shownText() {
        return text.getText();
    }

    /** For tests: the foreground colour of the character at {@code offset} (the client's red or the server's blue). */
    public RGB colourAt(int offset) {
        StyleRange r = text.getStyleRangeAtOffset(offset);
        return r == null || r.foreground == null ? null : r.foreground.getRGB();
    }

    /** For tests: shows the bytes as ASCII (0) or a hex dump (1). */
    public void showAs(int index) {
        as.select(index);
        show();
    }

    /** The client's colour, for tests. */
    public static RGB clientColour() {
        return CLIENT_FG;
    }

    /** The server's colour, for tests. */
    public static RGB serverColour() {
        return SERVER_FG;
    }

    /** The followed conversation. */
    public FollowStream.Stream stream() {
        return stream;
    }
}
