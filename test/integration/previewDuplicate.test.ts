import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { openOwnedCore, tempDataDir } from './support/dataDir';

const dataDir = tempDataDir('logscope-preview-duplicate-');
let core: AppCore;
let api: Api;

beforeAll(async () => {
  core = await openOwnedCore(dataDir);
  api = createLocalApi(core.rpc, core.events);
});
afterAll(async () => core?.dispose());

const text = ['시각,상태,메시지', '2024-03-01 09:00:00,완료,주문 접수', '2024-03-01 09:05:00,취소,결제 실패', '2024-03-01 10:00:00,완료,배송 시작', ''].join('\n');
const write = (name: string, content: Buffer) => {
  const file = path.join(dataDir, name);
  fs.writeFileSync(file, content);
  return file;
};
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

async function preview(ref: Record<string, unknown>) {
  const [item] = await api.call('import.preview', { files: [ref as never] });
  if (!item?.ok) throw new Error(`preview failed: ${JSON.stringify(item)}`);
  return item.preview;
}

async function run(file: string) {
  const [item] = await api.call('import.run', { jobId: 'dup', files: [{ file: { path: file }, options: {} }], origin: 'command' });
  if (!item?.ok) throw new Error(`import failed: ${JSON.stringify(item)}`);
  return item.result;
}

describe('the preview and the import agree on duplicates', () => {
  it('When a UTF-16 file holds the text of an imported UTF-8 file, Then the preview names that dataset and the import adds nothing', async () => {
    const first = await run(write('orders_utf8.csv', Buffer.from(text, 'utf8')));
    expect(first).toMatchObject({ duplicate: false, dataset: 'orders_utf8', rows: 3 });

    const wide = write('orders_wide.csv', utf16le(text));
    const shown = await preview({ path: wide });
    expect(shown.encoding).toBe('utf-16le');
    expect(shown.maybeDuplicateOf).toEqual({ sourceId: first.sourceId, dataset: 'orders_utf8', by: 'content' });
    // Browser mode sends the first bytes only; for a small file they are the whole file.
    const bytes = fs.readFileSync(wide);
    const uploaded = await preview({ name: 'orders_wide.csv', size: bytes.length, lastModified: null, headBase64: bytes.toString('base64') });
    expect(uploaded.maybeDuplicateOf).toEqual({ sourceId: first.sourceId, dataset: 'orders_utf8', by: 'content' });

    expect(await run(wide)).toMatchObject({ duplicate: true, dataset: 'orders_utf8' });
  });

  it('When a file has an imported file’s name and size but other text, Then neither calls it a duplicate', async () => {
    const original = Buffer.from(text, 'utf8');
    const changed = Buffer.from(text.replace('결제 실패', '결제 성공'), 'utf8');
    expect(changed.length).toBe(original.length);
    fs.mkdirSync(path.join(dataDir, 'later'));
    const file = path.join(dataDir, 'later', 'orders_utf8.csv');
    fs.writeFileSync(file, changed);
    expect((await preview({ path: file })).maybeDuplicateOf).toBeNull();
    expect(await run(file)).toMatchObject({ duplicate: false, rows: 3 });
  });
});
