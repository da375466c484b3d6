import { describe, expect, it } from 'vitest';
import { runtimeTimeZoneChoices, timeZoneChoices } from './zones';

describe('timeZoneChoices', () => {
  it('offers the computer zone first, then UTC, even when the runtime lists neither', () => {
    const choices = timeZoneChoices('Asia/Seoul', ['Africa/Abidjan', 'Asia/Seoul', 'Europe/Berlin']);
    expect(choices.slice(0, 2)).toEqual(['Asia/Seoul', 'UTC']);
    expect(choices.filter((z) => z === 'Asia/Seoul')).toHaveLength(1);
    expect(choices).toContain('Europe/Berlin');
  });

  it('offers every whole-hour fixed offset, each one a zone the runtime can format', () => {
    const etc = timeZoneChoices('UTC', []).filter((z) => z.startsWith('Etc/'));
    expect(etc).toHaveLength(26);
    expect(etc).toContain('Etc/GMT-9');
    expect(etc).toContain('Etc/GMT+12');
    expect(etc).not.toContain('Etc/GMT0');
    for (const zone of etc) expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
    const offset = new Intl.DateTimeFormat('en-US', { timeZone: 'Etc/GMT-9', timeZoneName: 'shortOffset' })
      .formatToParts(new Date('2024-01-01T00:00:00Z'))
      .find((p) => p.type === 'timeZoneName')?.value;
    expect(offset).toBe('GMT+9');
  });

  it('keeps a saved zone the lists do not name', () => {
    expect(runtimeTimeZoneChoices('Etc/UTC')[0]).toBe('Etc/UTC');
    expect(runtimeTimeZoneChoices('UTC').filter((z) => z === 'UTC')).toHaveLength(1);
  });
});
