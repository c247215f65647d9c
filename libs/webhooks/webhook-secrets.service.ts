import { Injectable } from '@nestjs/common';
import { MasterKeyring, sealContext } from '../crypto/master-keyring';
import { WebhookNotFoundError } from '../domain/errors';
import { WebhookSecretsRepository } from '../persistence/repositories/webhook-secrets.repository';
import type { WebhookHeader } from '../persistence/schemas/webhook.schema';
import type { WebhookSecret } from '../persistence/schemas/webhook-secret.schema';
import { SEALED_FIELDS } from '../persistence/sealed-fields';
import { CustomHeader, isSensitiveHeader } from './custom-headers';
import type { WebhookSignature } from '../domain/webhooks';
import { generateSigningSecret, verificationKeyOf } from './signing';

/** A webhook's secrets as sending needs them, in clear. */
export interface SendingSecrets {
  signing: { secret: string; expiresAt: Date | null }[];
  headers: Record<string, string>;
}

/** Every secret that signs at `now`: the newest, and earlier ones still within their overlap. */
export const signingSecretsAt = (signing: SendingSecrets['signing'], now: Date): string[] =>
  signing.filter((s, i) => i === 0 || (s.expiresAt && s.expiresAt > now)).map((s) => s.secret);

const FIELD = SEALED_FIELDS.webhookSecret.field;
const headerSecretId = (webhookId: string, key: string) => `${webhookId}:header:${key.toLowerCase()}`;
const signingSecretId = (webhookId: string, version: number) => `${webhookId}:signing:${version}`;
const versionOf = (signingSecret: Pick<WebhookSecret, '_id'>) => Number(signingSecret._id.split(':').pop());
/** Signing secrets newest (highest version) first. */
const newestFirst = <T extends Pick<WebhookSecret, '_id'>>(secrets: T[]) =>
  [...secrets].sort((a, b) => versionOf(b) - versionOf(a));

/** A webhook's signing secrets and sensitive header values: sealed at rest, opened to sign and send. */
@Injectable()
export class WebhookSecretsService {
  constructor(
    private readonly keyring: MasterKeyring,
    private readonly secrets: WebhookSecretsRepository,
  ) {}

  /**
   * A new signing secret of the scheme; earlier ones keep signing until `previousValidUntil` (now
   * by default). Inserting the next version decides: calls that raced for it all answer with the
   * secret that won (`issued` false for them), and only lower versions are ever expired. Answers
   * what the receiver verifies with (an ed25519 secret key's public key: see verificationKeyOf).
   */
  async issueSigningSecret(
    webhookId: string,
    previousValidUntil = new Date(),
    scheme: WebhookSignature = 'hmac-sha256',
  ): Promise<{ secret: string; issued: boolean }> {
    const earlier = await this.secrets.list(webhookId, 'signing');
    const id = signingSecretId(webhookId, Math.max(0, ...earlier.map(versionOf)) + 1);
    let secret = generateSigningSecret(scheme);
    const issued = await this.secrets.insert({
      id,
      webhookId,
      kind: 'signing',
      seal: (recordId) => this.seal(secret, recordId),
    });
    if (!issued) {
      const winner = await this.secrets.findById(id);
      // Gone between the two writes: the webhook was deleted meanwhile.
      if (!winner) throw new WebhookNotFoundError(webhookId);
      secret = this.open(winner.secret, winner._id);
    }
    await this.secrets.expire(
      earlier.map((s) => s._id),
      previousValidUntil,
    );
    return { secret: verificationKeyOf(secret), issued };
  }

  /** What the receiver verifies the newest signing secret's signatures with. */
  async currentVerificationKey(webhookId: string): Promise<string | null> {
    const [newest] = newestFirst(await this.secrets.list(webhookId, 'signing'));
    return newest ? verificationKeyOf(this.open(newest.secret, newest._id)) : null;
  }

  /**
   * What sending to the webhook needs, opened, from one read: its signing secrets (newest first, with
   * their ends) and its custom headers' values.
   */
  async forSending(webhookId: string, headers: WebhookHeader[]): Promise<SendingSecrets> {
    const all = await this.secrets.list(webhookId);
    const signing = newestFirst(all.filter((s) => s.kind === 'signing')).map((s) => ({
      secret: this.open(s.secret, s._id),
      expiresAt: s.expiresAt,
    }));
    const sealedHeaders = new Map(all.filter((s) => s.kind === 'header').map((s) => [s._id, s]));
    return { signing, headers: this.headerValuesFrom(webhookId, headers, sealedHeaders) };
  }

  /**
   * Stores headers as the webhook record keeps them: sensitive values sealed here and null in the
   * record; values of headers no longer present are deleted.
   */
  async storeHeaders(
    webhookId: string,
    headers: CustomHeader[],
    previous: WebhookHeader[] = [],
  ): Promise<WebhookHeader[]> {
    const stored: WebhookHeader[] = [];
    for (const { key, value } of headers) {
      if (!isSensitiveHeader(key)) {
        stored.push({ key, value, sensitive: false });
        continue;
      }
      await this.secrets.put({
        id: headerSecretId(webhookId, key),
        webhookId,
        kind: 'header',
        seal: (recordId) => this.seal(value, recordId),
      });
      stored.push({ key, value: null, sensitive: true });
    }
    const kept = new Set(stored.filter((h) => h.sensitive).map((h) => h.key.toLowerCase()));
    const dropped = previous.filter((h) => h.sensitive && !kept.has(h.key.toLowerCase()));
    await this.secrets.delete(dropped.map((h) => headerSecretId(webhookId, h.key)));
    return stored;
  }

  /** The headers to send, values in clear. */
  async headerValues(webhookId: string, headers: WebhookHeader[]): Promise<Record<string, string>> {
    const sealed = new Map((await this.secrets.list(webhookId, 'header')).map((s) => [s._id, s]));
    return this.headerValuesFrom(webhookId, headers, sealed);
  }

  private headerValuesFrom(
    webhookId: string,
    headers: WebhookHeader[],
    sealed: Map<string, WebhookSecret>,
  ): Record<string, string> {
    const values: Record<string, string> = {};
    for (const header of headers) {
      if (!header.sensitive) values[header.key] = header.value ?? '';
      else {
        const secret = sealed.get(headerSecretId(webhookId, header.key));
        if (secret) values[header.key] = this.open(secret.secret, secret._id);
      }
    }
    return values;
  }

  async deleteForWebhooks(webhookIds: string[]): Promise<void> {
    await this.secrets.deleteForWebhooks(webhookIds);
  }

  private seal(value: string, recordId: string) {
    return this.keyring.seal(Buffer.from(value, 'utf8'), sealContext(recordId, FIELD));
  }

  private open(sealed: Parameters<MasterKeyring['open']>[0], recordId: string): string {
    return this.keyring.open(sealed, sealContext(recordId, FIELD)).toString('utf8');
  }
}
