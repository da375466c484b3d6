import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FetchMessageObject, ImapFlow, MessageAddressObject, SearchObject } from 'imapflow';
import { AppError, toWireError } from '../../../shared/api/errors';
import type { EventPayload } from '../../../shared/api/contract';
import type { MailFetchItem, MailFetchResult, MailRunSummary } from '../../../shared/api/contract/mail';
import { attachmentNameMatches, displayFileName, senderMatches, subjectMatches } from '../../../shared/mail/match';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { ImportFileRequest, ImportService } from '../importer/importer';
import type { ImportResult } from '../../../shared/api/contract/imports';
import { closeImap, type OpenedImap } from './connection';
import { commandError, firstLine, isConnectionLost, isUndecodablePart } from './errors';
import { fileNameFromMimeHeader, nameNeedsHeader } from './names';
import { candidateParts, estimatedDecodedBytes } from './structure';
import { finishRun, getSyncState, insertItem, insertRun, itemKey, setSyncState, settledKeys, type AccountRecord, type RuleRecord } from './store';

export type MailProgress = Omit<EventPayload<'mail.progress'>, 'jobId'>;

export interface FetchRunDeps {
  db: Db;
  imports: ImportService;
  clock: Clock;
  log: Logger;
  tempDir: string;
  /** Reads the password and signs in; every failure is the run's error. */
  open: () => Promise<OpenedImap>;
  onProgress: (progress: MailProgress) => void;
  signal: AbortSignal;
}

/** Temporary attachment files carry this prefix; whatever is left after a crash is removed at start. */
export const tempPrefix = 'mailin-';

/** Message metadata is fetched this many messages at a time. */
const metadataChunk = 250;
/** Parts downloaded before they are imported: bounded by count and bytes on disk. */
const batchParts = 32;
const batchBytes = 64 * 1024 * 1024;
/** imapflow's partial-fetch window: one round trip for most attachments. */
const downloadChunkBytes = 2 * 1024 * 1024;

/**
 * Importer failures that may say more about this moment than about the attachment (disk
 * full, the rule's dataset name, an unexpected error): the attachment is tried again by the
 * next fetches, up to `importAttempts` in all, then listed as failed for good. Any other
 * failure is the attachment's own and is listed once.
 */
const importAttempts = 3;
const retryableImportErrors = new Set<string>([
  'cancelled',
  'internal',
  'disk_space_low',
  'file_vanished',
  'file_unreadable',
  'dataset_not_found',
  'dataset_name_invalid',
  'dataset_name_reserved',
  'dataset_name_taken',
]);

type PartState = 'pending' | 'downloaded' | 'settled' | 'retry';

interface PlannedPart {
  part: string;
  headerSection: string;
  name: string | undefined;
  fileName: string;
  encoding: string;
  estimatedBytes: number;
  state: PartState;
  /** Earlier fetches that tried to import this part and failed for a reason that may pass. */
  attempts: number;
  tempPath: string | null;
  /** Decoded bytes downloaded. */
  bytes: number;
  /** Whether this part left its rows (or found its content) in a dataset. */
  landed: boolean;
}

interface PlannedMessage {
  uid: number;
  uidValidity: string;
  messageKey: string;
  messageId: string | null;
  sender: string | null;
  senderAddress: { address?: string; name?: string } | null;
  subject: string | null;
  date: string | null;
  dateMs: number | null;
  parts: PlannedPart[];
}

class PartGone extends Error {
  constructor() {
    super('the message or part is no longer on the server');
  }
}

function formatSender(from: MessageAddressObject[] | undefined): string | null {
  const first = from?.[0];
  if (!first) return null;
  if (first.name && first.address) return `${first.name} <${first.address}>`;
  return first.address ?? first.name ?? null;
}

function isoOrNull(value: Date | string | undefined): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * One fetch of one rule, as the exactly-once design needs it:
 *
 * 1. SEARCH for UIDs above the rule's settled mark (all of them after a UIDVALIDITY change);
 * 2. FETCH their envelope and BODYSTRUCTURE — in chunks, collected before any other command
 *    (imapflow deadlocks on commands issued inside a fetch loop) — and pick the matching
 *    parts from the structure alone;
 * 3. drop parts already settled: imported by any rule (the importer's own catalogue row,
 *    committed with the rows) or settled by this rule;
 * 4. download the rest with `BINARY` into temporary files, a batch at a time, then import
 *    each; the importer's content hash turns the same attachment in two messages into one;
 * 5. record each part as settled, and move the rule's mark past every message whose parts
 *    are all settled, in UID order. A dropped connection or a killed process leaves the
 *    mark at the last message fully committed; the next fetch re-lists from there and
 *    downloads only what step 3 does not find.
 */
export async function runFetch(deps: FetchRunDeps, rule: RuleRecord, account: AccountRecord): Promise<MailFetchResult> {
  const { db, imports, clock, log, signal } = deps;
  const catalog = await db.connection('catalog');
  const startedAt = clock.now();
  const runId = await insertRun(catalog, rule.id, startedAt);
  const items: MailFetchItem[] = [];
  const actionFailures: MailRunSummary['actionFailures'] = [];
  const timings = { connectMs: 0, listMs: 0, downloadMs: 0, importMs: 0 };
  let runError: AppError | null = null;
  let cancelled = false;
  let messagesExamined = 0;
  let messagesMatched = 0;
  let uidValidityChanged = false;
  let bytesFromServer = 0;
  let bytesDownloaded = 0;
  let client: ImapFlow | null = null;
  const temporary = new Set<string>();

  const progress: MailProgress = {
    ruleId: rule.id,
    rule: rule.name,
    phase: 'connecting',
    messagesTotal: 0,
    messagesDone: 0,
    attachmentsTotal: 0,
    attachmentsDone: 0,
    bytesDone: 0,
    bytesTotal: 0,
    file: null,
    item: null,
  };
  let lastByteReport = 0;
  const report = (change: Partial<MailProgress>, throttle = false) => {
    Object.assign(progress, change);
    const now = performance.now();
    if (throttle && now - lastByteReport < 100) return;
    lastByteReport = now;
    deps.onProgress({ ...progress, item: change.item ?? null });
  };

  const checkCancelled = () => {
    if (signal.aborted) throw new AppError('cancelled');
  };

  const itemOf = (message: PlannedMessage, part: PlannedPart): MailFetchItem => ({
    rule: rule.name,
    ruleId: rule.id,
    account: account.name,
    folder: rule.folder,
    uid: message.uid,
    messageId: message.messageId,
    sender: message.sender,
    subject: message.subject,
    date: message.date,
    part: part.part,
    fileName: part.fileName,
    // What was downloaded, else the size BODYSTRUCTURE announces.
    sizeBytes: part.bytes > 0 ? part.bytes : part.estimatedBytes,
    outcome: 'imported',
    reason: null,
    dataset: null,
    datasetId: null,
    rows: 0,
    sourceId: null,
    error: null,
  });

  const listItem = (item: MailFetchItem) => {
    items.push(item);
    report({ item });
  };

  try {
    let started = performance.now();
    const opened = await deps.open();
    client = opened.client;
    const imap = opened.client;
    timings.connectMs = performance.now() - started;
    checkCancelled();

    started = performance.now();
    const hasActions = rule.markSeen || rule.moveTo !== null;
    let lock;
    try {
      // EXAMINE unless an after-import action needs to write: a plain fetch changes nothing.
      lock = await client.getMailboxLock(rule.folder, { readOnly: !hasActions });
    } catch (error) {
      const e = error as { mailboxMissing?: boolean; responseText?: string };
      if (e.mailboxMissing || /doesn't exist|does not exist|nonexistent|not found|unknown mailbox/i.test(e.responseText ?? '')) {
        throw new AppError('mail_folder_not_found', { folder: rule.folder, account: account.name }, { cause: error });
      }
      throw commandError(error, account.host);
    }
    try {
      const mailbox = client.mailbox;
      if (!mailbox) throw new AppError('mail_folder_not_found', { folder: rule.folder, account: account.name });
      const uidValidity = String(mailbox.uidValidity);
      const state = await getSyncState(catalog, rule.id, rule.folder);
      uidValidityChanged = state !== null && state.uidValidity !== uidValidity;
      let lastUid = state && !uidValidityChanged ? state.lastUid : 0;
      if (uidValidityChanged) {
        // Every cached UID is void: rescan the folder; Message-ID + part and the content
        // hash keep each attachment imported once.
        log.info('UIDVALIDITY changed; rescanning', { rule: rule.name, folder: rule.folder, from: state?.uidValidity, to: uidValidity });
        await setSyncState(catalog, rule.id, rule.folder, { uidValidity, lastUid: 0 }, clock.now());
      }

      report({ phase: 'listing' });
      const criteria: SearchObject = { uid: `${lastUid + 1}:*` };
      if (rule.since) criteria.since = rule.since;
      const found = (await client.search(criteria, { uid: true }).catch((error: unknown) => Promise.reject(commandError(error, account.host)))) || [];
      // `N:*` always includes the newest message, even below N.
      const uids = found.filter((uid) => uid > lastUid).sort((a, b) => a - b);
      messagesExamined = uids.length;

      const plan: PlannedMessage[] = [];
      for (let i = 0; i < uids.length; i += metadataChunk) {
        checkCancelled();
        const chunk = uids.slice(i, i + metadataChunk);
        const messages = await client
          .fetchAll(chunk.join(','), { uid: true, envelope: true, bodyStructure: true, internalDate: true }, { uid: true })
          .catch((error: unknown) => Promise.reject(commandError(error, account.host)));
        for (const message of messages.sort((a, b) => a.uid - b.uid)) plan.push(planMessage(message, rule, account, uidValidity));
      }

      // Names that lost raw 8-bit bytes in BODYSTRUCTURE: read from the part's own header.
      for (const message of plan) {
        for (const part of message.parts) {
          if (!nameNeedsHeader(part.name)) continue;
          checkCancelled();
          const header = await client
            .fetchOne(String(message.uid), { bodyParts: [part.headerSection] }, { uid: true })
            .catch((error: unknown) => Promise.reject(commandError(error, account.host)));
          const bytes = header ? (header.bodyParts?.get(part.headerSection.toLowerCase()) ?? header.headers) : undefined;
          const decoded = bytes ? fileNameFromMimeHeader(bytes) : null;
          if (decoded) part.fileName = displayFileName(decoded);
        }
        message.parts = message.parts.filter((part) => attachmentNameMatches(part.fileName, rule.attachmentPatterns));
      }
      const matched = plan.filter((m) => m.parts.length > 0);
      messagesMatched = matched.length;

      const settled = await settledKeys(
        catalog,
        rule.id,
        matched.map((m) => m.messageKey),
      );
      for (const message of matched) {
        for (const part of message.parts) {
          const before = settled.get(itemKey(message.messageKey, part.part));
          if (before?.outcome === 'retry') {
            part.attempts = before.attempts;
          } else if (before) {
            part.state = 'settled';
            part.landed = before.outcome !== 'failed';
            // A failure was listed by the run that found it; an import is news worth a line.
            if (part.landed) listItem({ ...itemOf(message, part), outcome: 'skipped', reason: 'already_collected', sourceId: before.sourceId });
          } else if (part.estimatedBytes > rule.maxAttachmentBytes) {
            await settleFailure(message, part, tooLarge(part.fileName, part.estimatedBytes, rule.maxAttachmentBytes));
          }
        }
      }
      timings.listMs = performance.now() - started;

      const pending = matched.flatMap((m) => m.parts.filter((p) => p.state === 'pending'));
      report({
        phase: 'downloading',
        messagesTotal: matched.length,
        attachmentsTotal: pending.length,
        bytesTotal: pending.reduce((sum, p) => sum + p.estimatedBytes, 0),
      });

      // The settled mark: every message up to it has all its parts settled.
      let markIndex = 0;
      let markBlocked = false;
      const advanceMark = async () => {
        let uid = lastUid;
        while (!markBlocked && markIndex < plan.length) {
          const message = plan[markIndex]!;
          if (message.parts.some((p) => p.state === 'retry')) markBlocked = true;
          else if (message.parts.every((p) => p.state === 'settled')) {
            uid = message.uid;
            markIndex++;
            continue;
          }
          break;
        }
        if (uid !== lastUid) {
          lastUid = uid;
          await setSyncState(catalog, rule.id, rule.folder, { uidValidity, lastUid }, clock.now());
        }
      };
      await advanceMark();

      // Batches of whole messages, in UID order.
      let index = 0;
      while (index < matched.length) {
        checkCancelled();
        const batch: PlannedMessage[] = [];
        let parts = 0;
        let bytes = 0;
        while (index < matched.length && (batch.length === 0 || (parts < batchParts && bytes < batchBytes))) {
          const message = matched[index++]!;
          batch.push(message);
          for (const part of message.parts.filter((p) => p.state === 'pending')) {
            parts++;
            bytes += part.estimatedBytes;
          }
        }

        // Download every pending part of the batch.
        for (const message of batch) {
          for (const part of message.parts.filter((p) => p.state === 'pending')) {
            checkCancelled();
            report({ phase: 'downloading', file: part.fileName });
            const target = path.join(deps.tempDir, `${tempPrefix}${randomUUID()}.part`);
            temporary.add(target);
            const before = progress.bytesDone;
            const t = performance.now();
            try {
              const size = await downloadPart(imap, message.uid, part.part, target, rule.maxAttachmentBytes, signal, (n) =>
                report({ bytesDone: before + n }, true),
              );
              bytesDownloaded += size;
              report({ bytesDone: before + size });
              if (size > rule.maxAttachmentBytes) {
                await removeTemp(target);
                await settleFailure(message, part, tooLarge(part.fileName, size, rule.maxAttachmentBytes));
              } else {
                part.tempPath = target;
                part.bytes = size;
                part.state = 'downloaded';
              }
            } catch (error) {
              await removeTemp(target);
              report({ bytesDone: before + part.estimatedBytes });
              if (signal.aborted) throw new AppError('cancelled', {}, { cause: error });
              if (isUndecodablePart(error)) {
                await settleFailure(
                  message,
                  part,
                  new AppError('mail_mime_malformed', { file: part.fileName, messageId: message.messageId ?? `UID ${message.uid}`, detail: firstLine(error) }, { cause: error }),
                );
              } else if (error instanceof PartGone) {
                await settleFailure(message, part, new AppError('mail_server_error', { detail: error.message }, { cause: error }));
              } else if (isConnectionLost(error) || !imap.usable) {
                throw commandError(error, account.host);
              } else {
                // Any other refusal for this part is the part's: listed once, never retried forever.
                await settleFailure(message, part, commandError(error, account.host));
              }
            } finally {
              timings.downloadMs += performance.now() - t;
            }
          }
        }

        // Import what was downloaded, message by message, and move the mark.
        const landedMessages: number[] = [];
        for (const message of batch) {
          for (const part of message.parts.filter((p) => p.state === 'downloaded')) {
            checkCancelled();
            report({ phase: 'importing', file: part.fileName });
            const t = performance.now();
            try {
              const result = await importAttachment(imports, {
                path: part.tempPath!,
                name: part.fileName,
                origin: 'mail',
                originDetail: {
                  account: account.name,
                  rule: rule.name,
                  folder: rule.folder,
                  sender: message.sender,
                  subject: message.subject,
                  date: message.date,
                  messageId: message.messageId,
                  messageKey: message.messageKey,
                  part: part.part,
                  uid: message.uid,
                  uidValidity,
                },
                options: { dataset: { kind: 'new', name: rule.dataset } },
                lastModified: message.dateMs,
                signal,
              });
              part.state = 'settled';
              part.landed = true;
              const outcome = result.duplicate ? 'duplicate' : 'imported';
              await insertItem(
                catalog,
                {
                  ruleId: rule.id,
                  messageKey: message.messageKey,
                  part: part.part,
                  folder: rule.folder,
                  uidValidity,
                  uid: message.uid,
                  fileName: part.fileName,
                  outcome,
                  sourceId: result.sourceId,
                  errorCode: null,
                  attempts: part.attempts + 1,
                },
                clock.now(),
              );
              listItem({
                ...itemOf(message, part),
                outcome: result.duplicate ? 'skipped' : 'imported',
                reason: result.duplicate ? 'duplicate_content' : null,
                dataset: result.dataset,
                datasetId: result.datasetId,
                rows: result.rows,
                sourceId: result.sourceId,
              });
            } catch (error) {
              if (signal.aborted) throw new AppError('cancelled', {}, { cause: error });
              const wire = toWireError(error);
              if (retryableImportErrors.has(wire.code) && part.attempts + 1 < importAttempts) {
                part.state = 'retry';
                part.attempts++;
                log.warn('attachment import will be retried', { rule: rule.name, uid: message.uid, part: part.part, code: wire.code, attempt: part.attempts });
                await insertItem(
                  catalog,
                  {
                    ruleId: rule.id,
                    messageKey: message.messageKey,
                    part: part.part,
                    folder: rule.folder,
                    uidValidity,
                    uid: message.uid,
                    fileName: part.fileName,
                    outcome: 'retry',
                    sourceId: null,
                    errorCode: wire.code,
                    attempts: part.attempts,
                  },
                  clock.now(),
                );
                listItem({ ...itemOf(message, part), outcome: 'failed', error: wire });
              } else {
                await settleFailure(message, part, error instanceof AppError ? error : new AppError(wire.code, wire.params, { cause: error }));
              }
            } finally {
              timings.importMs += performance.now() - t;
              if (part.tempPath) await removeTemp(part.tempPath);
              temporary.delete(part.tempPath ?? '');
              part.tempPath = null;
              report({ attachmentsDone: progress.attachmentsDone + 1 });
            }
          }
          if (message.parts.every((p) => p.state === 'settled' && p.landed)) landedMessages.push(message.uid);
          report({ messagesDone: progress.messagesDone + 1 });
          await advanceMark();
        }

        if (hasActions && landedMessages.length > 0) await afterImport(imap, landedMessages, matched);
      }
      await advanceMark();
    } finally {
      lock.release();
    }
  } catch (error) {
    if (signal.aborted || (error instanceof AppError && error.code === 'cancelled')) cancelled = true;
    else runError = error instanceof AppError ? error : commandError(error, account.host);
  } finally {
    for (const file of temporary) await removeTemp(file);
    if (client) {
      bytesFromServer = client.stats().received;
      await closeImap(client);
    }
  }

  const failed = items.filter((i) => i.outcome === 'failed');
  const summary: MailRunSummary = {
    runId,
    ruleId: rule.id,
    rule: rule.name,
    startedAt: isoOrNull(startedAt)!,
    finishedAt: isoOrNull(clock.now())!,
    outcome: cancelled ? 'cancelled' : runError ? 'failed' : failed.length || actionFailures.length ? 'partial' : 'ok',
    messagesExamined,
    messagesMatched,
    attachments: items.length,
    imported: items.filter((i) => i.outcome === 'imported').length,
    skipped: items.filter((i) => i.outcome === 'skipped').length,
    failed: failed.length,
    rows: items.reduce((sum, i) => sum + i.rows, 0),
    bytesFromServer,
    bytesDownloaded,
    uidValidityChanged,
    error: runError ? runError.toWire() : null,
    failures: failed.slice(0, 100),
    actionFailures: actionFailures.slice(0, 100),
  };
  await finishRun(catalog, summary);
  report({ phase: 'done', file: null });
  if (runError) log.warn('mail fetch failed', { rule: rule.name, code: runError.code });
  if (cancelled) throw new AppError('cancelled');
  return { ...summary, items, timings };

  async function settleFailure(message: PlannedMessage, part: PlannedPart, error: AppError) {
    part.state = 'settled';
    part.landed = false;
    await insertItem(
      catalog,
      {
        ruleId: rule.id,
        messageKey: message.messageKey,
        part: part.part,
        folder: rule.folder,
        uidValidity: message.uidValidity,
        uid: message.uid,
        fileName: part.fileName,
        outcome: 'failed',
        sourceId: null,
        errorCode: error.code,
        attempts: part.attempts + 1,
      },
      clock.now(),
    );
    listItem({ ...itemOf(message, part), outcome: 'failed', error: error.toWire() });
  }

  /** Mark as seen, then move: both only for messages whose every attachment landed. */
  async function afterImport(imap: ImapFlow, uids: number[], messages: PlannedMessage[]) {
    const messageIdOf = (uid: number) => messages.find((m) => m.uid === uid)?.messageId ?? null;
    const range = uids.join(',');
    const fail = (action: 'mark_seen' | 'move', error: unknown) => {
      const wire = new AppError('mail_action_failed', { action, detail: firstLine(error) }, { cause: error }).toWire();
      for (const uid of uids) actionFailures.push({ uid, messageId: messageIdOf(uid), action, error: wire });
    };
    if (rule.markSeen) {
      try {
        await imap.messageFlagsAdd(range, ['\\Seen'], { uid: true });
      } catch (error) {
        if (isConnectionLost(error)) throw commandError(error, account.host);
        fail('mark_seen', error);
      }
    }
    if (rule.moveTo) {
      try {
        const moved = await imap.messageMove(range, rule.moveTo, { uid: true });
        if (!moved) fail('move', new Error(`the server did not move the messages to “${rule.moveTo}”`));
      } catch (error) {
        if (isConnectionLost(error)) throw commandError(error, account.host);
        fail('move', error);
      }
    }
  }
}

function planMessage(message: FetchMessageObject, rule: RuleRecord, account: AccountRecord, uidValidity: string): PlannedMessage {
  const envelope = message.envelope;
  const from = envelope?.from?.[0] ?? null;
  const messageId = envelope?.messageId?.trim() || null;
  const date = isoOrNull(envelope?.date) ?? isoOrNull(message.internalDate);
  const planned: PlannedMessage = {
    uid: message.uid,
    uidValidity,
    // Without a Message-ID the message is known by where it is.
    messageKey: messageId ?? `uid:${uidValidity}:${message.uid}@${account.host}/${rule.folder}`,
    messageId,
    sender: formatSender(envelope?.from),
    senderAddress: from ? { address: from.address, name: from.name } : null,
    subject: envelope?.subject ?? null,
    date,
    dateMs: date ? Date.parse(date) : null,
    parts: [],
  };
  if (!senderMatches(planned.senderAddress, rule.senders) || !subjectMatches(planned.subject, rule.subjects)) return planned;
  planned.parts = candidateParts(message.bodyStructure)
    .map((candidate) => ({
      part: candidate.part,
      headerSection: candidate.headerSection,
      name: candidate.name,
      fileName: displayFileName(candidate.name),
      encoding: candidate.encoding,
      estimatedBytes: estimatedDecodedBytes(candidate.encoding, candidate.encodedSize),
      state: 'pending' as PartState,
      attempts: 0,
      tempPath: null,
      bytes: 0,
      landed: false,
    }))
    // A name still to be read from its header is matched once it is known.
    .filter((part) => nameNeedsHeader(part.name) || attachmentNameMatches(part.fileName, rule.attachmentPatterns));
  return planned;
}

/**
 * Streams one part to `target` (never the whole message, never in memory), with BINARY
 * where the server offers it so base64 is not sent at all. The text of a part is kept as
 * bytes: the loader detects its encoding.
 */
async function downloadPart(
  client: ImapFlow,
  uid: number,
  part: string,
  target: string,
  limitBytes: number,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<number> {
  const download = await client.download(String(uid), part, {
    uid: true,
    binary: true,
    decodeText: false,
    chunkSize: downloadChunkBytes,
    maxBytes: limitBytes + 1,
  });
  if (!download.content) throw new PartGone();
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      onBytes(bytes);
      callback(null, chunk);
    },
  });
  await pipeline(download.content, counter, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }), { signal });
  return bytes;
}

const megabytes = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 100) / 100;

function tooLarge(file: string, bytes: number, limitBytes: number): AppError {
  return new AppError('mail_attachment_too_large', { file, sizeMb: megabytes(bytes), limitMb: megabytes(limitBytes) });
}

async function removeTemp(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true });
}


/**
 * One attachment may be a zip of several logs: each member is a source of its own (and a
 * transaction of its own). The attachment counts as landed only when every member did;
 * members already committed are duplicates on a retry, so nothing lands twice.
 */
async function importAttachment(imports: ImportService, request: ImportFileRequest): Promise<ImportResult> {
  const outcomes = await imports.importSource(request);
  const failure = outcomes.find((o) => !o.ok);
  if (failure && !failure.ok) throw failure.error;
  const results = outcomes.flatMap((o) => (o.ok ? [o.result] : []));
  const first = results[0];
  if (!first) throw new AppError('archive_empty', { file: request.name ?? '' });
  return {
    ...first,
    rows: results.reduce((sum, r) => sum + r.rows, 0),
    duplicate: results.every((r) => r.duplicate),
  };
}
