import { describe, expect, it } from 'vitest';
import type { MessageStructureObject } from 'imapflow';
import { candidateParts, estimatedDecodedBytes } from './structure';

describe('candidateParts', () => {
  it('When a message has a body, named attachments and an attached message, Then only named leaves are candidates, with their header sections', () => {
    const structure: MessageStructureObject = {
      type: 'multipart/mixed',
      childNodes: [
        { part: '1', type: 'text/plain', parameters: { charset: 'utf-8' }, size: 10 },
        { part: '2', type: 'text/csv', encoding: 'base64', size: 780, disposition: 'attachment', dispositionParameters: { filename: '로그.csv' } },
        // Inline with a name counts too: mailers mark logs either way.
        { part: '3', type: 'text/plain', encoding: 'quoted-printable', size: 50, disposition: 'inline', parameters: { name: 'app.log' } },
        { part: '4', type: 'image/png', encoding: 'base64', size: 10, disposition: 'inline' },
        {
          part: '5',
          type: 'message/rfc822',
          childNodes: [{ type: 'multipart/mixed', childNodes: [{ part: '5.2', type: 'application/gzip', encoding: 'base64', size: 40, dispositionParameters: { filename: 'x.gz' } }] }],
        },
      ],
    };
    expect(candidateParts(structure).map((p) => [p.part, p.headerSection, p.name, p.encoding])).toEqual([
      ['2', '2.MIME', '로그.csv', 'base64'],
      ['3', '3.MIME', 'app.log', 'quoted-printable'],
      ['5.2', '5.2.MIME', 'x.gz', 'base64'],
    ]);
  });

  it('When the whole message is the attachment, Then part 1 is taken with the message header', () => {
    const single: MessageStructureObject = { type: 'text/csv', encoding: 'base64', size: 100, disposition: 'attachment', dispositionParameters: { filename: 'a.csv' } };
    expect(candidateParts(single)).toMatchObject([{ part: '1', headerSection: 'HEADER', name: 'a.csv' }]);
    expect(candidateParts(undefined)).toEqual([]);
  });

  it('When a part is base64, Then its decoded size is about three quarters of its lines', () => {
    const decoded = 200 * 1024;
    const encoded = Math.ceil(decoded / 3) * 4;
    const withBreaks = encoded + Math.ceil(encoded / 76) * 2;
    expect(Math.abs(estimatedDecodedBytes('base64', withBreaks) - decoded)).toBeLessThan(decoded * 0.01);
    expect(estimatedDecodedBytes('7bit', 1234)).toBe(1234);
  });
});
