import { Logger } from '@aws-lambda-powertools/logger';
import { redact, redactingReplacer, REDACTED } from '../../../lib/platform/redaction';

describe('log redaction', () => {
  it('removes passwords, tokens, secrets, Authorization headers and card fields at any depth', () => {
    const input = {
      email: 'ada@example.com',
      password: 'correct horse battery staple',
      newPassword: 'another one',
      headers: { Authorization: 'Bearer hs_at_abcdefghijklmnopqrstuvwxyz', 'Content-Type': 'application/json' },
      nested: [{ token: 'hs_vt_0123456789abcdef0123' }, { secret: 'whsec_abc123def456' }],
      card: { brand: 'visa', last4: '4242', exp_month: 8, exp_year: 2030, fingerprint: 'Xt5EWLLDS7FJjR1c' },
      payment_method: { sepa_debit: { iban: 'DE89370400440532013000', routing_number: '110000000' } },
      pepper: 'pepper-value',
    };
    const out = redact(input);
    expect(out.email).toBe('ada@example.com');
    expect(out.password).toBe(REDACTED);
    expect(out.newPassword).toBe(REDACTED);
    expect(out.headers.Authorization).toBe(REDACTED);
    expect(out.headers['Content-Type']).toBe('application/json');
    expect(out.nested).toEqual([{ token: REDACTED }, { secret: REDACTED }]);
    expect(out.card).toBe(REDACTED);
    expect(JSON.stringify(out)).not.toMatch(/4242|2030|Xt5EWLLDS7FJjR1c|DE8937|110000000|pepper-value|correct horse/);
  });

  it('removes token-shaped values even under innocent keys', () => {
    const out = redact({ message: 'login with hs_at_abcdefghijklmnopqrstuvwxyz failed', note: 'Bearer xyz.abc', sig: 'whsec_1234567890ab' });
    expect(JSON.stringify(out)).not.toMatch(/hs_at_abc|xyz\.abc|whsec_1234/);
  });

  it('is wired into the Powertools logger, so logged objects are redacted on the way out', () => {
    const lines: string[] = [];
    const logger = new Logger({ serviceName: 'test', jsonReplacerFn: redactingReplacer });
    // Powertools writes through its own Console; capture what it prints.
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      logger.info('signup attempt', { body: { email: 'a@b.test', password: 'hunter2hunter2' }, authorization: 'Bearer hs_at_zzzzzzzzzzzzzzzzzzzz' });
    } finally {
      spy.mockRestore();
    }
    const text = lines.join('');
    expect(text).toContain('signup attempt');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain('hs_at_zzzz');
  });
});
