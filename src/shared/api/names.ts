/**
 * The names of every call and event of the contract, without their schemas, so the
 * preload can expose one function per method without bundling zod. `contract.ts`
 * is checked against these lists at compile time.
 */
export const methodNames = [
  'app.info',
  'app.ping',
  'settings.get',
  'settings.update',
  'datasets.list',
  'datasets.page',
  'datasets.rename',
  'datasets.delete',
  'query.run',
  'query.page',
  'import.preview',
  'import.run',
  'sources.list',
  'sources.remove',
  'rejects.page',
] as const;

export const eventNames = ['datasets.changed', 'app.status', 'import.progress'] as const;

export type MethodName = (typeof methodNames)[number];
export type EventName = (typeof eventNames)[number];

/** The IPC channel that carries cancellation of a running call. */
export const cancelChannel = 'logscope:cancel';
/** The IPC channel prefix of events sent from main to the window. */
export const eventChannelPrefix = 'logscope:event:';
