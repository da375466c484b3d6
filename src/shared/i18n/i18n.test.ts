import { describe, expect, it } from 'vitest';
import { en, ko, pickLanguage } from './index';
import { errorCodes } from '../api/errors';

const keysOf = (value: object, prefix = ''): string[] =>
  Object.entries(value).flatMap(([key, child]) =>
    typeof child === 'string' ? [`${prefix}${key}`] : keysOf(child as object, `${prefix}${key}.`),
  );

describe('UI text', () => {
  it('has the same keys in Korean and English', () => {
    expect(keysOf(ko).sort()).toEqual(keysOf(en).sort());
  });

  it('has Korean and English text for every error code', () => {
    for (const code of errorCodes) {
      expect((en.errors as Record<string, string>)[code], code).toBeTruthy();
      expect((ko.errors as Record<string, string>)[code], code).toBeTruthy();
    }
  });

  it('uses the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)/g)].map((m) => m[1]).sort();
    const flat = (value: object, prefix = ''): [string, string][] =>
      Object.entries(value).flatMap(([key, child]) =>
        typeof child === 'string' ? [[`${prefix}${key}`, child] as [string, string]] : flat(child as object, `${prefix}${key}.`),
      );
    const korean = new Map(flat(ko));
    for (const [key, text] of flat(en)) expect(placeholders(korean.get(key) ?? ''), key).toEqual(placeholders(text));
  });
});

describe('pickLanguage', () => {
  it('takes the first language it has', () => {
    expect(pickLanguage(['ko-KR', 'en-US'])).toBe('ko');
    expect(pickLanguage(['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLanguage(['ja'])).toBe('en');
  });
});
