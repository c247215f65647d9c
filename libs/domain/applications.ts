/** Workflow-safe types and constants of applications (no runtime imports). */
export const ENCRYPTION_METHODS = ['AES-256-CBC', 'AES-256-GCM'] as const;
export type EncryptionMethod = (typeof ENCRYPTION_METHODS)[number];

export const APPLICATION_MODES = ['test', 'live'] as const;
export type ApplicationMode = (typeof APPLICATION_MODES)[number];

export const APPLICATION_STATUSES = ['provisioning', 'active', 'deleting'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const CRYPTO_KEY_STATUSES = ['current', 'retiring', 'revoked'] as const;
export type CryptoKeyStatus = (typeof CRYPTO_KEY_STATUSES)[number];
