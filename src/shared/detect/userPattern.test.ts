import { describe, expect, it } from 'vitest';
import { displayPattern, parseUserPattern } from './userPattern';

describe('parseUserPattern', () => {
  it('takes JavaScript and Python named groups, and stops other groups from capturing', () => {
    const parsed = parseUserPattern('^(?<time>\\S+) (?P<level>[A-Z]+) (x|y) \\((?<msg>.*)\\)$');
    expect(parsed).toEqual({ ok: true, regex: { source: '(^(\\S+) ([A-Z]+) (?:x|y) \\((.*)\\)$)', groups: ['_m', 'time', 'level', 'msg'] } });
  });

  it('keeps parentheses inside character classes and escapes as they are', () => {
    const parsed = parseUserPattern('(?<a>[()\\]]+)(?<b>\\(.)');
    expect(parsed.ok && parsed.regex).toEqual({ source: '(([()\\]]+)(\\(.))', groups: ['_m', 'a', 'b'] });
  });

  it('accepts Korean group names', () => {
    const parsed = parseUserPattern('(?<시간>\\d+) (?<메시지>.*)');
    expect(parsed.ok && parsed.regex.groups).toEqual(['_m', '시간', '메시지']);
  });

  it.each([
    ['no named group', '\\d+ (.*)', 'no_named_group'],
    ['a look-ahead', '(?<a>\\d+)(?=x)', 'unsupported'],
    ['a back-reference', '(?<a>\\w)\\1', 'unsupported'],
    ['a syntax error', '(?<a>[', 'syntax'],
    ['a pattern that matches empty text', '(?<a>x*)', 'matches_empty'],
    ['a name used twice', '(?<a>x)(?<A>y)', 'duplicate_name'],
  ])('refuses %s with a reason', (_, pattern, reason) => {
    const parsed = parseUserPattern(pattern);
    expect(parsed.ok ? null : parsed.problem.reason).toBe(reason);
  });
});

describe('displayPattern', () => {
  it('writes a grouped regex back with named groups, for the preview', () => {
    expect(displayPattern({ source: '^((\\d+) \\[([^\\]]*)\\] (.*))', groups: ['_m', 'pid', 'thread', 'message'] })).toBe('^(?:(?<pid>\\d+) \\[(?<thread>[^\\]]*)\\] (?<message>.*))');
  });
});
