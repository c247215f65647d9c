import type { AddressInfo, Server } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import express, { type NextFunction, type Request, type Response } from 'express';
import { request } from 'undici';
import { ApiError } from './api-error';
import { jsonBody } from './json-body';

/** The body middleware alone, in an in-process app on loopback: what it lets through, or its error. */
let server: Server;
beforeAll(async () => {
  const app = express();
  app.use(jsonBody());
  app.post('/', (req, res) => void res.json({ body: req.body as unknown }));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!(err instanceof ApiError)) return void res.status(500).json({ error: String(err) });
    res.status(err.getStatus()).json(err.getResponse());
  });
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function post(bytes: Buffer, encoding: string): Promise<{ status: number; body: unknown }> {
  const { port } = server.address() as AddressInfo;
  const res = await request(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': encoding },
    body: bytes,
  });
  return { status: res.statusCode, body: await res.body.json() };
}

describe('jsonBody', () => {
  it('reads a body through its Content-Encoding', async () => {
    expect(await post(brotliCompressSync(Buffer.from('{"a":1}')), 'br')).toEqual({
      status: 200,
      body: { body: { a: 1 } },
    });
    expect(await post(gzipSync(Buffer.from('{"b":2}')), 'gzip')).toEqual({
      status: 200,
      body: { body: { b: 2 } },
    });
  });

  it('refuses a compressed body that undoes to nothing, not reading it as {}', async () => {
    // The fuzzer's find: these bytes are a whole, empty brotli stream followed by what the
    // decompressor ignores, so the body was read as empty, and a PATCH answered 200.
    expect(await post(Buffer.from('5e-324'), 'br')).toMatchObject({
      status: 400,
      body: { code: 'MALFORMED_BODY' },
    });
    expect(await post(brotliCompressSync(Buffer.alloc(0)), 'br')).toMatchObject({ status: 400 });
  });
});
