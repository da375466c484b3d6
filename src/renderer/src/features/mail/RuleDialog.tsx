import { useState } from 'react';
import { Alert, Autocomplete, Button, Checkbox, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { MailAccount } from '@shared/api/contract/mail';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { useDatasets } from '../datasets/useDatasets';
import { mailKeys, useMailFolders } from './useMail';

const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A collection rule: which folder, which senders and subjects, which attachments, into which dataset. */
export function RuleDialog({ opened, onClose, accounts }: { opened: boolean; onClose: () => void; accounts: MailAccount[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const datasets = useDatasets();
  const [name, setName] = useState('');
  const [accountId, setAccountId] = useState<string | null>(accounts[0] ? String(accounts[0].id) : null);
  const [folder, setFolder] = useState('INBOX');
  const [senders, setSenders] = useState('');
  const [subjects, setSubjects] = useState('');
  const [patterns, setPatterns] = useState('*.csv, *.log, *.gz, *.zip');
  const [since, setSince] = useState('');
  const [dataset, setDataset] = useState('');
  const [markSeen, setMarkSeen] = useState(false);
  const [moveTo, setMoveTo] = useState('');
  const [maxSize, setMaxSize] = useState<number>(100);
  const folders = useMailFolders(opened && accountId ? Number(accountId) : null);

  const create = useMutation({
    mutationFn: () =>
      api.call('mail.rules.create', {
        name: name.trim(),
        accountId: Number(accountId),
        folder: folder.trim() || 'INBOX',
        senders: splitList(senders),
        subjects: splitList(subjects),
        attachmentPatterns: splitList(patterns),
        since: since || null,
        dataset: dataset.trim(),
        markSeen,
        moveTo: moveTo.trim() || null,
        maxAttachmentMb: maxSize,
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: mailKeys.rules });
      setName('');
      setSenders('');
      setSubjects('');
      onClose();
    },
  });

  const canSave = name.trim() && accountId && dataset.trim() && splitList(patterns).length > 0;
  const folderNames = folders.data ?? ['INBOX'];

  return (
    <Dialog opened={opened} onClose={onClose} title={t('mail.rules.addTitle')} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (canSave) create.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('mail.rules.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
            <Select
              label={t('mail.rules.account')}
              value={accountId}
              onChange={setAccountId}
              allowDeselect={false}
              data={accounts.map((a) => ({ value: String(a.id), label: a.name }))}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Autocomplete label={t('mail.rules.folder')} value={folder} onChange={setFolder} data={folderNames} />
            <TextInput label={t('mail.rules.since')} type="date" value={since} onChange={(e) => setSince(e.currentTarget.value)} />
          </SimpleGrid>
          <TextInput
            label={t('mail.rules.senders')}
            description={t('mail.rules.sendersHelp')}
            placeholder="server01.example.com"
            value={senders}
            onChange={(e) => setSenders(e.currentTarget.value)}
          />
          <TextInput label={t('mail.rules.subjects')} description={t('mail.rules.subjectsHelp')} value={subjects} onChange={(e) => setSubjects(e.currentTarget.value)} />
          <TextInput label={t('mail.rules.patterns')} description={t('mail.rules.patternsHelp')} value={patterns} onChange={(e) => setPatterns(e.currentTarget.value)} required />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Autocomplete
              label={t('mail.rules.dataset')}
              description={t('mail.rules.datasetHelp')}
              value={dataset}
              onChange={setDataset}
              data={(datasets.data ?? []).map((d) => d.name)}
              required
            />
            <NumberInput
              label={t('mail.rules.maxSize')}
              value={maxSize}
              onChange={(value) => setMaxSize(typeof value === 'number' && value > 0 ? value : 100)}
              min={0.01}
              decimalScale={2}
            />
          </SimpleGrid>
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              {t('mail.rules.afterImport')}
            </Text>
            <Checkbox label={t('mail.rules.markSeen')} checked={markSeen} onChange={(e) => setMarkSeen(e.currentTarget.checked)} />
            <Autocomplete
              label={t('mail.rules.moveTo')}
              value={moveTo}
              onChange={setMoveTo}
              data={folderNames.filter((f) => f !== folder)}
              placeholder="Processed"
            />
          </Stack>
          {create.error && <Alert color="red">{errorText(create.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!canSave}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
