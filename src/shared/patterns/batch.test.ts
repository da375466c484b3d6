import { describe, expect, it } from 'vitest';
import { mineBatch } from './batch';
import { createMiner } from './miner';

describe('mineBatch', () => {
  it('gives each message its surviving template, counts per template with the first message as example, and the state', () => {
    const miner = createMiner();
    const messages = ['session 11 opened in 5 ms', 'disk full on /dev/sda1', 'session 12 opened in 7 ms', 'session 13 opened in 3 ms'];
    const batch = mineBatch(miner, messages);
    expect(batch.patternIds).toHaveLength(4);
    expect(batch.patternIds[0]).toBe(batch.patternIds[2]);
    expect(batch.patternIds[1]).not.toBe(batch.patternIds[0]);
    const session = batch.counts.find((c) => c.id === batch.patternIds[0]);
    expect(session).toEqual({ id: batch.patternIds[0], count: 3, exampleIndex: 0 });
    expect(batch.counts.reduce((sum, c) => sum + c.count, 0)).toBe(4);
    expect(new Map(batch.texts).get(batch.patternIds[1]!)).toBe('disk full on <*>');
    expect(JSON.parse(batch.state)).toEqual(miner.state());
  });
});
