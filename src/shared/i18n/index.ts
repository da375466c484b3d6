import { mergeMessages } from './bilingual';
import { coreMessages } from './messages/core';
import { importMessages } from './messages/imports';
import { mailMessages } from './messages/mail';
import { oauthMessages } from './messages/oauth';
import { dashboardMessages } from './messages/dashboard';
import { patternMessages } from './messages/patterns';
import { formatMessages } from './messages/formats';
import { consoleMessages } from './messages/console';
import { jobMessages } from './messages/jobs';
import { builderMessages } from './messages/builder';
import { reportMessages } from './messages/report';
import { engineMessages } from './messages/engines';

/** Every feature's UI text; a feature adds its `bilingual(...)` part here. */
const parts = [coreMessages, importMessages, mailMessages, oauthMessages, dashboardMessages, patternMessages, formatMessages, consoleMessages, jobMessages, builderMessages, reportMessages, engineMessages];

export type Messages = typeof coreMessages.en & typeof importMessages.en & typeof mailMessages.en & typeof oauthMessages.en & typeof dashboardMessages.en & typeof patternMessages.en & typeof formatMessages.en & typeof consoleMessages.en & typeof jobMessages.en & typeof builderMessages.en & typeof reportMessages.en & typeof engineMessages.en;

export const en = mergeMessages<Messages>(...parts.map((p) => p.en));
export const ko = mergeMessages<Messages>(...parts.map((p) => p.ko));

export const resources = {
  en: { translation: en },
  ko: { translation: ko },
} as const;

export type LanguageCode = keyof typeof resources;
export const languages: readonly LanguageCode[] = ['ko', 'en'];

/** `ko-KR` → `ko`; anything not translated falls back to English. */
export function pickLanguage(preferred: readonly string[]): LanguageCode {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return 'en';
}
