/** The environment variable that lists the enabled services, comma-separated (`s3,queue`); unset or `*`: all. */
export const SERVICES_ENV = 'MINICLOUD_SERVICES';

/** The environment variable that sets the port `minicloud serve` listens on (`0`: a free port). */
export const PORT_ENV = 'MINICLOUD_PORT';

/** The port minicloud listens on by default, LocalStack's edge port. */
export const DEFAULT_PORT = 4566;

/** minicloud's configuration, read from the environment like LocalStack's. */
export interface MinicloudConfig {
  /** The host the server binds to; always loopback, minicloud is a local emulator. */
  readonly host: string;
  /** The port the server listens on; 0 picks a free one. */
  readonly port: number;
  /** The services `MINICLOUD_SERVICES` enables, or `undefined` when it enables every service. */
  readonly services?: readonly string[];
}

type Env = Record<string, string | undefined>;

/**
 * Reads minicloud's configuration from `env`.
 *
 * @throws RangeError when `MINICLOUD_PORT` is not a port number.
 * @example
 * ```ts
 * readConfig({ MINICLOUD_SERVICES: 's3, queue', MINICLOUD_PORT: '0' });
 * // { host: '127.0.0.1', port: 0, services: ['s3', 'queue'] }
 * ```
 */
export function readConfig(env: Env = process.env): MinicloudConfig {
  const services = parseServices(env[SERVICES_ENV]);
  return { host: '127.0.0.1', port: parsePort(env[PORT_ENV]), ...(services && { services }) };
}

/**
 * Whether `MINICLOUD_SERVICES` in `env` enables the service: every service does when the variable is unset, empty
 * or `*`. This is what every service plugin's `shouldLoad()` answers.
 */
export function isServiceEnabled(service: string, env: Env = process.env): boolean {
  const services = parseServices(env[SERVICES_ENV]);
  return services === undefined || services.includes(service);
}

/**
 * Why a service plugin that `MINICLOUD_SERVICES` left out is disabled, or `undefined` when it is enabled: the
 * detail an application adds to plux's generic "Load condition for plugin was false".
 */
export function describeServiceSelection(service: string, env: Env = process.env): string | undefined {
  if (isServiceEnabled(service, env)) return undefined;
  return `${service} is not in ${SERVICES_ENV}=${env[SERVICES_ENV]}`;
}

function parseServices(value: string | undefined): string[] | undefined {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length === 0 || names.includes('*') ? undefined : names;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${PORT_ENV}=${value} is not a port number (0-65535; 0 picks a free port)`);
  }
  return port;
}
