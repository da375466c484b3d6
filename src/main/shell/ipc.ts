import { ipcMain, type IpcMainInvokeEvent, type WebContents, type WebFrameMain } from 'electron';
import { cancelChannel, eventChannelPrefix, methodNames } from '../../shared/api/names';
import type { CallOutcome, RpcServer } from '../transport/rpc';
import type { EventBus } from '../services/events';

/**
 * The contract over Electron IPC: one channel per method, each call checked to come from
 * the app's own page (Electron checklist: validate the sender of all IPC messages).
 * Calls arriving before the services are ready wait for them.
 */
export function bindIpc({
  rpc,
  isTrustedFrame,
}: {
  rpc: Promise<RpcServer>;
  isTrustedFrame: (frame: WebFrameMain | null) => boolean;
}): () => void {
  const running = new Map<string, AbortController>();
  for (const method of methodNames) {
    ipcMain.handle(method, async (event: IpcMainInvokeEvent, envelope: { callId?: unknown; input?: unknown }): Promise<CallOutcome> => {
      if (!isTrustedFrame(event.senderFrame)) return { ok: false, error: { code: 'unauthorized', params: {} } };
      const callId = `${event.sender.id}:${String(envelope?.callId)}`;
      const controller = new AbortController();
      running.set(callId, controller);
      try {
        return await (await rpc).call(method, envelope?.input, controller.signal);
      } finally {
        running.delete(callId);
      }
    });
  }
  const onCancel = (event: Electron.IpcMainEvent, callId: unknown) => {
    if (!isTrustedFrame(event.senderFrame)) return;
    running.get(`${event.sender.id}:${String(callId)}`)?.abort();
  };
  ipcMain.on(cancelChannel, onCancel);
  return () => {
    for (const method of methodNames) ipcMain.removeHandler(method);
    ipcMain.off(cancelChannel, onCancel);
    for (const controller of running.values()) controller.abort();
  };
}

/** Forwards every event of the bus to one window. */
export function forwardEvents(events: EventBus, contents: WebContents): () => void {
  return events.onAny((name, payload) => {
    if (!contents.isDestroyed()) contents.send(`${eventChannelPrefix}${name}`, payload);
  });
}
