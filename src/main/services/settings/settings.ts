import type { Db } from '../db/database';
import { Settings } from '../../../shared/api/contract';

const defaults: Settings = { language: 'system', theme: 'system', timeZone: null };

/**
 * The user's interface preferences, kept in the catalogue rather than in the browser,
 * because browser mode runs on a new port (a new origin) each time.
 */
export function createSettingsService({ db }: { db: Db }) {
  async function get(): Promise<Settings> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`SELECT value FROM logscope.settings WHERE key = 'ui'`);
    const stored = rows[0] ? Settings.partial().safeParse(JSON.parse(String(rows[0][0]))) : null;
    return { ...defaults, ...(stored?.success ? stored.data : {}) };
  }

  async function update(patch: Partial<Settings>): Promise<Settings> {
    const next = Settings.parse({ ...(await get()), ...patch });
    const catalog = await db.connection('catalog');
    await catalog.run(
      `INSERT INTO logscope.settings VALUES ('ui', $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      { value: JSON.stringify(next) },
    );
    return next;
  }

  /** Internal flags that are not user preferences (e.g. whether the demo was offered). */
  async function getFlag(key: string): Promise<string | null> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`SELECT value FROM logscope.settings WHERE key = $key`, { key: `flag:${key}` });
    return rows[0] ? String(rows[0][0]) : null;
  }

  async function setFlag(key: string, value: string): Promise<void> {
    const catalog = await db.connection('catalog');
    await catalog.run(
      `INSERT INTO logscope.settings VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      { key: `flag:${key}`, value },
    );
  }

  return { get, update, getFlag, setFlag };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
