import type { SavedFilter } from './layout';

/**
 * A dataset's view as the URL hash holds it (`#/datasets/7?tab=rows&view={…}`): the tab
 * and the dashboard's filter state, so Back, a reload and a bookmark bring the same view
 * back. The desktop window keeps the same hash, so each window has its own view.
 *
 * Without zod, for the renderer's first paint (issue 19): the filter state is only read
 * (`viewFilter.ts`) when a hash holds one.
 */

export const datasetTabs = ['dashboard', 'rows', 'columns', 'patterns', 'sources', 'rejects'] as const;
export type DatasetTab = (typeof datasetTabs)[number];

export const isDatasetTab = (value: unknown): value is DatasetTab => (datasetTabs as readonly unknown[]).includes(value);

export interface DatasetViewUrl {
  datasetId: number;
  tab: DatasetTab;
  /** Null when the hash names no filter state (a link from the sidebar): the saved one applies. */
  filter: SavedFilter | null;
}

/** A hash as read before its filter state is checked: `view` is that state's text as the hash holds it. */
export interface DatasetViewHash {
  datasetId: number;
  tab: DatasetTab;
  view: string | null;
}

export function datasetViewHash(view: DatasetViewUrl): string {
  const params: string[] = [];
  if (view.tab !== 'dashboard') params.push(`tab=${view.tab}`);
  if (view.filter) {
    // Only the filter state's own fields, in one order, so one state is one hash.
    const { period, range, filters, search, stackBy, logScale } = view.filter;
    params.push(`view=${encodeURIComponent(JSON.stringify({ period, range, filters, search, stackBy, logScale }))}`);
  }
  return `#/datasets/${view.datasetId}${params.length ? `?${params.join('&')}` : ''}`;
}

/** The dataset and tab a hash names, with its filter state unread, or null when it names no dataset; an unknown tab is the dashboard. */
export function readDatasetViewHash(hash: string): DatasetViewHash | null {
  const match = /^#\/datasets\/(\d+)(?:\?(.*))?$/s.exec(hash);
  if (!match) return null;
  // The shared code has no URLSearchParams (no DOM); the hash only ever holds these two.
  const params = new Map<string, string>();
  for (const pair of (match[2] ?? '').split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) params.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const tab = params.get('tab') ?? 'dashboard';
  return { datasetId: Number(match[1]), tab: isDatasetTab(tab) ? tab : 'dashboard', view: params.get('view') ?? null };
}
