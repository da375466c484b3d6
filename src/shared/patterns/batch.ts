import type { Miner, TemplateMerge } from './miner';

/**
 * What one mined batch gives the pattern service: everything it writes in the batch's
 * transaction, computed where the miner lives (a worker thread in the app), so that only
 * this small result crosses back to the thread that talks to DuckDB.
 */
export interface MinedBatch {
  /** The surviving template id of each message, in the batch's order. */
  patternIds: Int32Array;
  /** Messages per template in this batch, with the index of the first as its example. */
  counts: { id: number; count: number; exampleIndex: number }[];
  /** Every merge so far, `into` resolved to a surviving id. */
  merges: TemplateMerge[];
  /** The text of each template this batch touched: counted ones and merge survivors. */
  texts: [id: number, text: string][];
  /** The miner's state after the batch, as stored beside the rows (`MinerState` JSON). */
  state: string;
}

export function mineBatch(miner: Miner, messages: readonly string[]): MinedBatch {
  const assigned = miner.addBatch(messages);
  const patternIds = new Int32Array(messages.length);
  const counts = new Map<number, { id: number; count: number; exampleIndex: number }>();
  for (let index = 0; index < messages.length; index++) {
    const id = miner.mergedInto(assigned[index]!);
    patternIds[index] = id;
    const entry = counts.get(id);
    if (entry) entry.count++;
    else counts.set(id, { id, count: 1, exampleIndex: index });
  }
  const merges = miner.merges();
  const touched = new Set([...counts.keys(), ...merges.map((m) => m.into)]);
  const texts: [number, string][] = miner
    .templates()
    .filter((t) => touched.has(t.id))
    .map((t) => [t.id, t.text]);
  return { patternIds, counts: [...counts.values()], merges, texts, state: JSON.stringify(miner.state()) };
}
