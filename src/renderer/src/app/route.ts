import { useEffect, useState } from 'react';

/** Whether the URL hash points at a screen (`#/sql`, `#/jobs`…): reloads keep the screen. */
export function useHashRoute(hash: string): boolean {
  const [open, setOpen] = useState(() => location.hash.startsWith(hash));
  useEffect(() => {
    const onHash = () => setOpen(location.hash.startsWith(hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [hash]);
  return open;
}
