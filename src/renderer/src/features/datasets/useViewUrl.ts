import { useEffect, useRef } from 'react';
import { SavedFilter } from '@shared/charts/layout';
import { datasetViewHash, parseDatasetViewHash, type DatasetTab, type DatasetViewUrl } from '@shared/charts/viewUrl';

/** The view the URL names for this dataset when the window opened on it, if any. */
export function viewFromUrl(datasetId: number): DatasetViewUrl | null {
  const view = parseDatasetViewHash(location.hash);
  return view?.datasetId === datasetId ? view : null;
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
  const hash = datasetViewHash({ datasetId, tab, filter: SavedFilter.parse(filter) });

  useEffect(() => {
    const current = parseDatasetViewHash(location.hash);
    const first = opened.current;
    opened.current = false;
    if (current && datasetViewHash(current) === hash) return;
    // Another screen's address (#/mail…) is never written over: only this dataset's, or none yet.
    if (location.hash !== '' && current?.datasetId !== datasetId) return;
    if (first || !current) history.replaceState(history.state, '', hash);
    else history.pushState(null, '', hash);
  }, [hash, datasetId]);

  useEffect(() => {
    const onPop = () => {
      const view = parseDatasetViewHash(location.hash);
      if (view?.datasetId === datasetId && view.filter) restore.current(view);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [datasetId]);
}
