import { ConfigurationError } from './errors.ts';

/**
 * Reads a required environment variable. Functions call this at module scope (cold start), so a
 * missing setting fails the first invocation loudly instead of half-working.
 *
 * @example
 * const tableName = requireEnv('DEDUP_TABLE_NAME');
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigurationError(`environment variable ${name} is required`);
  return value;
}

/**
 * Reads an optional integer environment variable.
 *
 * @example
 * const windowSeconds = intEnv('SLUICE_DEDUP_WINDOW_SECONDS', 1_209_600);
 */
export function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ConfigurationError(`environment variable ${name} must be an integer, got "${raw}"`);
  return value;
}
