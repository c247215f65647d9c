import { defineConfig } from 'vite';

/**
 * The console: built into dist/console and served by the API under /console (same origin, so the
 * session cookie and the API need no CORS). Vite compiles TSX itself (oxc); no plugin needed for a
 * production build.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? '../../dist/console',
    emptyOutDir: true,
    // The budget (250 KB gzipped) is checked by scripts/build-console.ts, which prints the figure.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // React Server Components' "use client" markers mean nothing in a client-only bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
