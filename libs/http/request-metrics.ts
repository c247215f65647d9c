import type { NextFunction, Request, Response } from 'express';
import type { ServiceMetrics } from '../observability/service-metrics';

/** Paths served outside Nest's routes, each one series; any other unrouted path is "unmatched". */
const UNROUTED = new Set(['console', 'docs', 'docs-json', 'metrics']);

/**
 * The route label of a finished request: the route as declared (`/v1/applications/:id`), never the
 * path itself, so IDs and probes for unknown paths cannot add series.
 */
export function routeLabel(req: Pick<Request, 'route' | 'baseUrl' | 'originalUrl'>): string {
  const declared = (req.route as { path?: unknown } | undefined)?.path;
  // A catch-all (Nest's `{*path}` for unknown routes) names no route.
  if (typeof declared === 'string' && !declared.includes('*')) return `${req.baseUrl}${declared}`;
  const first = req.originalUrl.split(/[/?#]/)[1] ?? '';
  return UNROUTED.has(first) ? `/${first}` : 'unmatched';
}

/** Express middleware: every request's method, route, status and latency, once it is answered. */
export function requestMetrics(metrics: ServiceMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpRequestDuration.startTimer();
    res.once('finish', () =>
      stop({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }),
    );
    next();
  };
}
