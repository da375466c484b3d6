import { SavedFilter } from './layout';
import { readDatasetViewHash, type DatasetViewUrl } from './viewUrl';

/**
 * The filter state of a view hash (`readDatasetViewHash`'s `view`), or null when it does
 * not read: the saved filter state applies instead. Apart from `viewUrl.ts` because it
 * brings zod, which the renderer loads only when a hash holds a filter state.
 */
export function parseViewFilter(view: string): SavedFilter | null {
  try {
    const parsed = SavedFilter.safeParse(JSON.parse(decodeURIComponent(view)));
    return parsed.success ? parsed.data : null;
  } catch {
    // A hand-edited view that is not JSON (or not %-encoded).
    return null;
  }
}

/** The view a hash names, or null when it names none; a tab or state that does not read is left out, never thrown. */
export function parseDatasetViewHash(hash: string): DatasetViewUrl | null {
  const read = readDatasetViewHash(hash);
  if (!read) return null;
  return { datasetId: read.datasetId, tab: read.tab, filter: read.view === null ? null : parseViewFilter(read.view) };
}
