import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../shared/api/errors';
import type { MinedBatch } from '../../../shared/patterns/batch';
import { createMinerSlot, type MinerReply, type MinerRequest } from './minerHost';

/** The miner's thread (see `createWorkerMinerHost`): one request at a time, in order. */
const port = parentPort;
if (!port) throw new Error('minerWorker runs only as a worker thread');
const slot = createMinerSlot();
port.on('message', (request: MinerRequest) => {
  let reply: MinerReply;
  try {
    const value = request.kind === 'reset' ? slot.reset(request.options, request.state) : slot.mine(request.messages);
    reply = { id: request.id, ok: true, value };
  } catch (error) {
    reply = { id: request.id, ok: false, error: toWireError(error) };
  }
  // The pattern ids move rather than copy.
  const transfer = reply.ok && 'patternIds' in reply.value ? [(reply.value as MinedBatch).patternIds.buffer as ArrayBuffer] : [];
  port.postMessage(reply, transfer);
});
