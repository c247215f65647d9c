import * as sdkPackage from '../../libs/sdk/src';
import { webhookHeaders } from '../../libs/webhooks/signing';
import { docSnippet } from '../support/doc-snippets';
import { useStack } from '../support/stack';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';

type Receive = (
  rawBody: string,
  headers: Record<string, string>,
  secret: string,
  store: { seen: Set<string>; latest: Map<string, number> },
) => { status: 'new' | 'duplicate' | 'stale'; event: { id: string; type: string; timestamp: string } };

/** The guide's two ways: with the SDK's verifyWebhook, and with the standardwebhooks package. */
const snippets: [string, Receive][] = [
  [
    'the SDK',
    docSnippet<Receive>('receivers.md', 'recipient-verify', 'receiveWebhook', {
      '@applications-webhooks/sdk': sdkPackage,
    }),
  ],
  [
    'standardwebhooks',
    docSnippet<Receive>('receivers.md', 'recipient-verify-standardwebhooks', 'receiveWebhook'),
  ],
];

describe.each(snippets)(
  'docs/receivers.md with %s: a recipient verifies, dedupes and orders real deliveries',
  (_, receive) => {
    const stack = useStack();

    it('accepts genuine deliveries once, flags duplicates and stale events, rejects forgeries', async () => {
      const receiver = await stack.receivers.start();
      const { app, as } = await tenantWithApplication(stack.client);
      const webhook = await addWebhook(as, app.id, { url: receiver.url });
      const older = await sendEvent(as, app.id, { data: { applicantId: 'appl_1', step: 1 } });
      await finishedDelivery(as, app.id, older, webhook.id);
      const newer = await sendEvent(as, app.id, { data: { applicantId: 'appl_1', step: 2 } });
      await finishedDelivery(as, app.id, newer, webhook.id);
      const [first, second] = receiver.requests;
      const headersOf = (r: (typeof receiver.requests)[number]) => r.headers as Record<string, string>;
      const store = { seen: new Set<string>(), latest: new Map<string, number>() };

      // Processed out of order, as a retry can cause: the newer first, then the older is stale.
      expect(receive(second.body, headersOf(second), webhook.secret, store)).toMatchObject({
        status: 'new',
        event: { id: newer },
      });
      expect(receive(first.body, headersOf(first), webhook.secret, store)).toMatchObject({
        status: 'stale',
        event: { id: older },
      });
      expect(receive(second.body, headersOf(second), webhook.secret, store).status).toBe('duplicate');

      expect(() =>
        receive(first.body.replace('appl_1', 'appl_2'), headersOf(first), webhook.secret, store),
      ).toThrow();
      expect(() =>
        receive(first.body, headersOf(first), 'whsec_' + Buffer.alloc(32, 9).toString('base64'), store),
      ).toThrow();
      const stale = webhookHeaders(
        [webhook.secret],
        older,
        Math.floor(Date.now() / 1000) - 10 * 60,
        first.body,
      );
      expect(() =>
        receive(first.body, stale, webhook.secret, { seen: new Set(), latest: new Map() }),
      ).toThrow(/timestamp/i);
    });
  },
);
