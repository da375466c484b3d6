import { describe, expect, it } from 'vitest';
import { csvField, csvLine, displayWidth, textTable } from './output';

describe('csv output', () => {
  it('quotes commas, quotes and line breaks only', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvLine([1, 'x', true])).toBe('1,x,true\r\n');
  });
});

describe('text table', () => {
  it('aligns Korean text by display width', () => {
    expect(displayWidth('로그')).toBe(4);
    const table = textTable([{ name: 'name', type: 'VARCHAR' }, { name: 'n', type: 'INTEGER' }], [['로그', 1], ['ab', 22]]);
    const [header, , first, second] = table.split('\n');
    expect(header).toBe('name  n');
    expect(first).toBe('로그  1');
    expect(second).toBe('ab    22');
  });
});
