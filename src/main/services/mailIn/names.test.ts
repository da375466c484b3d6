import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, fileNameFromMimeHeader, headerParameters, nameNeedsHeader } from './names';

const eucKr = (text: string) => iconv.encode(text, 'euc-kr');
const percent = (bytes: Buffer) => [...bytes].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');

describe('attachment names', () => {
  it('When a name is an RFC 2047 word in EUC-KR (B) or UTF-8 (Q), Then it decodes to Korean', () => {
    expect(decodeEncodedWords(`=?EUC-KR?B?${eucKr('서버로그.csv').toString('base64')}?=`)).toBe('서버로그.csv');
    expect(decodeEncodedWords('=?utf-8?Q?=EB=A1=9C=EA=B7=B8_1.csv?=')).toBe('로그 1.csv');
    // Two adjacent words join without the blank between them.
    const [a, b] = ['접속', '로그.csv'].map((s) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`);
    expect(decodeEncodedWords(`${a} ${b}`)).toBe('접속로그.csv');
  });

  it('When a name uses RFC 2231 with a charset and continuations, Then the pieces join and decode', () => {
    const header = Buffer.from(`attachment;\r\n filename*0*=euc-kr''${percent(eucKr('일일'))};\r\n filename*1*=${percent(eucKr('로그'))}.csv`);
    expect(headerParameters(header).get('filename')).toBe('일일로그.csv');
    expect(headerParameters(Buffer.from(`attachment; filename*=UTF-8''%EB%A1%9C%EA%B7%B8.csv`)).get('filename')).toBe('로그.csv');
  });

  it('When a name is raw 8-bit EUC-KR with no encoding, Then it is read as CP949; raw UTF-8 stays UTF-8', () => {
    const raw = Buffer.concat([Buffer.from('Content-Type: text/csv\r\nContent-Disposition: attachment; filename="'), eucKr('서버로그.csv'), Buffer.from('"\r\n\r\n')]);
    expect(fileNameFromMimeHeader(raw)).toBe('서버로그.csv');
    const utf8 = Buffer.from('Content-Type: text/csv; name="접속.csv"\r\n\r\n');
    expect(fileNameFromMimeHeader(utf8)).toBe('접속.csv');
  });

  it('When BODYSTRUCTURE lost the bytes of a name, Then the part header is asked for', () => {
    expect(nameNeedsHeader('\uFFFD\uFFFD.csv')).toBe(true);
    expect(nameNeedsHeader('=?x-unknown?B?AAAA?=')).toBe(true);
    expect(nameNeedsHeader('로그.csv')).toBe(false);
    expect(nameNeedsHeader(undefined)).toBe(false);
  });
});
