import { useEffect, useState } from 'react';
import { Badge, Tooltip } from '@mantine/core';
import { IconBolt, IconClock, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { MailListener } from '@shared/api/contract/mail';
import { AppError } from '@shared/api/errors';
import { useErrorText } from '../../ui/useErrorText';

/** Seconds until `at`, counted down once a second while there is an `at`. */
function useSecondsUntil(at: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!at) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [at]);
  return at ? Math.max(0, Math.ceil((Date.parse(at) - now) / 1000)) : null;
}

/** How a rule collects new mail: pushed as it arrives, reconnecting, or on schedule only. */
export function ListenerBadge({ listener, folder }: { listener: MailListener; folder: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const seconds = useSecondsUntil(listener.state === 'reconnecting' ? listener.retryAt : null);
  const reason = listener.error ? errorText(new AppError(listener.error.code as never, listener.error.params as never)) : null;
  const testId = `listener-${listener.rule}`;

  if (listener.state === 'live') {
    return (
      <Tooltip label={t('mail.listener.liveHelp', { folder })} multiline w={280}>
        <Badge color="teal" variant="light" tt="none" leftSection={<IconBolt size={12} />} data-testid={testId} data-state="live">
          {t('mail.listener.live')}
        </Badge>
      </Tooltip>
    );
  }
  if (listener.state === 'polling_only') {
    return (
      <Tooltip label={t('mail.listener.pollingOnlyHelp')} multiline w={280}>
        <Badge color="gray" variant="light" tt="none" leftSection={<IconClock size={12} />} data-testid={testId} data-state="polling_only">
          {t('mail.listener.pollingOnly')}
        </Badge>
      </Tooltip>
    );
  }
  const label =
    listener.state === 'connecting'
      ? t('mail.listener.connecting')
      : seconds
        ? t('mail.listener.reconnecting', { seconds })
        : t('mail.listener.reconnectingNow');
  const badge = (
    <Badge color="orange" variant="light" tt="none" leftSection={<IconRefresh size={12} />} data-testid={testId} data-state={listener.state}>
      {label}
    </Badge>
  );
  return reason ? (
    <Tooltip label={reason} multiline w={320}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
