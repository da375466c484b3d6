import { describe, expect, it } from 'vitest';
import { SavedFilter } from './layout';
import { datasetViewHash } from './viewUrl';
import { parseDatasetViewHash } from './viewFilter';

const filter = SavedFilter.parse({
  period: 'selected',
  range: { from: '2024-03-04T00:00:00.000Z', to: '2024-03-05T00:00:00.000Z' },
  filters: [{ field: 'status', value: 503 }, { field: 'column', column: ['path'], op: 'contains', value: 'a&b=c#d' }],
  search: { text: 'closed "after 5" -ok', regex: false, column: null },
});

describe('the view in the URL hash', () => {
  it('reads back the tab and filter state it wrote, with characters the hash and query treat specially', () => {
    const hash = datasetViewHash({ datasetId: 7, tab: 'rows', filter });
    expect(hash.startsWith('#/datasets/7?tab=rows&view=')).toBe(true);
    expect(parseDatasetViewHash(hash)).toEqual({ datasetId: 7, tab: 'rows', filter });
  });

  it('writes only the own fields of the filter state, so one state is one hash and it still reads', () => {
    const withMore = { ...filter, draft: 'typed but not applied' } as SavedFilter;
    const hash = datasetViewHash({ datasetId: 7, tab: 'dashboard', filter: withMore });
    expect(hash).toBe(datasetViewHash({ datasetId: 7, tab: 'dashboard', filter }));
    expect(parseDatasetViewHash(hash)?.filter).toEqual(filter);
  });

  it('names no filter state for a plain dataset link, so the saved one applies', () => {
    expect(parseDatasetViewHash('#/datasets/12')).toEqual({ datasetId: 12, tab: 'dashboard', filter: null });
    expect(datasetViewHash({ datasetId: 12, tab: 'dashboard', filter: null })).toBe('#/datasets/12');
  });

  it('leaves out what does not read instead of throwing: an unknown tab, a state that is not JSON or not a filter state', () => {
    expect(parseDatasetViewHash('#/datasets/3?tab=nope&view=%7Bnot-json')).toEqual({ datasetId: 3, tab: 'dashboard', filter: null });
    expect(parseDatasetViewHash(`#/datasets/3?view=${encodeURIComponent(JSON.stringify({ period: 'forever' }))}`)?.filter).toBeNull();
    expect(parseDatasetViewHash('#/sql')).toBeNull();
  });
});
