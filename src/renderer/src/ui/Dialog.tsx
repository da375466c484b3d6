import { useLayoutEffect, useRef } from 'react';
import { Modal, type ModalProps } from '@mantine/core';

/**
 * The element a dialog should hand focus back to. A dialog chosen from a menu is opened by an
 * item that is gone once the menu closes, so the menu's button stands for it (Mantine links the
 * two with `aria-controls`). With nothing focused there is nothing to return to.
 */
export function openerOf(active: Element | null): HTMLElement | null {
  if (!(active instanceof HTMLElement) || active === active.ownerDocument.body) return null;
  const menu = active.closest('[role="menu"]');
  if (menu?.id) {
    const control = active.ownerDocument.querySelector(`[aria-controls="${CSS.escape(menu.id)}"]`);
    if (control instanceof HTMLElement) return control;
  }
  return active;
}

/**
 * Every dialog of the app: Mantine's modal, with focus handed back to whatever opened it.
 * Mantine returns focus only when `opened` flips on a mounted modal; most of ours mount with
 * the dialog (some in a lazily loaded chunk), so the opener is taken here when the dialog
 * opens and focused again when it closes or unmounts — unless the user has since put focus
 * somewhere else outside the dialog.
 */
export function Dialog({ opened = true, ...props }: Omit<ModalProps, 'opened'> & { opened?: boolean }) {
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (!opened) return;
    opener.current = openerOf(document.activeElement);
    return () => {
      const target = opener.current;
      // After the modal has gone (or stopped trapping focus), so its focus trap does not take it back.
      window.setTimeout(() => {
        const active = document.activeElement;
        const focusLeftForElsewhere = active && active !== document.body && !active.closest('[role="dialog"]') && active.isConnected;
        if (target?.isConnected && !focusLeftForElsewhere) target.focus({ preventScroll: true });
      }, 0);
    };
  }, [opened]);
  return <Modal opened={opened} returnFocus={false} {...props} />;
}
