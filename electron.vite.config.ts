import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Three bundles, one per runtime. Packages in `dependencies` stay external in main
// (DuckDB is native and cannot be bundled), and so does keytar, an optional dependency
// that electron-vite does not externalize by itself; the preload is one CommonJS file
// because a sandboxed preload can only `require('electron')`.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: { include: ['keytar'] },
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts'),
        },
        // Code both entries share; named by Rollup after its first module otherwise, which
        // made it `minerWorker-*.js` beside the real worker (`?modulePath` in index.ts).
        output: { chunkFileNames: 'chunks/shared-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    resolve: {
      alias: {
        '@shared': resolve('src/shared'),
        '@renderer': resolve('src/renderer/src'),
      },
    },
    plugins: [
      react(),
      {
        // The dev server injects an inline React refresh preamble that the production
        // CSP forbids; the CSP stays in every build and is relaxed only under `dev`.
        name: 'logscope-dev-csp',
        apply: 'serve',
        transformIndexHtml: (html: string) => html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
      },
    ],
    build: {
      rollupOptions: { input: resolve('src/renderer/index.html') },
      // Keep fonts and images as files: the CSP allows no data: fonts.
      assetsInlineLimit: 0,
      // electron-vite leaves the renderer unminified; minified, the dashboard's first
      // paint loads a third of the bytes (`npm run bench -- bundle`). Screens other than
      // the dashboard are their own chunks (src/renderer/src/app/lazy.tsx); the manifest
      // lets test/integration/rendererChunks.test.ts check that they stay apart.
      minify: true,
      manifest: true,
      chunkSizeWarningLimit: 2000,
    },
  },
});
