import request from 'supertest';
import { useStack } from '../support/stack';

/** What every route shares: the /v1 prefix, the OpenAPI document, one error shape, request IDs. */
describe('API conventions', () => {
  const stack = useStack({ worker: false });
  const operator = () => ({ authorization: `Bearer ${process.env.ADMIN_TOKEN}` });

  it('serves the OpenAPI document at /docs-json and Swagger UI at /docs', async () => {
    const doc = await request(stack.api.getHttpServer()).get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/health',
        '/v1/health/ready',
        '/v1/diagnostics/roundtrips',
        '/v1/diagnostics/roundtrips/{id}',
      ]),
    );
    const ui = await request(stack.api.getHttpServer()).get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('answers an unknown route with the error shape, a stable code and a request ID', async () => {
    const res = await request(stack.api.getHttpServer()).get('/v1/no-such-route').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Cannot GET /v1/no-such-route',
      requestId: res.headers['x-request-id'],
    });
  });

  it('matches a route in one spelling only: paths are case-sensitive', async () => {
    const server = stack.api.getHttpServer();
    await request(server).get('/v1/health').expect(200);
    for (const path of ['/v1/HEALTH', '/V1/health', '/v1/Applications']) {
      const res = await request(server).get(path).set(operator()).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });

  it('keeps a sane caller-given X-Request-Id and replaces an unsafe one', async () => {
    const kept = await request(stack.api.getHttpServer())
      .get('/v1/health')
      .set('x-request-id', 'trace-123.abc')
      .expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-123.abc');
    const replaced = await request(stack.api.getHttpServer())
      .get('/v1/health')
      .set('x-request-id', 'bad id with spaces <script>')
      .expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON, without echoing the body', async () => {
    const res = await request(stack.api.getHttpServer())
      .post('/v1/diagnostics/roundtrips')
      .set(operator())
      .set('content-type', 'application/json')
      .send('{"secret": "hunter2"')
      .expect(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      code: 'MALFORMED_JSON',
      requestId: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('answers a body over 256 KB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(stack.api.getHttpServer())
      .post('/v1/diagnostics/roundtrips')
      .set(operator())
      .set('content-type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(300 * 1024) }))
      .expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
