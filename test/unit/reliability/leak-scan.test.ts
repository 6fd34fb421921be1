import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectSecrets, scanForLeaks } from '../../support/leak-scan';
import { ROOT } from '../../support/paths';

const FIXTURES = path.join(ROOT, 'test/fixtures/stripe/fixtures3.json');

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'leak-scan-'));
}

function registry(dir: string, entries: Array<{ at: number; label: string; value: string }>): string {
  const file = path.join(dir, 'registry.jsonl');
  writeFileSync(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return file;
}

describe('the leak scanner', () => {
  it('when a registered secret is planted in a log line, it reports that file and line by label, without the value', () => {
    // Prepare
    const dir = scratch();
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const registryFile = registry(dir, [{ at: Date.now(), label: 'signup password', value: password }]);
    writeFileSync(path.join(logs, 'worker-1.log'), `{"level":"INFO","message":"request completed"}\n{"level":"INFO","message":"signup","password":"${password}"}\n`);
    // Act
    const report = scanForLeaks(logs, collectSecrets({ registryFile, env: {} }));
    // Assess
    expect(report.leaks).toEqual([{ file: path.join(logs, 'worker-1.log'), line: 2, label: 'signup password' }]);
    expect(JSON.stringify(report)).not.toContain(password);
  });

  it('when a secret appears JSON-escaped, URL-encoded or base64-encoded, it still finds it', () => {
    const dir = scratch();
    const secret = `s"e\\cr/et+${randomBytes(8).toString('hex')}`;
    const registryFile = registry(dir, [{ at: Date.now(), label: 'token', value: secret }]);
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(path.join(logs, 'a.log'), `${JSON.stringify({ t: secret })}\n?x=${encodeURIComponent(secret)}\n${Buffer.from(secret).toString('base64')}\nclean line\n`);
    const report = scanForLeaks(logs, collectSecrets({ registryFile, env: {} }));
    expect(report.leaks.map((l) => l.line)).toEqual([1, 2, 3]);
  });

  it('when logs hold no secret, it reports none, and it ignores registrations from earlier runs and values too short to match reliably', () => {
    const dir = scratch();
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const old = `old-${randomBytes(8).toString('hex')}`;
    const registryFile = registry(dir, [
      { at: 1000, label: 'old', value: old },
      { at: Date.now(), label: 'short', value: 'abc' },
    ]);
    writeFileSync(path.join(logs, 'a.log'), `${old}\nabc\n`);
    const report = scanForLeaks(logs, collectSecrets({ registryFile, since: Date.now() - 60_000, env: {} }));
    expect(report.leaks).toEqual([]);
  });

  it('includes the webhook secret from the environment and the card field values of the Stripe fixtures automatically', () => {
    const dir = scratch();
    const webhook = `whsec_${randomBytes(16).toString('hex')}`;
    const secrets = collectSecrets({ registryFile: path.join(dir, 'none.jsonl'), fixturesFile: FIXTURES, env: { HELPSHELF_TEST_WEBHOOK_SECRET: webhook } });
    const values = secrets.map((s) => s.value);
    expect(values).toContain(webhook);
    expect(values).toContain('AOB934RVNwzk6xtn'); // card.fingerprint in fixtures3.json
    expect(values).toContain('4242424242424242');
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(path.join(logs, 'b.log'), 'card fingerprint AOB934RVNwzk6xtn\n');
    expect(scanForLeaks(logs, secrets).leaks).toHaveLength(1);
  });
});
