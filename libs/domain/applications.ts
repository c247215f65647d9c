/** Workflow-safe types and constants of applications (no runtime imports beyond libs/domain). */
import { Durations } from './duration';
export const ENCRYPTION_METHODS = ['AES-256-CBC', 'AES-256-GCM'] as const;
export type EncryptionMethod = (typeof ENCRYPTION_METHODS)[number];

export const APPLICATION_MODES = ['test', 'live'] as const;
export type ApplicationMode = (typeof APPLICATION_MODES)[number];

export const APPLICATION_STATUSES = ['provisioning', 'active', 'deleting'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const CRYPTO_KEY_STATUSES = ['current', 'retiring', 'revoked'] as const;
export type CryptoKeyStatus = (typeof CRYPTO_KEY_STATUSES)[number];

export const ACTOR_KINDS = ['operator', 'workspace', 'schedule', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
/** Who asked for something, as audit records name it: a kind and an ID, never a credential. */
export interface ActorRef {
  kind: ActorKind;
  id: string | null;
}

/** Something asked of one application, by someone: the input of most application activities. */
export interface ApplicationRequest {
  applicationId: string;
  requestedBy: ActorRef;
}

export interface CryptoKeyRotationSettings {
  everyMs: number;
  graceWindowMs: number;
}

/**
 * How long an application's webhook data is kept: event payloads and receivers' answers for
 * `payloadsMs`; the metadata the failed view and audit need (IDs, type, subject, status, error,
 * times) for `metadataMs`, then that too.
 */
export interface RetentionSettings {
  payloadsMs: number;
  metadataMs: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  payloadsMs: 30 * Durations.DAY,
  metadataMs: 90 * Durations.DAY,
};
/** An application's retention, its own or the defaults. */
export const retentionOf = (application: { retention?: RetentionSettings | null }): RetentionSettings =>
  application.retention ?? DEFAULT_RETENTION;
/** Payloads: 1 day to 1 year; metadata: as long as payloads or longer, up to 3 years. */
export const RETENTION_BOUNDS = {
  min: Durations.DAY,
  payloadsMax: Durations.YEAR,
  metadataMax: 3 * Durations.YEAR,
};

/** What the provisioning workflow is given: the application as the API validated it. No secrets. */
export interface ProvisionApplicationInput {
  applicationId: string;
  workspaceId: string;
  name: string;
  description: string | null;
  redirectUrl: string | null;
  encryptionMethod: EncryptionMethod;
  mode: ApplicationMode;
  cryptoKeyRotation: CryptoKeyRotationSettings | null;
  encryptWebhooks: boolean;
  /** Absent in provisionings started before retention existed (then the defaults). */
  retention?: RetentionSettings;
  requestedBy: ActorRef;
}

export interface RotateCryptoKeyInput {
  applicationId: string;
  graceWindowMs: number;
  requestedBy: ActorRef;
}

export interface CryptoKeyRotationResult {
  applicationId: string;
  previousVersion: number;
  newVersion: number;
  /** When the previous version stopped working (ISO 8601). */
  previousRevokedAt: string;
}
