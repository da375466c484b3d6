import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { pickLanguage, resources, type LanguageCode } from '@shared/i18n';
import type { Settings } from '@shared/api/contract';

/** The language the UI shows: the user's choice, else the OS (the browser's) language. */
export function languageFor(setting: Settings['language']): LanguageCode {
  return setting === 'system' ? pickLanguage(navigator.languages) : setting;
}

export async function initI18n(language: LanguageCode) {
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    resources,
    showSupportNotice: false,
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = language;
  return i18next;
}

export async function changeLanguage(language: LanguageCode) {
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
