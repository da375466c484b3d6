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
 * The opener focus last rested on outside any dialog, kept as focus moves. A dialog in a lazily
 * loaded chunk mounts a moment after it was chosen, by when its menu may be closing or gone.
 */
let lastOpener: HTMLElement | null = null;
if (typeof document !== 'undefined') {
  document.addEventListener(
    'focusin',
    (event) => {
      const target = event.target;
      if (target instanceof Element && !target.closest('[role="dialog"]')) lastOpener = openerOf(target);
    },
    true,
  );
}

/**
 * Whom the dialog opening now should hand focus back to. Focus may still be on the chosen item of
 * a menu that is closing (its button no longer names it) or may have fallen to the body; either
 * way the opener recorded while focus moved is the one.
 */
function currentOpener(): HTMLElement | null {
  const active = document.activeElement;
  const settled = active instanceof HTMLElement && active !== document.body && !active.closest('[role="menu"]');
  if (settled) return active;
  return lastOpener?.isConnected ? lastOpener : openerOf(active);
}

/**
 * Every dialog of the app: Mantine's modal, with focus handed back to whatever opened it.
 * Mantine returns focus only when `opened` flips on a mounted modal; most of ours mount with
 * the dialog (some in a lazily loaded chunk), so the opener is taken here when the dialog
 * opens (or, if focus has already fallen to the body, the one focus last rested on) and is
 * focused again when it closes or unmounts — unless the user has since put focus somewhere
 * else outside the dialog.
 */
export function Dialog({ opened = true, ...props }: Omit<ModalProps, 'opened'> & { opened?: boolean }) {
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (!opened) return;
    opener.current = currentOpener();
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
