import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type Response } from 'express';
import { projectRoot } from '../../../../libs/common/project-root';
import { Environment } from '../../../../libs/config/environment';

/**
 * Only the console's own scripts and styles run on its pages, it calls only this origin, and no
 * other site frames it (its cookie is SameSite=Strict, so it would not be signed in there anyway).
 * Mantine sets inline styles, hence 'unsafe-inline' for styles only.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

function setHeaders(response: Response, path: string): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  // Built assets carry their content hash in their names; the page itself must always be fresh.
  response.setHeader(
    'Cache-Control',
    path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
}

/** Where the built console is: CONSOLE_DIR, else dist/console (`npm run build` writes it). */
export const consoleDir = (env: Environment) =>
  env.CONSOLE_DIR ?? join(projectRoot(__dirname), 'dist', 'console');

/**
 * The console's pages under /console, by Express's static file server: the built single-page
 * app's files, and its index.html for the app's own routes (/console/applications/…).
 */
export function serveConsole(app: NestExpressApplication): void {
  const dir = consoleDir(app.get(Environment));
  const index = join(dir, 'index.html');
  app.use('/console', express.static(dir, { index: false, setHeaders }));
  app.use('/console', (request: express.Request, response: express.Response, next: express.NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path.startsWith('/assets/') || !existsSync(index)) return next();
    setHeaders(response, index);
    response.sendFile(index);
  });
}
