import { describe, expect, it } from 'vitest';
import { fieldCounts, guessDelimiter } from './delimiter';

describe('guessDelimiter', () => {
  it('finds commas, tabs, semicolons and pipes', () => {
    expect(guessDelimiter('a,b,c\n1,2,3\n4,5,6\n')?.delimiter).toBe(',');
    expect(guessDelimiter('a\tb\n1\t2\n')?.delimiter).toBe('\t');
    expect(guessDelimiter('a;b;c\n1;2,5;3\n')?.delimiter).toBe(';');
    expect(guessDelimiter('a|b\n1|2\n')?.delimiter).toBe('|');
  });

  it('is not thrown off by one malformed line', () => {
    const text = 'time,code,name\n2024-01-01,1,a\n\n2024-01-01,2\n2024-01-01,3,c,extra\n2024-01-01,4,d\n2024-01-01,5,e\n';
    expect(guessDelimiter(text)).toMatchObject({ delimiter: ',', fields: 3 });
  });

  it('ignores delimiters inside quoted fields, also across lines', () => {
    expect(fieldCounts('a,b\n"x,y\nz",2\n', ',')).toEqual([2, 2]);
    expect(guessDelimiter('name;note\n"a;b";"c"\n"d";"e;\nf"\n')?.delimiter).toBe(';');
  });

  it('says null for lines that no candidate splits (a plain log)', () => {
    expect(guessDelimiter('Jun 14 15:16:01 combo sshd[1]: session opened\nJun 14 15:16:02 combo cron[2]: started\n')).toBeNull();
  });
});
