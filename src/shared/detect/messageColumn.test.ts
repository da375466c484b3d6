import { describe, expect, it } from 'vitest';
import { chooseMessageColumn, isTextType, normalizeColumnName } from './messageColumn';

const text = (name: string, averageLength: number | null = 30, spaceShare: number | null = 1) => ({ name, type: 'VARCHAR', averageLength, spaceShare });

describe('chooseMessageColumn', () => {
  it('takes the column named message over longer text columns', () => {
    expect(chooseMessageColumn([text('user_agent', 120), text('message', 25), text('path', 40, 0)])).toBe('message');
  });

  it('prefers message to other message-like names, in any letter case or punctuation', () => {
    expect(chooseMessageColumn([text('Content'), text('log'), text('MSG')])).toBe('MSG');
    expect(chooseMessageColumn([text('log'), text('Message')])).toBe('Message');
    expect(chooseMessageColumn([text('Log Message'), text('text')])).toBe('Log Message');
  });

  it('knows Korean headers', () => {
    expect(chooseMessageColumn([text('시간', 19, 1), text('메시지'), text('사용자', 5, 0)])).toBe('메시지');
    expect(chooseMessageColumn([text('내용'), text('비고', 80)])).toBe('내용');
  });

  it('takes a name ending in message after the exact names', () => {
    expect(chooseMessageColumn([text('error_message', 80), text('level', 5, 0)])).toBe('error_message');
    expect(chooseMessageColumn([text('error_message', 80), text('content', 10)])).toBe('content');
  });

  it('falls back to the longest free-text column', () => {
    expect(chooseMessageColumn([text('column0', 90), text('host', 12, 0), text('note', 40)])).toBe('column0');
    expect(chooseMessageColumn([text('id', 36, 0), text('comment', 20, 0.9)])).toBe('comment');
  });

  it('takes the longest text when no column holds free text', () => {
    expect(chooseMessageColumn([text('a', 5, 0), text('b', 36, 0)])).toBe('b');
  });

  it('never takes Logscope columns, the time column, JSON or numbers', () => {
    expect(chooseMessageColumn([text('_ls_line', 99), { name: 'message', type: 'BIGINT' }, { name: 'body', type: 'JSON', averageLength: 200, spaceShare: 1 }])).toBeNull();
    expect(chooseMessageColumn([text('when', 30), text('what', 10)], { timeColumn: 'when' })).toBe('what');
  });

  it('returns null when nothing was sampled and no name fits', () => {
    expect(chooseMessageColumn([text('a', null, null)])).toBeNull();
    expect(chooseMessageColumn([])).toBeNull();
  });
});

describe('helpers', () => {
  it('normalises names', () => {
    expect(normalizeColumnName(' Log.Message ')).toBe('log_message');
    expect(normalizeColumnName('로그 메시지')).toBe('로그_메시지');
  });

  it('knows text types', () => {
    expect(isTextType('VARCHAR')).toBe(true);
    expect(isTextType('JSON')).toBe(false);
    expect(isTextType('STRUCT(a VARCHAR)')).toBe(false);
  });
});
