import { SecretReader } from '../../../lib/platform/secrets';
import { setClock } from '../../../lib/platform/time';

describe('the secrets reader', () => {
  afterEach(() => setClock(undefined));

  it('fetches a secret once while cached, and again after the TTL', async () => {
    // Prepare
    setClock('2026-11-24T10:00:00Z');
    const fetch = jest.fn(async (id: string) => `value-of-${id}`);
    const reader = new SecretReader({ ttlMs: 60_000, fetch });
    // Act
    await reader.getString('a');
    await reader.getString('a');
    // Assess
    expect(fetch).toHaveBeenCalledTimes(1);
    setClock('2026-11-24T10:01:01Z');
    expect(await reader.getString('a')).toBe('value-of-a');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('shares one request between concurrent cold reads', async () => {
    const fetch = jest.fn(async () => 'v');
    const reader = new SecretReader({ fetch });
    await Promise.all([reader.getString('x'), reader.getString('x'), reader.getString('x')]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('never holds more than maxEntries secrets, evicting the least recently used', async () => {
    const fetch = jest.fn(async (id: string) => id);
    const reader = new SecretReader({ maxEntries: 2, fetch });
    await reader.getString('a');
    await reader.getString('b');
    await reader.getString('a'); // a is now the most recent
    await reader.getString('c'); // evicts b
    await reader.getString('a');
    expect(fetch).toHaveBeenCalledTimes(3);
    await reader.getString('b');
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it('does not cache a failure: the next read tries again', async () => {
    const fetch = jest.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValueOnce('ok');
    const reader = new SecretReader({ fetch });
    await expect(reader.getString('s')).rejects.toThrow('down');
    await expect(reader.getString('s')).resolves.toBe('ok');
  });

  it('parses JSON secrets and says which secret is not JSON', async () => {
    const reader = new SecretReader({ fetch: async (id) => (id === 'good' ? '{"current":"whsec_x"}' : 'not json') });
    await expect(reader.getJson('good')).resolves.toEqual({ current: 'whsec_x' });
    await expect(reader.getJson('bad')).rejects.toThrow('Secret bad is not valid JSON');
  });
});
