import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../events';
import { createOpenedFilesService, openedFilesOf } from './openedFiles';

describe('files the operating system opens with the app', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-opened-'));
  fs.writeFileSync(path.join(dir, 'access.log'), 'x'.repeat(12));
  fs.mkdirSync(path.join(dir, 'logs'));

  it('takes the existing files among launch arguments, relative to the launch folder, past flags and folders', () => {
    const args = ['--data-dir', 'access.log', '--allow-file-access-from-files', '.', 'logs', 'access.log', 'missing.csv', path.join(dir, 'access.log')];
    // `--data-dir access.log` is our flag with its value; the second `access.log` is a file.
    expect(openedFilesOf(args, dir)).toEqual([
      { path: path.join(dir, 'access.log'), name: 'access.log', size: 12 },
      { path: path.join(dir, 'access.log'), name: 'access.log', size: 12 },
    ]);
  });

  it('hands each file to the window once, and says when more wait', () => {
    const events = createEventBus();
    const said: number[] = [];
    events.on('app.filesOpened', ({ count }) => said.push(count));
    const opened = createOpenedFilesService({ events });
    const file = { path: '/var/log/a.log', name: 'a.log', size: 1 };
    opened.push([file]);
    opened.push([file, { ...file, path: '/var/log/b.log', name: 'b.log' }]);
    opened.push([]);
    expect(said).toEqual([1, 2]);
    expect(opened.take().map((f) => f.name)).toEqual(['a.log', 'b.log']);
    expect(opened.take()).toEqual([]);
  });
});
