import i18next, { type i18n } from 'i18next';
import { resources, type LanguageCode } from './index';
import type { WireError } from '../api/errors';

/** A standalone translator, for the command line (the renderer uses react-i18next). */
export function createTranslator(language: LanguageCode): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: 'en',
    resources,
    initAsync: false,
    showSupportNotice: false,
    interpolation: { escapeValue: false },
  });
  return instance;
}

/** The user-facing sentence for an error, with unknown parameters left blank. */
export function errorMessage(t: i18n, error: WireError): string {
  const params = Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, v ?? '']));
  return t.t(`errors.${error.code}`, { name: '', id: '', ...params });
}
