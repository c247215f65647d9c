import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Settings {
  baseUrl: string;
  token?: string;
}

/** The user's config directory (AW_CONFIG_DIR, else $XDG_CONFIG_HOME or ~/.config, /applications-webhooks). */
const configDir = () =>
  process.env.AW_CONFIG_DIR ??
  join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'applications-webhooks');

/** What `login` kept, overridden by AW_TOKEN and AW_BASE_URL. */
export function loadSettings(): Settings {
  const file = join(configDir(), 'config.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Settings>) : {};
  return {
    baseUrl: process.env.AW_BASE_URL ?? kept.baseUrl ?? 'http://127.0.0.1:3000',
    token: process.env.AW_TOKEN ?? kept.token,
  };
}

/** Keeps the settings readable by the user alone; returns the file. */
export function saveSettings(settings: Settings): string {
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const file = join(configDir(), 'config.json');
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
