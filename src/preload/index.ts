import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { cancelChannel, eventChannelPrefix, eventNames, methodNames, type EventName, type MethodName } from '../shared/api/names';
import type { LogscopeBridge } from '../shared/api/bridge';
import type { CallOutcome } from '../shared/api/outcome';

/**
 * The only bridge between the window and the main process: one function per contract
 * method and a subscription per contract event — never `ipcRenderer` itself.
 */
const methods = Object.fromEntries(
  methodNames.map((method) => [method, (input: unknown, callId: number) => ipcRenderer.invoke(method, { callId, input })]),
) as Record<MethodName, (input: unknown, callId: number) => Promise<CallOutcome>>;

const bridge: LogscopeBridge = {
  methods,
  cancel(callId: number) {
    ipcRenderer.send(cancelChannel, callId);
  },
  on(event: EventName, listener: (payload: unknown) => void): () => void {
    if (!(eventNames as readonly string[]).includes(event)) throw new Error(`unknown event ${String(event)}`);
    const channel = `${eventChannelPrefix}${event}`;
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.off(channel, wrapped);
  },
  // Files are never copied through IPC: the main process reads them from their path.
  pathForFile(file: unknown): string {
    return webUtils.getPathForFile(file as File);
  },
};

contextBridge.exposeInMainWorld('logscope', bridge);
