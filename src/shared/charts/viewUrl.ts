import { z } from 'zod';
import { SavedFilter } from './layout';

/**
 * A dataset's view as the URL hash holds it (`#/datasets/7?tab=rows&view={…}`): the tab
 * and the dashboard's filter state, so Back, a reload and a bookmark bring the same view
 * back. The desktop window keeps the same hash, so each window has its own view.
 */

export const datasetTabs = ['dashboard', 'rows', 'columns', 'patterns', 'sources', 'rejects'] as const;
export const DatasetTab = z.enum(datasetTabs);
export type DatasetTab = z.infer<typeof DatasetTab>;

export interface DatasetViewUrl {
  datasetId: number;
  tab: DatasetTab;
  /** Null when the hash names no filter state (a link from the sidebar): the saved one applies. */
  filter: SavedFilter | null;
}

export function datasetViewHash(view: DatasetViewUrl): string {
  const params: string[] = [];
  if (view.tab !== 'dashboard') params.push(`tab=${view.tab}`);
  if (view.filter) params.push(`view=${encodeURIComponent(JSON.stringify(view.filter))}`);
  return `#/datasets/${view.datasetId}${params.length ? `?${params.join('&')}` : ''}`;
}

/** The view a hash names, or null when it names none; a tab or state that does not read is left out, never thrown. */
export function parseDatasetViewHash(hash: string): DatasetViewUrl | null {
  const match = /^#\/datasets\/(\d+)(?:\?(.*))?$/s.exec(hash);
  if (!match) return null;
  // The shared code has no URLSearchParams (no DOM); the hash only ever holds these two.
  const params = new Map<string, string>();
  for (const pair of (match[2] ?? '').split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) params.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const tab = DatasetTab.safeParse(params.get('tab') ?? 'dashboard');
  const raw = params.get('view');
  let filter: SavedFilter | null = null;
  if (raw !== undefined) {
    try {
      const parsed = SavedFilter.safeParse(JSON.parse(decodeURIComponent(raw)));
      if (parsed.success) filter = parsed.data;
    } catch {
      // A hand-edited view that is not JSON (or not %-encoded): the saved filter state applies instead.
      filter = null;
    }
  }
  return { datasetId: Number(match[1]), tab: tab.success ? tab.data : 'dashboard', filter };
}
