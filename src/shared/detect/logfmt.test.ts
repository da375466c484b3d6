import { describe, expect, it } from 'vitest';
import { chooseFormat } from './formats';
import { detectLogfmt, logfmtValueRegex, splitLogfmtLine, unquoteLogfmt } from './logfmt';

const goLines = [
  'time=2024-03-04T09:15:02Z level=info msg="server started" port=8080',
  'time=2024-03-04T09:15:03Z level=warn msg="slow \\"db\\" query" port=8080 took=2.5',
  'time=2024-03-04T09:15:04Z level=error msg=failed port=8081 user=alice',
];
const herokuLines = [
  '2014-01-01T00:00:00.123456+00:00 heroku[router]: at=info method=GET path="/" status=200 bytes=13 service=18ms',
  '2014-01-01T00:00:01.123456+00:00 heroku[router]: at=warning method=POST path="/login" status=503 bytes=0 service=30001ms',
  '2014-01-01T00:00:02.123456+00:00 heroku[router]: at=info method=GET path="/a b" status=404 bytes=9 service=2ms',
];

describe('splitLogfmtLine', () => {
  it('reads bare and quoted values, escapes and all', () => {
    expect(splitLogfmtLine(goLines[1]!)).toEqual({
      head: '',
      pairs: [['time', '2024-03-04T09:15:03Z'], ['level', 'warn'], ['msg', 'slow "db" query'], ['port', '8080'], ['took', '2.5']],
    });
  });
  it('splits a head off at the last space before the first key', () => {
    expect(splitLogfmtLine(herokuLines[0]!)?.head).toBe('2014-01-01T00:00:00.123456+00:00 heroku[router]:');
  });
  it('refuses text that is not pairs, and a quote that does not close', () => {
    expect(splitLogfmtLine('just some words')).toBeNull();
    expect(splitLogfmtLine('a=1 b="open')).toBeNull();
  });
  it('unquotes only quoted values, reading \\\\ before the escape after it', () => {
    expect(unquoteLogfmt('"a \\\\n b \\n c"')).toBe('a \\n b \n c');
    expect(unquoteLogfmt('C:\\temp')).toBe('C:\\temp');
  });
  it('finds a key only where a pair starts, never inside an earlier quoted value', () => {
    const match = new RegExp(logfmtValueRegex('port')).exec('msg="port=1 x" port=2');
    expect(match?.[1]).toBe('2');
  });
});

describe('detectLogfmt', () => {
  it('types the keys most lines have, and takes the time, level and message keys', () => {
    const detected = detectLogfmt([...goLines, 'not logfmt at all'])!;
    expect(detected.share).toBe(0.75);
    expect(detected.layout.keys).toEqual([
      { key: 'time', column: 'time', kind: 'time', style: 'iso' },
      { key: 'level', column: 'level', kind: 'level' },
      { key: 'msg', column: 'message', kind: 'message' },
      { key: 'port', column: 'port', kind: 'integer' },
    ]);
    expect(detected.layout).toMatchObject({ headTime: null, headLevel: false, hasHeader: false, otherPairs: 'other_pairs' });
  });
  it('reads the time from a head and the level from a key whose values are level words', () => {
    const { layout } = detectLogfmt(herokuLines)!;
    expect(layout).toMatchObject({ headTime: 'iso', hasHeader: true });
    expect(layout.keys.map((k) => [k.key, k.column, k.kind])).toEqual([
      ['at', 'level', 'level'],
      ['method', 'method', 'text'],
      ['path', 'path', 'text'],
      ['status', 'status', 'integer'],
      ['bytes', 'bytes', 'integer'],
      ['service', 'service', 'text'],
    ]);
    const groups = new RegExp(layout.regex.source).exec(herokuLines[0]!)!;
    expect(groups[layout.regex.groups.indexOf('head_time') + 1]).toBe('2014-01-01T00:00:00.123456+00:00');
    expect(groups[layout.regex.groups.indexOf('header') + 1]).toBe('heroku[router]:');
  });
  it('is not logfmt when pairs are the lesser part of the lines', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `2024-03-04 09:15:0${i} INFO Connection from client closed after idle timeout id=${i}`);
    expect(detectLogfmt(lines)).toBeNull();
    expect(detectLogfmt(lines, 0)).toBeNull();
    expect(chooseFormat(lines.join('\n')).guess.format).toBe('log');
  });
  it('is offered as a reading when some lines are pairs, and chosen at half', () => {
    const lines = [...goLines, 'plain words one', 'plain words two', 'plain words three', 'plain words four'];
    expect(detectLogfmt(lines)).toBeNull();
    const { guess, candidates } = chooseFormat(lines.join('\n'));
    expect(guess.format).not.toBe('logfmt');
    expect(candidates.find((c) => c.guess.format === 'logfmt')?.fits).toBeCloseTo(3 / 7);
  });
  it('is chosen over the log grammar when half the lines are pairs', () => {
    expect(chooseFormat([...goLines, 'not logfmt at all'].join('\n')).guess.format).toBe('logfmt');
    expect(chooseFormat(herokuLines.join('\n')).guess.format).toBe('logfmt');
  });
});
