import { buildSecurityTxt } from '../../../lib/incidents/security-txt';

const config = {
  contacts: ['mailto:security@helpshelf.com'],
  policyUrl: 'https://helpshelf.com/security',
  acknowledgmentsUrl: 'https://api.helpshelf.com/v1/security/advisories',
  canonicalUrl: 'https://helpshelf.com/.well-known/security.txt',
  preferredLanguages: 'en',
  expiresInDays: 180,
};

describe('security.txt', () => {
  it('sets Expires the configured days ahead, at midnight UTC, in RFC 3339', () => {
    const text = buildSecurityTxt(config, new Date('2026-11-24T15:30:00Z'));
    expect(text).toContain('Expires: 2027-05-23T00:00:00Z\n');
    expect(text).toMatch(/^Contact: mailto:security@helpshelf.com\n/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('refuses an expiry of a year or more', () => {
    expect(() => buildSecurityTxt({ ...config, expiresInDays: 365 }, new Date())).toThrow(RangeError);
  });
});
