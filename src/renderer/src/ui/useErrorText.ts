import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '@shared/api/errors';

/** An error as the sentence the user reads, in their language (stable until the language changes). */
export function useErrorText() {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown): string => {
      if (error instanceof AppError) {
        const params = Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, v ?? '']));
        return t(`errors.${error.code}`, { name: '', id: '', ...params });
      }
      return t('errors.internal', { message: error instanceof Error ? error.message : String(error) });
    },
    [t],
  );
}
