import { shell } from 'electron';
import { isLoopbackUrl } from '../services/oauth/providers';

/**
 * Opens an OAuth2 sign-in page in the user's own browser (RFC 8252: never an embedded web
 * view). Only https pages, or http on this machine, are handed to the OS — a URL from a
 * provider's discovery document must not become an arbitrary `file:` or custom-scheme launch
 * (Electron security checklist: "Do not use shell.openExternal with untrusted content").
 */
export async function openSignInPage(url: string): Promise<void> {
  const { protocol } = new URL(url);
  if (protocol !== 'https:' && !isLoopbackUrl(url)) throw new Error(`refusing to open ${protocol} URL`);
  await shell.openExternal(url);
}
