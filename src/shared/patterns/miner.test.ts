import { describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { createMiner, type Miner, type MinerState } from './miner';

function textOf(miner: Miner, id: number): string | undefined {
  return miner.templates().find((template) => template.id === miner.mergedInto(id))?.text;
}

function countSum(miner: Miner): number {
  return miner.templates().reduce((sum, template) => sum + template.count, 0);
}

/** `count` lines of `make(i)`, so each event is frequent enough to be judged. */
function lines(count: number, make: (index: number) => string): string[] {
  return Array.from({ length: count }, (_, index) => make(index));
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

describe('createMiner', () => {
  it('When two lines differ only in a number, Then they share one template with a wildcard', () => {
    const miner = createMiner();
    const ids = miner.addBatch(['Found child 6725 in scoreboard slot 10', 'Found child 6726 in scoreboard slot 8']);
    expect(ids[0]).toBe(ids[1]);
    expect(textOf(miner, ids[0]!)).toBe('Found child <*> in scoreboard slot <*>');
  });

  it('When events share all but one word and each is frequent, Then they stay apart', () => {
    const miner = createMiner();
    const ids = miner.addBatch([
      ...lines(30, (i) => `Connection from 10.0.0.${i} closed`),
      ...lines(20, (i) => `Connection from 10.0.1.${i} opened`),
    ]);
    expect(ids[0]).not.toBe(ids[30]);
    expect(new Set(ids.slice(0, 30)).size).toBe(1);
    expect(new Set(ids.slice(30)).size).toBe(1);
    expect(textOf(miner, ids[0]!)).toBe('Connection from <*> closed');
    expect(textOf(miner, ids[30]!)).toBe('Connection from <*> opened');
  });

  it('When a word position takes many values within one event, Then it becomes a variable', () => {
    const miner = createMiner();
    const ids = miner.addBatch(lines(24, (i) => `session opened for user ${USERS[i % USERS.length]} by (uid=${i})`));
    expect(new Set(ids).size).toBe(1);
    expect(textOf(miner, ids[0]!)).toBe('session opened for user <*> by (uid=<*>)');
  });

  it('When a word position takes fewer values than variableMinDistinct, Then each value is its own event', () => {
    const miner = createMiner({ variableMinDistinct: 4 });
    const ids = miner.addBatch(lines(30, (i) => `state changed to ${['LEADING', 'FOLLOWING', 'LOOKING'][i % 3]} after ${i} ms`));
    expect(new Set(ids).size).toBe(3);
  });

  it('When messages differ in token count, Then they get different templates', () => {
    const miner = createMiner();
    const ids = miner.addBatch([
      ...lines(5, (i) => `Failed password for root from 10.0.0.${i} port 22 ssh2`),
      ...lines(5, (i) => `Failed password for invalid user guest from 10.0.0.${i} port 22 ssh2`),
    ]);
    expect(ids[0]).not.toBe(ids[5]);
    expect(new Set(ids.slice(0, 5)).size).toBe(1);
    expect(new Set(ids.slice(5)).size).toBe(1);
  });

  it('When a batch holds empty or missing messages, Then they get one template of their own', () => {
    const miner = createMiner();
    const ids = miner.addBatch(['', 'job 1 done', '   ', null as unknown as string, 'job 2 done']);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[0]).toBe(ids[3]);
    expect(ids[1]).toBe(ids[4]);
    expect(ids[0]).not.toBe(ids[1]);
    expect(countSum(miner)).toBe(5);
  });

  it('When a second batch repeats old events and brings new ones, Then old ids are kept and new ids are new', () => {
    const miner = createMiner();
    const batchA = [...lines(10, (i) => `Received block blk_${i} of size ${i * 100}`), ...lines(10, (i) => `Deleting block blk_${i} file /data/current/blk_${i}`)];
    const idsA = Array.from(miner.addBatch(batchA));
    const receivedId = idsA[0]!;
    const deletingId = idsA[10]!;
    const textsBefore = miner.templates().map((template) => template.text);

    const batchB = [...lines(5, (i) => `Deleting block blk_${i + 50} file /data/other/blk_${i}`), ...lines(5, (i) => `PacketResponder ${i} for block blk_${i} terminating`), 'Received block blk_77 of size 9'];
    const idsB = Array.from(miner.addBatch(batchB));

    expect(idsB.slice(0, 5)).toEqual([deletingId, deletingId, deletingId, deletingId, deletingId]);
    expect(idsB[10]).toBe(receivedId);
    const newId = idsB[5]!;
    expect(new Set(idsB.slice(5, 10))).toEqual(new Set([newId]));
    expect(newId).toBeGreaterThan(Math.max(...idsA));
    expect(miner.merges()).toEqual([]);
    expect(miner.templates().map((template) => template.text)).toEqual([...textsBefore, 'PacketResponder <*> for block blk_<*> terminating']);
    expect(countSum(miner)).toBe(batchA.length + batchB.length);
  });

  it('When a later batch shows that two old templates are one event, Then the younger is merged into the older and counts still sum', () => {
    const miner = createMiner({ variableMinDistinct: 4 });
    const idsA = miner.addBatch([...lines(6, () => 'user alice logged in from console'), ...lines(4, () => 'user bob logged in from console')]);
    const aliceId = idsA[0]!;
    const bobId = idsA[6]!;
    expect(aliceId).not.toBe(bobId);

    const idsB = miner.addBatch(lines(8, (i) => `user ${['carol', 'dave', 'erin', 'frank'][i % 4]} logged in from console`));

    expect(new Set(idsB)).toEqual(new Set([aliceId]));
    expect(miner.mergedInto(bobId)).toBe(aliceId);
    expect(miner.mergedInto(aliceId)).toBe(aliceId);
    expect(miner.merges()).toEqual([{ from: bobId, into: aliceId }]);
    expect(miner.templates()).toEqual([{ id: aliceId, tokens: ['user', '<*>', 'logged', 'in', 'from', 'console'], text: 'user <*> logged in from console', count: 18 }]);
  });

  it('When values of a word position arrive a few per batch, Then they become a variable once enough are seen', () => {
    const miner = createMiner({ variableMinDistinct: 4 });
    const first = miner.addBatch(lines(9, (i) => `disk quota exceeded for ${['alice', 'bob', 'carol'][i % 3]} on volume 7`));
    expect(new Set(first).size).toBe(3);

    const second = miner.addBatch(['disk quota exceeded for dave on volume 9']);

    expect(second[0]).toBe(first[0]);
    expect(new Set(Array.from(first, (id) => miner.mergedInto(id)))).toEqual(new Set([first[0]]));
    expect(miner.templates().map((template) => template.text)).toEqual(['disk quota exceeded for <*> on volume <*>']);
    expect(countSum(miner)).toBe(10);
  });

  it('When events differ only in their leading word, Then they stay apart within a batch too', () => {
    const miner = createMiner({ variableMinDistinct: 4 });
    const ids = miner.addBatch(['tickTime set to 2000', 'maxSessionTimeout set to 40000', 'minSessionTimeout set to 4000', 'purgeInterval set to 0', 'Snapshotting: 0x1 to /var/snap/1']);
    expect(new Set(ids).size).toBe(5);
  });

  it('When widening a template makes another one its instance, Then the younger is merged into the older', () => {
    const state: MinerState = {
      version: 1,
      options: { depth: 4, similarity: 0.5, maxChildren: 100, variableMinDistinct: 4 },
      nextId: 3,
      templates: [
        { id: 1, tokens: ['copy', 'file', '<*>', 'done'], count: 5 },
        { id: 2, tokens: ['copy', 'dir', 'tmp', 'done'], count: 3 },
      ],
      merges: [],
    };
    const miner = createMiner(undefined, state);
    const ids = miner.addBatch(['copy 1 logs done', 'copy 2 logs done']);
    expect(Array.from(ids)).toEqual([1, 1]);
    expect(miner.mergedInto(2)).toBe(1);
    expect(miner.templates()).toEqual([{ id: 1, tokens: ['copy', '<*>', '<*>', 'done'], text: 'copy <*> <*> done', count: 10 }]);
  });

  it('When leading words differ across batches, Then the events stay apart', () => {
    const miner = createMiner({ variableMinDistinct: 4 });
    const keys = ['tickTime', 'maxSessionTimeout', 'minSessionTimeout', 'purgeInterval', 'snapRetainCount'];
    const ids = keys.map((key, index) => miner.addBatch([`${key} set to ${index}`])[0]!);
    expect(new Set(ids).size).toBe(keys.length);
    expect(miner.merges()).toEqual([]);
  });

  it('When the state goes through JSON into a new miner, Then mining continues exactly as in the original', () => {
    const original = createMiner({ variableMinDistinct: 4 });
    original.addBatch([...lines(6, (i) => `worker ${i} started job ${i * 7}`), ...lines(3, (i) => `user ${USERS[i]} logged in`)]);
    const restored = createMiner(undefined, JSON.parse(JSON.stringify(original.state())) as MinerState);
    expect(restored.templates()).toEqual(original.templates());

    const next = [...lines(4, (i) => `worker ${i} started job 1`), ...lines(5, (i) => `user ${USERS[i + 1]} logged in`), 'cache flushed in 5 ms'];
    expect(Array.from(restored.addBatch(next))).toEqual(Array.from(original.addBatch(next)));
    expect(restored.templates()).toEqual(original.templates());
    expect(restored.merges()).toEqual(original.merges());
    expect(restored.state()).toEqual(original.state());
  });

  it('When options are given with a state, Then the given options override the stored ones', () => {
    const state = createMiner({ similarity: 0.7 }).state();
    expect(createMiner(undefined, state).state().options.similarity).toBe(0.7);
    expect(createMiner({ similarity: 0.6 }, state).state().options.similarity).toBe(0.6);
  });

  it('When the state or the options are malformed, Then it refuses with invalid_input', () => {
    const broken = { version: 1, options: {}, nextId: 1, templates: [{ id: 5, tokens: ['x'], count: 1 }], merges: [] } as unknown as MinerState;
    expect(() => createMiner(undefined, broken)).toThrow(AppError);
    expect(() => createMiner(undefined, { version: 2 } as unknown as MinerState)).toThrow(AppError);
    expect(() => createMiner({ similarity: 2 })).toThrow(AppError);
    expect(() => createMiner({ depth: 2 })).toThrow(AppError);
  });

  it('When many batches are mined, Then every line has one id and the counts sum to the lines', () => {
    const miner = createMiner();
    let total = 0;
    const assigned: number[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const messages = lines(50, (i) => [`GET /api/item/${i} 200 ${batch}ms`, `user ${USERS[(i + batch) % 6]} logged out`, `cache miss for key k${i}`, `retry ${i} of 5 for job ${batch}`][i % 4]!);
      const ids = miner.addBatch(messages);
      expect(ids).toHaveLength(messages.length);
      for (const id of ids) expect(id).toBeGreaterThan(0);
      assigned.push(...ids);
      total += messages.length;
      expect(countSum(miner)).toBe(total);
    }
    // After applying the merges, the ids in use are exactly the surviving templates.
    const survivingIds = new Set(miner.templates().map((template) => template.id));
    expect(new Set(assigned.map((id) => miner.mergedInto(id)))).toEqual(survivingIds);
    expect(miner.templates().map((template) => template.text)).toContain('user <*> logged out');
    expect(miner.templates().filter((template) => template.text.startsWith('user '))).toHaveLength(1);
  });
});
