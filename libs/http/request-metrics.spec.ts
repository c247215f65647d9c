import { routeLabel } from './request-metrics';

describe('routeLabel', () => {
  it('is the route as declared, never the path with its IDs', () => {
    expect(
      routeLabel({
        route: { path: '/v1/applications/:id' },
        baseUrl: '',
        originalUrl: '/v1/applications/app_1',
      }),
    ).toBe('/v1/applications/:id');
  });

  it('names the paths served outside Nest by their first segment', () => {
    expect(
      routeLabel({ route: undefined, baseUrl: '/console', originalUrl: '/console/assets/a.js?x=1' }),
    ).toBe('/console');
    expect(routeLabel({ route: undefined, baseUrl: '', originalUrl: '/metrics' })).toBe('/metrics');
  });

  it('puts every unknown path, and catch-all routes, in one series', () => {
    expect(routeLabel({ route: undefined, baseUrl: '', originalUrl: '/wp-admin/x' })).toBe('unmatched');
    expect(routeLabel({ route: { path: '/v1/{*path}' }, baseUrl: '', originalUrl: '/v1/nope/123' })).toBe(
      'unmatched',
    );
  });
});
