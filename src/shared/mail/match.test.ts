import { describe, expect, it } from 'vitest';
import { attachmentNameMatches, displayFileName, globToRegExp, normalizeFingerprint, senderMatches, subjectMatches } from './match';

describe('attachment name patterns', () => {
  it('When patterns use * and ?, Then they match whole decoded names without regard to case', () => {
    expect(attachmentNameMatches('access-2024-03-01.CSV', ['*.csv'])).toBe(true);
    expect(attachmentNameMatches('로그.csv', ['*.csv'])).toBe(true);
    expect(attachmentNameMatches('app.log.gz', ['*.log'])).toBe(false);
    expect(attachmentNameMatches('app.log.gz', ['*.log', '*.gz'])).toBe(true);
    expect(attachmentNameMatches('app1.log', ['app?.log'])).toBe(true);
    expect(attachmentNameMatches('app12.log', ['app?.log'])).toBe(false);
  });

  it('When a pattern holds regular-expression characters, Then they are literal', () => {
    expect(globToRegExp('a+b(1).csv').test('a+b(1).csv')).toBe(true);
    expect(globToRegExp('a+b(1).csv').test('aab1.csv')).toBe(false);
    expect(attachmentNameMatches('report.csv', ['report.cs.'])).toBe(false);
  });
});

describe('sender and subject filters', () => {
  const sender = { address: 'Logs@Server01.example.com', name: '웹 서버' };

  it('When no filter is set, Then every message matches', () => {
    expect(senderMatches(sender, [])).toBe(true);
    expect(subjectMatches(undefined, [])).toBe(true);
  });

  it('When a sender filter is part of the address or name, Then it matches, in any case', () => {
    expect(senderMatches(sender, ['server01.example.com'])).toBe(true);
    expect(senderMatches(sender, ['웹'])).toBe(true);
    expect(senderMatches(sender, ['*@server0?.example.com'])).toBe(true);
    expect(senderMatches(sender, ['other.example.com'])).toBe(false);
    expect(senderMatches(null, ['x'])).toBe(false);
  });

  it('When a subject filter is a word or a wildcard, Then it matches within the subject', () => {
    expect(subjectMatches('[nightly] Access log 2024-03-01', ['access log'])).toBe(true);
    expect(subjectMatches('[nightly] Access log 2024-03-01', ['log 2024-??-01'])).toBe(true);
    expect(subjectMatches('일일 로그 보고', ['로그'])).toBe(true);
    expect(subjectMatches('weekly report', ['access'])).toBe(false);
  });
});

describe('displayFileName', () => {
  it('When a name carries a path, control characters or nothing, Then only a harmless base name is left', () => {
    expect(displayFileName('../../etc/passwd')).toBe('passwd');
    expect(displayFileName('C:\\Windows\\win.ini')).toBe('win.ini');
    expect(displayFileName('a\u0000b\r\n.csv')).toBe('ab.csv');
    expect(displayFileName('..')).toBe('attachment');
    expect(displayFileName('')).toBe('attachment');
    expect(displayFileName(undefined)).toBe('attachment');
    expect(displayFileName('서버 로그.csv')).toBe('서버 로그.csv');
  });
});

describe('normalizeFingerprint', () => {
  it('When a fingerprint is written with spaces, lower case or no colons, Then it becomes AA:BB:…', () => {
    const canonical = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');
    expect(normalizeFingerprint(canonical.toLowerCase())).toBe(canonical);
    expect(normalizeFingerprint(canonical.replaceAll(':', ''))).toBe(canonical);
    expect(normalizeFingerprint(`SHA256: ${canonical.replaceAll(':', ' ')}`)).toBe(canonical);
    expect(normalizeFingerprint('AB:CD')).toBeNull();
  });
});
