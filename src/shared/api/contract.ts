import type { z } from 'zod';
import type { EventName, MethodName } from './names';
import { coreEvents, coreMethods } from './contract/core';
import { importEvents, importMethods } from './contract/imports';
import { consoleMethods } from './contract/console';
import { jobEvents, jobMethods } from './contract/jobs';
import { configMethods } from './contract/config';
import { mailEvents, mailMethods } from './contract/mail';
import { dashboardMethods } from './contract/dashboard';
import { dashboardsMethods } from './contract/dashboards';
import { patternEvents, patternMethods } from './contract/patterns';
import { reportMethods } from './contract/report';
import { engineMethods } from './contract/engines';

/**
 * The one contract between the renderer (or a `logscope` command acting as a client)
 * and the process that owns the data folder. Every call and every event is declared
 * once, in the part of `./contract/` its feature owns; both transports (Electron IPC and
 * the loopback WebSocket) and the typed client are built from this table, and inputs are
 * validated at the server boundary. A new method also goes into `names.ts`.
 */
export const contract = {
  methods: { ...coreMethods, ...importMethods, ...consoleMethods, ...mailMethods, ...dashboardMethods, ...dashboardsMethods, ...patternMethods, ...jobMethods, ...configMethods, ...reportMethods, ...engineMethods },
  events: { ...coreEvents, ...importEvents, ...mailEvents, ...patternEvents, ...jobEvents },
} as const;

type Contract = typeof contract;
type Methods = Contract['methods'];
type Events = Contract['events'];

// The name lists and the table must agree in both directions.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const methodNamesAgree: Exactly<keyof Methods, MethodName> = true;
const eventNamesAgree: Exactly<keyof Events, EventName> = true;
void methodNamesAgree;
void eventNamesAgree;

/** What a caller passes (defaults may be omitted). */
export type Input<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives (defaults applied). */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type Output<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export type { EventName, MethodName };
export * from './schemas';
