import type { AddressInfo } from 'node:net';
import { runShellSnippet } from '../support/doc-snippets';
import { useStack } from '../support/stack';

/** The shell the README and the API guide tell newcomers to run, run as written against a stack. */
describe('the quick start and the curl walk-through, as written', () => {
  const stack = useStack();
  const target = () => ({
    baseUrl: `http://127.0.0.1:${(stack.api.getHttpServer().address() as AddressInfo).port}`,
    adminToken: process.env.ADMIN_TOKEN!,
  });

  it('README: a workspace, then an application with curl and one with aw, which waits for its keys', async () => {
    const [curlLine, loginLine, awLine] = (await runShellSnippet('README.md', 'quick-start', target()))
      .trim()
      .split('\n');
    expect(JSON.parse(curlLine)).toMatchObject({ id: expect.stringMatching(/^app_/) });
    expect(loginLine).toMatch(/^Logged in; token kept in /);
    expect(awLine).toMatch(/^app_\S+\s+Checkout\s+active$/);
  });

  it('docs/api.md: the curl walk-through registers an application with a rotation schedule', async () => {
    const created = JSON.parse(await runShellSnippet('api.md', 'curl-walk-through', target())) as {
      id: string;
      name: string;
    };
    expect(created).toMatchObject({ id: expect.stringMatching(/^app_/), name: 'Onboarding' });
    const stored = await stack
      .db()
      .collection('applications')
      .findOne({ _id: created.id as never });
    expect(stored).toMatchObject({ redirectUrl: 'https://example.com/done' });
  });
});
