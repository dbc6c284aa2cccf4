package org.kerbscope.ui.editors;

import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Control;
import org.eclipse.ui.IWorkbenchActionConstants;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.engine.filter.DisplayFilter;
import org.kerbscope.engine.filter.FilterExpressions;
import org.kerbscope.ui.internal.Messages;

/**
 * The context menus of the packet details and the packet list, as Wireshark's: a field of the details "Apply as
 * Filter" and "Prepare as Filter" (selected, not selected, and/or with the filter there is), copied as its value, as a
 * filter or by its name; a frame's "Conversation Filter" (Ethernet, IPv4, IPv6, TCP, UDP) and "Follow" (its TCP or UDP
 * conversation's bytes, {@link FollowStreamDialog}). Both menus are registered
 * with the editor's site ({@link #DETAILS_ID}, {@link #LIST_ID}) so that a plug-in can add to them.
 */
final class PacketMenus {
    /** The details' context menu, for {@code popup:} contributions. */
    static final String DETAILS_ID = "org.kerbscope.ui.packetDetails";
    /** The packet list's context menu. */
    static final String LIST_ID = "org.kerbscope.ui.packetList";

    private final PacketPane pane;
    final MenuManager details = new MenuManager("#PacketDetails", DETAILS_ID);
    final MenuManager list = new MenuManager("#PacketList", LIST_ID);

    PacketMenus(PacketPane pane, Control tree, Control listControl) {
        this.pane = pane;
        details.setRemoveAllWhenShown(true);
        details.addMenuListener(this::fillDetails);
        tree.setMenu(details.createContextMenu(tree));
        list.setRemoveAllWhenShown(true);
        list.addMenuListener(this::fillList);
        listControl.setMenu(list.createContextMenu(listControl));
    }

    private void fillDetails(IMenuManager m) {
        FieldNode node = pane.selectedField();
        String expr = pane.filterOf(node);
        m.add(filterMenu(Messages.applyAsFilter, expr, true));
        m.add(filterMenu(Messages.prepareAsFilter, expr, false));
        m.add(new Separator());
        MenuManager copy = new MenuManager(Messages.copyMenu);
        copy.add(action(Messages.copyValue, node != null && node.value() != null, () -> copy(text(node.value()))));
        copy.add(action(Messages.copyAsFilter, expr != null, () -> copy(expr)));
        copy.add(action(Messages.copyFieldName, node != null && node.name() != null, () -> copy(node.name())));
        m.add(copy);
        m.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
    }

    /** Selected, Not Selected, and the four that join it to the filter there is (when there is one). */
    private MenuManager filterMenu(String title, String expr, boolean apply) {
        MenuManager sub = new MenuManager(title);
        String current = pane.filterText().trim();
        boolean joinable = !current.isEmpty();
        add(sub, Messages.filterSelected, expr, true, apply, e -> e);
        add(sub, Messages.filterNotSelected, expr, true, apply, e -> "!(" + e + ")");
        add(sub, Messages.filterAndSelected, expr, joinable, apply, e -> "(" + current + ") && (" + e + ")");
        add(sub, Messages.filterOrSelected, expr, joinable, apply, e -> "(" + current + ") || (" + e + ")");
        add(sub, Messages.filterAndNotSelected, expr, joinable, apply, e -> "(" + current + ") && !(" + e + ")");
        add(sub, Messages.filterOrNotSelected, expr, joinable, apply, e -> "(" + current + ") || !(" + e + ")");
        return sub;
    }

    private void add(MenuManager sub, String label, String expr, boolean enabled, boolean apply, UnaryOperator<String> how) {
        sub.add(action(label, expr != null && enabled, () -> {
            String text = how.apply(expr);
            if (apply) {
                pane.applyFilterFromMenu(text);
            } else {
                pane.prepareFilter(text);
            }
        }));
    }

    private void fillList(IMenuManager m) {
        DisplayFilter.Layers layers = pane.layersOfSelectedFrame();
        MenuManager conv = new MenuManager(Messages.conversationFilter);
        List<String> labels = List.of(Messages.conversationEth, Messages.conversationIp, Messages.conversationIpv6,
                Messages.conversationTcp, Messages.conversationUdp);
        for (int i = 0; i < FilterExpressions.CONVERSATIONS.size(); i++) {
            String expr = layers == null ? null : FilterExpressions.conversation(FilterExpressions.CONVERSATIONS.get(i), layers);
            conv.add(action(labels.get(i), expr != null, () -> pane.applyFilterFromMenu(expr)));
        }
        m.add(conv);
        MenuManager follow = new MenuManager(Messages.followMenu);
        follow.add(action(Messages.followTcp, layers != null && !layers.values("tcp").isEmpty(), () -> pane.follow("tcp")));
        follow.add(action(Messages.followUdp, layers != null && !layers.values("udp").isEmpty(), () -> pane.follow("udp")));
        m.add(follow);
        m.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
    }

    private static IAction action(String label, boolean enabled, Runnable run) {
        Action a = new Action(label) {
            @Override
            public void run() {
                run.run();
            }
        };
        a.setEnabled(enabled);
        return a;
    }

    /** A value as the user reads it: bytes in hex, as the hex pane shows them. */
    private static String text(Object value) {
        return value instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(value);
    }

    private void copy(String text) {
        Clipboard c = new Clipboard(pane.control().getDisplay());
        try {
            c.setContents(new Object[] {text}, new Transfer[] {TextTransfer.getInstance()});
        } finally {
            c.dispose();
        }
    }
}
