import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/lib/emulator';
import { ROOT } from '../support/paths';

const run = promisify(execFile);

async function start(env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/start.ts')], {
      cwd: ROOT,
      // The integration setup exports its own stand-in provider's port; this stage needs a free one.
      env: { ...process.env, SOCIAL_PROVIDER_PORT: String(await freePort()), ...env },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

describe('npm start, when it cannot start', () => {
  it('when the API port is taken, it names the port and the variable to change, and exits 1', async () => {
    // Prepare
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      // Act
      const result = await start({ PORT: String(port), LAMBDA_PORT: String(await freePort()), AWS_EMULATOR_PORT: String(await freePort()) });
      // Assess
      expect(result.code).toBe(1);
      expect(result.output).toContain(`Port ${port} is already in use`);
      expect(result.output).toContain('set PORT to another port');
    } finally {
      busy.close();
    }
  });

  it('when moto_server is not installed, it says how to install it', async () => {
    const result = await start({
      PATH: path.dirname(process.execPath), // node only: no moto_server
      PORT: String(await freePort()),
      LAMBDA_PORT: String(await freePort()),
      AWS_EMULATOR_PORT: String(await freePort()),
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('moto_server was not found');
    expect(result.output).toContain("pip install 'moto[server]");
  });

  it('when a port variable is not a port number, it says so', async () => {
    const result = await start({ PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.output).toContain('PORT must be a port number');
  });
});
