import { useEffect, useRef, useState } from 'react';
import type { SavedFilter } from '@shared/charts/layout';
import { datasetViewHash, readDatasetViewHash, type DatasetTab, type DatasetViewUrl } from '@shared/charts/viewUrl';

/**
 * Reads a hash's filter state. Loaded only when a hash holds one: checking it takes zod,
 * which the dashboard's first paint otherwise does without (issue 19). A chunk that does
 * not load reads as no state, so the saved one applies, as for a state that does not read.
 */
const readViewFilter = (view: string): Promise<SavedFilter | null> =>
  import('@shared/charts/viewFilter').then(
    (m) => m.parseViewFilter(view),
    () => null,
  );

/**
 * The view the URL named for this dataset when the component mounted: `{ view: null }`
 * when it named none, undefined while its filter state is being read.
 */
export function useViewFromUrl(datasetId: number): { view: DatasetViewUrl | null } | undefined {
  const [read] = useState(() => {
    const hash = readDatasetViewHash(location.hash);
    return hash?.datasetId === datasetId ? hash : null;
  });
  const [opened, setOpened] = useState<{ view: DatasetViewUrl | null } | undefined>(() =>
    !read ? { view: null } : read.view === null ? { view: { datasetId, tab: read.tab, filter: null } } : undefined,
  );
  useEffect(() => {
    if (read?.view == null) return;
    let current = true;
    void readViewFilter(read.view).then((filter) => {
      if (current) setOpened({ view: { datasetId, tab: read.tab, filter } });
    });
    return () => {
      current = false;
    };
  }, [read, datasetId]);
  return opened;
}

/**
 * Keeps the dataset's view (tab, filter state) in the URL hash: each change is a history
 * entry, so Back returns to the previous zoom or chip and a reload or bookmark opens the
 * same view; the entry the dataset was opened with is replaced, not added to. Back and
 * Forward call `onRestore` with the view of the entry they reach.
 */
export function useViewUrl(datasetId: number, tab: DatasetTab, filter: SavedFilter, onRestore: (view: DatasetViewUrl) => void): void {
  const opened = useRef(true);
  const restore = useRef(onRestore);
  restore.current = onRestore;
  const hash = datasetViewHash({ datasetId, tab, filter });

  useEffect(() => {
    const first = opened.current;
    opened.current = false;
    if (location.hash === hash) return;
    const current = readDatasetViewHash(location.hash);
    // Another screen's address (#/mail…) is never written over: only this dataset's, or none yet.
    if (location.hash !== '' && current?.datasetId !== datasetId) return;
    if (first || !current) history.replaceState(history.state, '', hash);
    else history.pushState(null, '', hash);
  }, [hash, datasetId]);

  useEffect(() => {
    const onPop = () => {
      const reached = location.hash;
      const view = readDatasetViewHash(reached);
      if (view?.datasetId !== datasetId || view.view === null) return;
      void readViewFilter(view.view).then((filter) => {
        // Back pressed twice before the first state was read: only the entry reached last applies.
        if (filter && location.hash === reached) restore.current({ datasetId, tab: view.tab, filter });
      });
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [datasetId]);
}
