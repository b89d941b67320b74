/**
 * The one typed configuration of both apps. It is read from the environment exactly once, at
 * boot, by {@link loadConfig}; nothing else in the code base reads `process.env`.
 */
export interface AppConfig {
  env: 'development' | 'test' | 'production';
  databaseUrl: string;
  redisUrl: string;
  port: number;
  workerHealthPort: number;
  /** Prefix of every BullMQ key, so several deployments (or test runs) can share one Redis. */
  queuePrefix: string;
  /**
   * Redis Cluster: give each queue the prefix `{<queuePrefix>-<queue>}`, a hash tag, so a queue's
   * keys share one slot (as BullMQ's scripts need) and the queues spread over the cluster.
   */
  queueHashTags: boolean;
  /** PKCS#8 PEM of the Ed25519 ledger key when given in the environment. */
  ledgerSigningKeyPem: string | null;
  /** Where the ledger key is generated and kept when it is not given in the environment. */
  ledgerKeyFile: string;
  /**
   * Raw Ed25519 public keys (base64url, as GET /api/v1/keys publishes them) of keys the ledger was
   * signed with before the current one: checkpoints and labels they signed still verify.
   */
  ledgerRetiredPublicKeys: string[];
  /** The 32-byte key webhook secrets are sealed with (WEBHOOK_SECRETS_KEY), or null for the key file next to the ledger key. */
  webhookSecretsKey: Buffer | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Requests per token (or per address when anonymous) per minute. */
  rateLimitPerMinute: number;
  bodyLimit: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function readUrl(env: Env, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name] ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got ${url.protocol})`);
  }
  if (!url.hostname) throw new ConfigError(name, 'has no host');
  return raw;
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, 'must be a whole number');
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return value;
}

function readEnum<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

function readSigningKey(env: Env): string | null {
  const raw = env.LEDGER_SIGNING_KEY;
  if (raw === undefined || raw === '') return null;
  // Accept the PEM itself or its base64 (easier to pass through container environments).
  const pem = raw.includes('BEGIN') ? raw : Buffer.from(raw, 'base64').toString('utf8');
  if (!pem.includes('BEGIN PRIVATE KEY')) {
    throw new ConfigError('LEDGER_SIGNING_KEY', 'must be an Ed25519 private key in PKCS#8 PEM (or its base64)');
  }
  return pem;
}

function readSecretsKey(env: Env): Buffer | null {
  const raw = env.WEBHOOK_SECRETS_KEY;
  if (raw === undefined || raw === '') return null;
  const key = Buffer.from(raw, /[-_]/.test(raw) ? 'base64url' : 'base64');
  if (key.length !== 32) throw new ConfigError('WEBHOOK_SECRETS_KEY', 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
  return key;
}

function readRetiredKeys(env: Env): string[] {
  const raw = env.LEDGER_RETIRED_PUBLIC_KEYS;
  if (raw === undefined || raw.trim() === '') return [];
  const keys = raw.split(',').map((k) => k.trim()).filter((k) => k.length > 0);
  for (const key of keys) {
    if (!/^[A-Za-z0-9_-]{43}$/.test(key)) {
      throw new ConfigError('LEDGER_RETIRED_PUBLIC_KEYS', 'must be a comma-separated list of raw Ed25519 public keys in base64url (43 characters each)');
    }
  }
  return keys;
}

export function loadConfig(env: Env): AppConfig {
  const nodeEnv = readEnum(env, 'NODE_ENV', 'development', ['development', 'test', 'production'] as const);
  const queuePrefix = env.QUEUE_PREFIX ?? 'wl';
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX', 'must be 1-40 letters, digits, "-" or "_"');
  }
  const bodyLimit = env.BODY_LIMIT ?? '2mb';
  if (!/^\d+(kb|mb)$/.test(bodyLimit)) throw new ConfigError('BODY_LIMIT', 'must look like 512kb or 2mb');
  return {
    env: nodeEnv,
    databaseUrl: readUrl(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/wasteledger', ['postgres:', 'postgresql:']),
    redisUrl: readUrl(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    port: readInt(env, 'PORT', 3000, 0, 65535),
    workerHealthPort: readInt(env, 'WORKER_HEALTH_PORT', 3001, 0, 65535),
    queuePrefix,
    queueHashTags: readEnum(env, 'QUEUE_HASH_TAGS', 'false', ['true', 'false'] as const) === 'true',
    ledgerSigningKeyPem: readSigningKey(env),
    ledgerKeyFile: env.LEDGER_KEY_FILE || 'var/ledger-signing-key.pem',
    ledgerRetiredPublicKeys: readRetiredKeys(env),
    webhookSecretsKey: readSecretsKey(env),
    logLevel: readEnum(env, 'LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info', LOG_LEVELS),
    rateLimitPerMinute: readInt(env, 'RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
    bodyLimit,
  };
}

/** The database name in a Postgres URL. */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
}
