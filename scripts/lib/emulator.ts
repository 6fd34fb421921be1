import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { guard } from './guardian';

export const EMULATOR_REGION = 'eu-west-1';

/** Credentials for the emulator only: moto accepts any, and these never reach AWS. */
export const EMULATOR_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } as const;

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.once('listening', () => server.close(() => resolve(true)));
    server.listen(port, host);
  });
}

export async function assertPortFree(port: number, variable: string): Promise<void> {
  if (!(await portIsFree(port))) {
    throw new StartupError(`Port ${port} is already in use. Stop what is using it, or set ${variable} to another port.`);
  }
}

/** A free loopback port picked by the OS, for tests that run several stages side by side. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function assertMotoInstalled(): void {
  const found = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    throw new StartupError(
      "moto_server was not found on PATH. Install the local AWS emulator with: pip install 'moto[server]>=5,<6'",
    );
  }
}

export interface Emulator {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new StartupError(`moto_server exited with code ${child.exitCode} while starting`);
    try {
      const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'GET', signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new StartupError(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

const ATOMIC_SERVER = path.join(__dirname, '..', 'emulator', 'moto_atomic_server.py');

/**
 * The Python interpreter that runs moto_server (read from its shebang), so the atomic wrapper
 * imports the same moto installation; python3 when the shebang cannot be read (e.g. pyenv shims).
 */
function motoPython(): string {
  const which = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' });
  if (which.status === 0) return 'python3';
  const located = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).stdout.trim();
  try {
    const shebang = readFileSync(located, 'utf8').split('\n')[0];
    if (shebang.startsWith('#!') && shebang.includes('python')) return shebang.slice(2).trim().split(' ')[0];
  } catch {
    // fall through
  }
  return 'python3';
}

/**
 * Starts moto (moto_server's application, with DynamoDB requests serialised so writes stay atomic
 * as on AWS: scripts/emulator/moto_atomic_server.py) on loopback and resolves once it answers.
 */
export async function startEmulator(port: number, options: { log?: (line: string) => void } = {}): Promise<Emulator> {
  assertMotoInstalled();
  const child = spawn(motoPython(), [ATOMIC_SERVER, '127.0.0.1', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'false' },
  });
  guard(child);
  const forward = (chunk: Buffer) => options.log?.(chunk.toString());
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child, 30_000);
  return {
    endpoint,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Environment that points the unchanged production code at the emulator. */
export function emulatorEnvironment(endpoint: string): Record<string, string> {
  return {
    ...EMULATOR_CREDENTIALS,
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
