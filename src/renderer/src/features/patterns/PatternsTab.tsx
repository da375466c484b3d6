import { Fragment, useState } from 'react';
import { Alert, Badge, Box, Group, Loader, Progress, SegmentedControl, Stack, Table, Text, TextInput, Tooltip, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import type { PatternRange, PatternStatus, PatternSummary } from '@shared/api/contract/patterns';
import { fromWireError, isWireError } from '@shared/api/errors';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';
import { PatternRows } from './PatternRows';
import { Sparkline } from './Sparkline';
import { usePatternList, usePatternStatus } from './usePatterns';

const rangeSpansMs = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
type RangeKey = 'all' | keyof typeof rangeSpansMs;

/** A preset range ending at the dataset's last row (logs are often read after the fact). */
export function presetRange(key: RangeKey, timeMax: string | null): PatternRange | null {
  if (key === 'all' || timeMax === null) return null;
  const end = Date.parse(timeMax) + 1;
  return { from: new Date(end - rangeSpansMs[key]).toISOString(), to: new Date(end).toISOString() };
}

/**
 * The dataset's message templates by count: first and last seen, rows over time, an
 * example line, and — for a range — which templates are new against the range before.
 * A click shows the template's rows below the table.
 */
export function PatternsTab({ dataset, zone }: { dataset: DatasetSummary; zone: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [rangeKey, setRangeKey] = useState<RangeKey>('all');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const range = presetRange(rangeKey, dataset.timeMax);
  const status = usePatternStatus(dataset.id);
  const list = usePatternList(dataset.id, range, search);
  const templates = list.data?.templates ?? [];
  const hasTime = dataset.timeColumn !== null && dataset.timeMax !== null;

  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="patterns-tab">
      {status.data && <MiningStatus status={status.data} />}
      {(status.error ?? list.error) && <Alert color="red">{errorText(status.error ?? list.error)}</Alert>}
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <TextInput
            size="xs"
            w={260}
            leftSection={<IconSearch size={14} />}
            placeholder={t('patterns.searchPlaceholder')}
            aria-label={t('patterns.search')}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
          />
          {hasTime && (
            <SegmentedControl
              size="xs"
              aria-label={t('patterns.range')}
              value={rangeKey}
              onChange={(value) => setRangeKey(value as RangeKey)}
              data={[
                { value: 'all', label: t('patterns.rangeAll') },
                { value: 'week', label: t('patterns.rangeWeek') },
                { value: 'day', label: t('patterns.rangeDay') },
                { value: 'hour', label: t('patterns.rangeHour') },
              ]}
            />
          )}
          {list.isFetching && <Loader size="xs" />}
        </Group>
        <Text size="sm" c="dimmed" data-testid="patterns-summary" style={{ whiteSpace: 'nowrap' }}>
          {list.data ? t('patterns.summary', { count: list.data.total, rows: list.data.rows }) : ''}
          {status.data?.messageColumn ? ` · ${t('patterns.column', { column: status.data.messageColumn })}` : ''}
        </Text>
      </Group>
      {range && (
        <Text size="xs" c="dimmed">
          {t('patterns.rangeNote', { from: formatInstant(range.from, zone, false), to: formatInstant(range.to, zone, false), zone })}
        </Text>
      )}
      <Box style={{ flex: selected === null ? 1 : 1.2, minHeight: 0, overflow: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}>
        <Table stickyHeader highlightOnHover verticalSpacing={4} data-testid="patterns-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90} ta="right">
                {t('patterns.count')}
              </Table.Th>
              <Table.Th>{t('patterns.template')}</Table.Th>
              {hasTime && <Table.Th w={140}>{t('patterns.trend')}</Table.Th>}
              {hasTime && <Table.Th w={170}>{t('patterns.firstSeen')}</Table.Th>}
              {hasTime && <Table.Th w={170}>{t('patterns.lastSeen')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {templates.map((template) => (
              <PatternRow
                key={template.patternId}
                template={template}
                zone={zone}
                hasTime={hasTime}
                isSelected={selected === template.patternId}
                onSelect={() => setSelected(selected === template.patternId ? null : template.patternId)}
              />
            ))}
          </Table.Tbody>
        </Table>
        {list.data && templates.length === 0 && (
          <Text c="dimmed" p="md">
            {search.trim() ? t('patterns.noMatch') : t('patterns.empty')}
          </Text>
        )}
      </Box>
      {selected !== null && (
        <PatternRows
          key={`${selected}|${rangeKey}`}
          datasetId={dataset.id}
          patternId={selected}
          range={range}
          zone={zone}
          timeColumn={dataset.timeColumn}
          messageColumn={status.data?.messageColumn ?? null}
          onClose={() => setSelected(null)}
        />
      )}
    </Stack>
  );
}

function MiningStatus({ status }: { status: PatternStatus }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  if (status.state === 'done') return null;
  if (status.state === 'no_message_column') return <Alert color="gray">{t('patterns.noMessageColumn')}</Alert>;
  if (status.state === 'failed') {
    const error = status.error && isWireError(status.error) ? errorText(fromWireError(status.error)) : '';
    return <Alert color="red">{t('patterns.failed', { error })}</Alert>;
  }
  const share = status.rowsTotal > 0 ? (100 * status.rowsDone) / status.rowsTotal : 0;
  return (
    <Stack gap={4} data-testid="patterns-progress">
      <Text size="sm">{status.state === 'mining' ? t('patterns.mining', { done: status.rowsDone, total: status.rowsTotal }) : t('patterns.queued')}</Text>
      <Progress value={share} animated size="sm" aria-label={t('patterns.mining', { done: status.rowsDone, total: status.rowsTotal })} />
    </Stack>
  );
}

function PatternRow({
  template,
  zone,
  hasTime,
  isSelected,
  onSelect,
}: {
  template: PatternSummary;
  zone: string;
  hasTime: boolean;
  isSelected: boolean;
  onSelect: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Table.Tr
      data-testid={`pattern-${template.patternId}`}
      aria-selected={isSelected}
      onClick={onSelect}
      style={{ cursor: 'pointer', background: isSelected ? 'var(--mantine-color-blue-light)' : undefined }}
    >
      <Table.Td ta="right" ff="monospace" fz="sm" style={{ verticalAlign: 'top' }}>
        {template.count.toLocaleString()}
      </Table.Td>
      <Table.Td style={{ maxWidth: 0, width: '100%' }}>
        <UnstyledButton
          onClick={(event) => {
            // The row takes the click too; one toggle, not two.
            event.stopPropagation();
            onSelect();
          }}
          style={{ display: 'block', width: '100%', minWidth: 0 }}>
          <Group gap={6} wrap="nowrap">
            {template.isNew && (
              <Tooltip label={t('patterns.isNewHint')}>
                <Badge size="xs" color="orange" variant="filled" style={{ flexShrink: 0 }} data-testid="pattern-new">
                  {t('patterns.isNew')}
                </Badge>
              </Tooltip>
            )}
            <Text className="ls-cell" fz="sm" title={template.template} data-testid="pattern-template">
              <TemplateText text={template.template} />
            </Text>
          </Group>
          {template.example !== null && (
            <Text className="ls-cell" c="dimmed" title={template.example} mt={2}>
              {template.example === '' ? t('patterns.emptyMessage') : template.example}
            </Text>
          )}
          {/* After the template, so the button's name begins with what it shows. */}
          <VisuallyHidden>{t('patterns.showRows', { id: template.patternId })}</VisuallyHidden>
        </UnstyledButton>
      </Table.Td>
      {hasTime && (
        <Table.Td style={{ verticalAlign: 'middle' }}>
          <Sparkline values={template.sparkline} label={t('patterns.trendLabel', { count: template.count })} />
        </Table.Td>
      )}
      {hasTime && (
        <Table.Td ff="monospace" fz="xs" style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
          {template.firstSeen ? formatInstant(template.firstSeen, zone, false) : ''}
        </Table.Td>
      )}
      {hasTime && (
        <Table.Td ff="monospace" fz="xs" style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
          {template.lastSeen ? formatInstant(template.lastSeen, zone, false) : ''}
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** The template with its variable parts set off; plain text nodes only. */
function TemplateText({ text }: { text: string }) {
  const { t } = useTranslation();
  if (text === '') return <>{t('patterns.emptyMessage')}</>;
  const parts = text.split('<*>');
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {part}
          {index < parts.length - 1 && (
            <Text span inherit c="blue" fw={600}>
              {'<*>'}
            </Text>
          )}
        </Fragment>
      ))}
    </>
  );
}
