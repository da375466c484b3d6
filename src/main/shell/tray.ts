import { Menu, Tray, nativeImage, type BrowserWindow } from 'electron';

/**
 * Scheduled jobs keep running with the window closed: closing the window hides it to the
 * tray while any job is enabled, and the tray brings it back or quits.
 */
export function keepRunningInTray({
  window,
  iconPath,
  hasEnabledJobs,
  labels,
  onQuit,
}: {
  window: BrowserWindow;
  iconPath: string;
  hasEnabledJobs: () => Promise<boolean>;
  labels: { open: string; quit: string; tooltip: string };
  onQuit: () => void;
}): { allowClose(): void } {
  let tray: Tray | null = null;
  let quitting = false;
  const show = () => {
    window.show();
    window.focus();
  };
  const ensureTray = () => {
    if (tray) return;
    tray = new Tray(nativeImage.createFromPath(iconPath));
    tray.setToolTip(labels.tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: labels.open, click: show },
        { type: 'separator' },
        {
          label: labels.quit,
          click: () => {
            quitting = true;
            onQuit();
          },
        },
      ]),
    );
    tray.on('click', show);
  };
  window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    void hasEnabledJobs().then(
      (keep) => {
        if (keep) {
          ensureTray();
          window.hide();
        } else {
          quitting = true;
          onQuit();
        }
      },
      () => {
        quitting = true;
        onQuit();
      },
    );
  });
  return {
    allowClose() {
      quitting = true;
    },
  };
}
