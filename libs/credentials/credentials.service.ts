import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateToken } from '../auth/tokens';
import { decryptJson, encryptJson, Envelope, parseEnvelope } from '../crypto/envelope';
import { MasterKeyring, SealedSecret, sealContext } from '../crypto/master-keyring';
import type { ApplicationMode } from '../domain/applications';
import { ApplicationsRepository } from '../persistence/repositories/applications.repository';
import { SEALED_FIELDS } from '../persistence/sealed-fields';
import { CryptoKeysRepository } from '../persistence/repositories/crypto-keys.repository';
import { PrivateAppKeysRepository } from '../persistence/repositories/private-app-keys.repository';
import type { Application } from '../persistence/schemas/application.schema';
import { NotProvisionedError } from '../domain/errors';
import { RotationTrigger, ServiceMetrics } from '../observability/service-metrics';

export interface Credentials {
  applicationId: string;
  /** base64 of the 32-byte Crypto Key */
  cryptoKey: string;
  cryptoKeyVersion: number;
  privateAppKey: string;
}

/** The envelope names a Crypto Key version that does not exist or no longer works. */
export class CryptoKeyUnusableError extends Error {
  override name = 'CryptoKeyUnusableError';
}

const privateAppKeyPrefix = (mode: ApplicationMode) => (mode === 'live' ? 'pak_live' : 'pak_test');
const MATERIAL = (recordId: string) => sealContext(recordId, SEALED_FIELDS.cryptoKeyMaterial.field);
const PRIVATE_APP_KEY = (recordId: string) => sealContext(recordId, SEALED_FIELDS.privateAppKey.field);

/**
 * An application's keys: generating, rotating and revoking them, reading them back, and
 * encrypting or decrypting with them. Key material is sealed under the master key at rest and
 * leaves this service only towards the customer (credentials) or inside an envelope.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly keyring: MasterKeyring,
    private readonly applications: ApplicationsRepository,
    private readonly cryptoKeys: CryptoKeysRepository,
    private readonly privateAppKeys: PrivateAppKeysRepository,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** Crypto Key version 1 and the Private App Key, unless it has them: a retry issues nothing twice. */
  async issueInitialKeys(application: Application, issuedBy: string): Promise<void> {
    if ((await this.cryptoKeys.latestVersion(application._id)) === 0) {
      await this.insertNextCryptoKey(application._id, issuedBy);
    }
    const current = await this.cryptoKeys.findCurrent(application._id);
    if (current) await this.applications.setCurrentCryptoKeyVersion(application._id, current.version);
    // Version 1 once: a concurrent or repeated provisioning finds it inserted.
    if (!(await this.privateAppKeys.findActive(application._id)))
      await this.issuePrivateAppKey(application, 1);
  }

  /**
   * A new Crypto Key version, current at once; older current versions retire until `retiringUntil`
   * (or are revoked at once when it is null). Idempotent on `rotationId`, and convergent: a retry
   * after a crash finishes what the first attempt began.
   */
  async rotateCryptoKey(
    applicationId: string,
    rotationId: string,
    retiringUntil: Date | null,
    trigger: RotationTrigger,
  ): Promise<{ previousVersion: number; newVersion: number }> {
    let created = await this.cryptoKeys.findCreatedBy(applicationId, rotationId);
    if (!created) {
      created = await this.insertNextCryptoKey(applicationId, rotationId);
      this.metrics.keyRotated('crypto_key', trigger);
    }
    await this.cryptoKeys.retireOlderThan(applicationId, created.version, retiringUntil);
    await this.applications.setCurrentCryptoKeyVersion(applicationId, created.version);
    return { previousVersion: created.version - 1, newVersion: created.version };
  }

  async revokeCryptoKey(applicationId: string, version: number, at: Date): Promise<void> {
    await this.cryptoKeys.revoke(applicationId, version, at);
  }

  async credentials(application: Application): Promise<Credentials> {
    const [key, privateAppKey] = await Promise.all([
      this.cryptoKeys.findCurrent(application._id),
      this.privateAppKeys.findActive(application._id),
    ]);
    if (application.status !== 'active' || !key || !privateAppKey) {
      throw new NotProvisionedError(application._id);
    }
    return {
      applicationId: application._id,
      cryptoKey: this.keyring.open(key.material, MATERIAL(key._id)).toString('base64'),
      cryptoKeyVersion: key.version,
      privateAppKey: this.openPrivateAppKey(privateAppKey),
    };
  }

  /**
   * A new Private App Key; every earlier one stops authenticating at once. The insert of the next
   * version decides: calls that raced for the same version (a double click, a client's retry) all
   * answer with the one key that won (`issued` false for them), so no caller holds a key that
   * never worked.
   */
  async regeneratePrivateAppKey(
    application: Application,
  ): Promise<{ privateAppKey: string; version: number; issued: boolean }> {
    const version = (await this.privateAppKeys.latestVersion(application._id)) + 1;
    const issued = await this.issuePrivateAppKey(application, version);
    const key = issued ?? (await this.privateAppKeys.findVersion(application._id, version));
    // Gone between the two reads: the application was deleted meanwhile.
    if (!key) throw new NotProvisionedError(application._id);
    // The winner revokes the older keys; a loser does it too, in case the winner stopped before.
    await this.privateAppKeys.revokeOlderThan(application._id, version);
    if (issued) this.metrics.keyRotated('private_app_key', 'manual');
    return { privateAppKey: this.openPrivateAppKey(key), version, issued: Boolean(issued) };
  }

  /** The application a live Private App Key belongs to, or null (unknown or revoked key). */
  async applicationOfPrivateAppKey(
    token: string,
  ): Promise<{ applicationId: string; workspaceId: string } | null> {
    const key = await this.privateAppKeys.findActiveByToken(token);
    return key && { applicationId: key.applicationId, workspaceId: key.workspaceId };
  }

  /** Encrypts with the current Crypto Key and the application's method. */
  async encrypt(application: Application, value: unknown): Promise<Envelope> {
    const key = await this.cryptoKeys.findCurrent(application._id);
    if (!key) throw new NotProvisionedError(application._id);
    const material = this.keyring.open(key.material, MATERIAL(key._id));
    return encryptJson(
      value,
      application.encryptionMethod,
      { material, version: key.version },
      application._id,
    );
  }

  /**
   * Decrypts an envelope the customer made, with the version it names while that version is
   * current or within its grace window. Throws EnvelopeError or CryptoKeyUnusableError.
   */
  async decrypt(application: Application, untrusted: unknown): Promise<unknown> {
    const envelope = parseEnvelope(untrusted);
    if (envelope.alg !== application.encryptionMethod) {
      throw new CryptoKeyUnusableError(
        `this application encrypts with ${application.encryptionMethod}, not ${envelope.alg}`,
      );
    }
    const key = await this.cryptoKeys.find(application._id, envelope.kid);
    if (!key) throw new CryptoKeyUnusableError(`Crypto Key version ${envelope.kid} does not exist`);
    if (key.status === 'revoked') {
      throw new CryptoKeyUnusableError(
        `Crypto Key version ${envelope.kid} was revoked at ${key.revokedAt?.toISOString()}; encrypt with the current version`,
      );
    }
    return decryptJson(envelope, this.keyring.open(key.material, MATERIAL(key._id)), application._id);
  }

  async deleteAll(applicationId: string): Promise<void> {
    await Promise.all([
      this.cryptoKeys.deleteAll(applicationId),
      this.privateAppKeys.deleteAll(applicationId),
    ]);
  }

  private async insertNextCryptoKey(applicationId: string, createdBy: string) {
    const material = randomBytes(32);
    for (;;) {
      const version = (await this.cryptoKeys.latestVersion(applicationId)) + 1;
      const inserted = await this.cryptoKeys.insertCurrent({
        applicationId,
        version,
        createdBy,
        material: (id) => this.keyring.seal(material, MATERIAL(id)),
      });
      // Lost a race for this version number to another rotation: take the next one.
      if (inserted) return (await this.cryptoKeys.find(applicationId, version))!;
    }
  }

  /** Inserts `version` of the key; null when another call inserted that version first. */
  private async issuePrivateAppKey(
    application: Application,
    version: number,
  ): Promise<{ _id: string; key: SealedSecret } | null> {
    const token = generateToken(privateAppKeyPrefix(application.mode));
    let sealed: { _id: string; key: SealedSecret } | undefined;
    const inserted = await this.privateAppKeys.insert({
      token,
      applicationId: application._id,
      workspaceId: application.workspaceId,
      version,
      seal: (recordId) => {
        sealed = {
          _id: recordId,
          key: this.keyring.seal(Buffer.from(token, 'utf8'), PRIVATE_APP_KEY(recordId)),
        };
        return sealed.key;
      },
    });
    return inserted ? sealed! : null;
  }

  private openPrivateAppKey(record: { _id: string; key: SealedSecret }): string {
    return this.keyring.open(record.key, PRIVATE_APP_KEY(record._id)).toString('utf8');
  }
}
