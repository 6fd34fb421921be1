import { isRevokedByMark } from '../../../lib/identity/model';

const token = (credentialVersion: number, tokenId = 'tok_a', createdAtMs = 1000) => ({ tokenId, createdAtMs, credentialVersion });

describe('revocation by credential version', () => {
  it('when there is no mark, or the token was issued under the current version, it stands', () => {
    expect(isRevokedByMark(token(0), undefined)).toBe(false);
    expect(isRevokedByMark(token(3), { credentialVersion: 3 })).toBe(false);
  });

  it('when the version moved on after the token was issued, it is revoked, whatever the clocks said', () => {
    // Issued "later" by a clock that runs ahead: the version alone decides.
    expect(isRevokedByMark(token(2, 'tok_a', 9_999_999), { credentialVersion: 3 })).toBe(true);
  });

  it('when the caller changed its own password, its token is spared, and only that one', () => {
    const mark = { credentialVersion: 3, exceptTokenId: 'tok_self' };
    expect(isRevokedByMark(token(2, 'tok_self'), mark)).toBe(false);
    expect(isRevokedByMark(token(2, 'tok_other'), mark)).toBe(true);
  });

  it('when a mark from before versions existed carries validAfterMs, tokens created up to it stay revoked', () => {
    expect(isRevokedByMark(token(0, 'tok_a', 500), { credentialVersion: 0, validAfterMs: 500 })).toBe(true);
    expect(isRevokedByMark(token(0, 'tok_a', 501), { credentialVersion: 0, validAfterMs: 500 })).toBe(false);
  });
});
