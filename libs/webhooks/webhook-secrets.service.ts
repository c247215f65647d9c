import { Injectable } from '@nestjs/common';
import { MasterKeyring, sealContext } from '../crypto/master-keyring';
import { WebhookSecretsRepository } from '../persistence/repositories/webhook-secrets.repository';
import type { EndpointHeader } from '../persistence/schemas/webhook-endpoint.schema';
import { SEALED_FIELDS } from '../persistence/sealed-fields';
import { CustomHeader, isSensitiveHeader } from './custom-headers';
import { generateSigningSecret } from './signing';

const FIELD = SEALED_FIELDS.webhookSecret.field;
const headerSecretId = (endpointId: string, key: string) => `${endpointId}:header:${key.toLowerCase()}`;

/** An endpoint's signing secrets and sensitive header values: sealed at rest, opened to sign and send. */
@Injectable()
export class WebhookSecretsService {
  constructor(
    private readonly keyring: MasterKeyring,
    private readonly secrets: WebhookSecretsRepository,
  ) {}

  /** A new signing secret; earlier ones keep signing until `previousValidUntil` (now by default). */
  async issueSigningSecret(endpointId: string, previousValidUntil = new Date()): Promise<string> {
    const secret = generateSigningSecret();
    const id = `${endpointId}:signing:${(await this.secrets.count(endpointId, 'signing')) + 1}`;
    await this.secrets.put({
      id,
      endpointId,
      kind: 'signing',
      seal: (recordId) => this.seal(secret, recordId),
    });
    await this.secrets.expireAllBut(endpointId, 'signing', id, previousValidUntil);
    return secret;
  }

  /** The newest signing secret. */
  async currentSigningSecret(endpointId: string): Promise<string | null> {
    const [newest] = await this.secrets.list(endpointId, 'signing');
    return newest ? this.open(newest.secret, newest._id) : null;
  }

  /** Every secret that signs now: the newest, and earlier ones still within their overlap. */
  async signingSecrets(endpointId: string, now: Date): Promise<string[]> {
    const all = await this.secrets.list(endpointId, 'signing');
    return all
      .filter((s, i) => i === 0 || (s.expiresAt && s.expiresAt > now))
      .map((s) => this.open(s.secret, s._id));
  }

  /**
   * Stores headers as the endpoint record keeps them: sensitive values sealed here and null in the
   * record; values of headers no longer present are deleted.
   */
  async storeHeaders(
    endpointId: string,
    headers: CustomHeader[],
    previous: EndpointHeader[] = [],
  ): Promise<EndpointHeader[]> {
    const stored: EndpointHeader[] = [];
    for (const { key, value } of headers) {
      if (!isSensitiveHeader(key)) {
        stored.push({ key, value, sensitive: false });
        continue;
      }
      await this.secrets.put({
        id: headerSecretId(endpointId, key),
        endpointId,
        kind: 'header',
        seal: (recordId) => this.seal(value, recordId),
      });
      stored.push({ key, value: null, sensitive: true });
    }
    const kept = new Set(stored.filter((h) => h.sensitive).map((h) => h.key.toLowerCase()));
    const dropped = previous.filter((h) => h.sensitive && !kept.has(h.key.toLowerCase()));
    await this.secrets.delete(dropped.map((h) => headerSecretId(endpointId, h.key)));
    return stored;
  }

  /** The headers to send, values in clear. */
  async headerValues(endpointId: string, headers: EndpointHeader[]): Promise<Record<string, string>> {
    const sealed = new Map((await this.secrets.list(endpointId, 'header')).map((s) => [s._id, s]));
    const values: Record<string, string> = {};
    for (const header of headers) {
      if (!header.sensitive) values[header.key] = header.value ?? '';
      else {
        const secret = sealed.get(headerSecretId(endpointId, header.key));
        if (secret) values[header.key] = this.open(secret.secret, secret._id);
      }
    }
    return values;
  }

  async deleteForEndpoints(endpointIds: string[]): Promise<void> {
    await this.secrets.deleteForEndpoints(endpointIds);
  }

  private seal(value: string, recordId: string) {
    return this.keyring.seal(Buffer.from(value, 'utf8'), sealContext(recordId, FIELD));
  }

  private open(sealed: Parameters<MasterKeyring['open']>[0], recordId: string): string {
    return this.keyring.open(sealed, sealContext(recordId, FIELD)).toString('utf8');
  }
}
