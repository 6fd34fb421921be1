import { Logger } from '@aws-lambda-powertools/logger';
import { isSensitiveKey, redact, redactingReplacer, redactString, REDACTED } from '../../../lib/platform/redaction';

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

describe('log redaction, exactly', () => {
  // Each secret-shaped value is replaced whole: the exact output proves no tail of the secret stays behind.
  it.each([
    ['an access token', 'login with hs_at_abcdefghijklmnopqrstuvwxyz failed', 'login with [REDACTED] failed'],
    ['a Stripe webhook secret', 'secret is whsec_abc123def456ghi789 now', 'secret is [REDACTED] now'],
    ['a Stripe live secret key', 'key sk_live_51H8abcdefGHIJKL ok', 'key [REDACTED] ok'],
    ['a Stripe restricted test key', 'key rk_test_51H8abcdefGHIJKL ok', 'key [REDACTED] ok'],
    ['a bearer header with extra spaces', 'Authorization: Bearer   abc.def-ghi', 'Authorization: [REDACTED]'],
    ['a lower-case bearer header', 'authorization: bearer abc.def', 'authorization: [REDACTED]'],
    [
      'an argon2id hash',
      'hash=$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA end',
      'hash=[REDACTED] end',
    ],
    ['an argon2i hash', '$argon2i$v=19$m=4096,t=3,p=1$abc$def', '[REDACTED]'],
  ])('replaces %s whole', (_what, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    ['a short hs_ word that is no token', 'see hs_docs for details'],
    ['a short whsec_ word', 'whsec_x'],
    ['a Stripe prefix without a key', 'sk_live_ is the prefix'],
    ['plain prose', 'a password was changed'],
  ])('leaves %s alone', (_what, input) => {
    expect(redactString(input)).toBe(input);
  });

  it('uses the marker [REDACTED]', () => {
    expect(REDACTED).toBe('[REDACTED]');
    expect(redact({ password: 'x' })).toEqual({ password: '[REDACTED]' });
  });

  it.each([
    'password', 'passwd', 'passphrase', 'currentPassword', 'clientSecret', 'refresh_token', 'authorization', 'Cookie',
    'pepper', 'apiKey', 'api_key', 'api-key', 'Stripe-Signature', 'card', 'cards', 'last4', 'exp_month', 'expMonth',
    'exp_year', 'expYear', 'fingerprint', 'iban', 'routing_number', 'account_number', 'accountNumber', 'cvc', 'cvv',
    'number', 'pan',
  ])('treats the key %s as sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
    expect(redact({ [key]: 'value-1234' })).toEqual({ [key]: REDACTED });
  });

  it.each(['email', 'name', 'discard', 'cardinality', 'phoneNumber', 'numberOfSeats', 'company', 'panel', 'status', 'brand'])(
    'keeps the key %s',
    (key) => {
      expect(isSensitiveKey(key)).toBe(false);
      expect(redact({ [key]: 'value-1234' })).toEqual({ [key]: 'value-1234' });
    },
  );

  it('keeps null and boolean values of sensitive keys (they carry no secret) and drops undefined ones', () => {
    expect(redact({ password: null, secret: false, token: true, pepper: undefined })).toEqual({ password: null, secret: false, token: true });
  });

  it('redacts numbers under sensitive keys', () => {
    expect(redact({ card: { number: 4242424242424242, cvc: 123, brand: 'visa' } })).toEqual({ card: REDACTED });
    expect(redact({ exp_month: 8, brand: 'visa' })).toEqual({ exp_month: REDACTED, brand: 'visa' });
  });

  it('redacts a top-level string value too', () => {
    expect(redact('Bearer abc')).toBe(REDACTED);
    expect(JSON.stringify('x hs_at_abcdefghijklmnopqrstuvwxyz', redactingReplacer)).toBe('"x [REDACTED]"');
  });
});
