import type { Request } from 'express';

/** The origin browsers see this service at: PUBLIC_URL's, else the request's own. */
export function ownOrigin(request: Request, publicUrl: string | undefined): string {
  return publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.headers.host ?? ''}`;
}

/**
 * Whether a browser request comes from the service's own pages: its `Origin` must be ours, and a
 * `Sec-Fetch-Site` header, when sent, `same-origin`. A cookie alone proves nothing (CSRF).
 */
export function fromOwnPages(request: Request, publicUrl: string | undefined): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return false;
  return request.headers.origin === ownOrigin(request, publicUrl);
}

/** Safe methods change nothing, so they need no CSRF check. */
export const isSafeMethod = (method: string) => ['GET', 'HEAD', 'OPTIONS'].includes(method);
