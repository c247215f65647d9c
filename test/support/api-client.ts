import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { pollUntil } from './poll';

/**
 * A small client for the API in tests: one place that knows the routes' shapes. The API is an app
 * in this process, or the base URL of one running as a process of its own.
 */
export class ApiClient {
  constructor(private readonly api: NestExpressApplication | string) {}

  /** The in-process app's HTTP server. */
  get server() {
    if (typeof this.api === 'string') throw new Error(`the API is a process of its own, at ${this.api}`);
    return this.api.getHttpServer();
  }

  private get target() {
    return typeof this.api === 'string' ? this.api : this.server;
  }

  as(token: string | undefined) {
    const auth = (call: request.Test) =>
      token === undefined ? call : call.set('authorization', `Bearer ${token}`);
    const server = this.target;
    return {
      get: (path: string) => auth(request(server).get(path)),
      post: (path: string, body?: object) => auth(request(server).post(path)).send(body),
      patch: (path: string, body?: object) => auth(request(server).patch(path)).send(body),
      put: (path: string, body?: object) => auth(request(server).put(path)).send(body),
      delete: (path: string) => auth(request(server).delete(path)),
    };
  }

  get operator() {
    return this.as(process.env.ADMIN_TOKEN);
  }

  async createWorkspace(name = 'Acme'): Promise<{ id: string; apiToken: string }> {
    const res = await this.operator.post('/v1/workspaces', { name }).expect(201);
    return res.body;
  }

  /**
   * Creates an application and waits until it is provisioned (a worker must be running). Under a
   * loaded test run the answer may come first with `status: provisioning`: then it polls.
   */
  async createApplication(
    workspaceToken: string,
    body: Record<string, unknown> = {},
  ): Promise<{
    id: string;
    credentials: { cryptoKey: string; cryptoKeyVersion: number; privateAppKey: string };
  }> {
    const res = await this.as(workspaceToken)
      .post('/v1/applications', {
        name: `app ${Math.random().toString(36).slice(2)}`,
        encryptionMethod: 'AES-256-GCM',
        ...body,
      })
      .expect(201);
    if (res.body.status === 'active') return res.body;
    const id = res.body.id as string;
    await pollUntil(
      async () => (await this.as(workspaceToken).get(`/v1/applications/${id}`).expect(200)).body.status,
      (status) => status === 'active',
    );
    const credentials = await this.as(workspaceToken).get(`/v1/applications/${id}/credentials`).expect(200);
    return { ...res.body, status: 'active', credentials: credentials.body };
  }
}
