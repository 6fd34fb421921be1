import { MAX_TOKEN_LENGTH, mintToken, newTokenId, newUserId, parseToken, sha256Hex, TOKEN_KINDS } from '../../../lib/identity/token-format';

const STAGE = 'local';

describe('the token format', () => {
  it('when a session token is minted, it is hs_ses_ followed by base64url with 256 random bits, and parses back', () => {
    // Prepare
    const userId = newUserId();
    const tokenId = newTokenId();
    // Act
    const { token, parsed } = mintToken(STAGE, TOKEN_KINDS.session, userId, tokenId);
    // Assess
    expect(token).toMatch(/^hs_ses_[A-Za-z0-9_-]{87}$/);
    expect(token.length).toBe(MAX_TOKEN_LENGTH);
    expect(parsed.digest).toBe(sha256Hex(token));
    expect(parseToken(STAGE, token, [TOKEN_KINDS.session])).toEqual({ kind: 'ses', userId, tokenId, digest: sha256Hex(token) });
  });

  it('when two tokens are minted for the same ids, their secrets differ', () => {
    const userId = newUserId();
    const tokenId = newTokenId();
    const a = mintToken(STAGE, TOKEN_KINDS.personal, userId, tokenId).token;
    const b = mintToken(STAGE, TOKEN_KINDS.personal, userId, tokenId).token;
    expect(a).not.toBe(b);
    // 32 random bytes: 43 base64url characters between the locator and the check.
    expect(a.slice(7 + 38, -6)).toHaveLength(43);
  });

  it('when a token is truncated, has a changed character, or comes from another stage, it does not parse', () => {
    const { token } = mintToken(STAGE, TOKEN_KINDS.personal, newUserId(), newTokenId());
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(parseToken(STAGE, token.slice(0, -1), [TOKEN_KINDS.personal])).toBeUndefined();
    expect(parseToken(STAGE, token.slice(0, 40), [TOKEN_KINDS.personal])).toBeUndefined();
    expect(parseToken(STAGE, flip(token, 50), [TOKEN_KINDS.personal])).toBeUndefined();
    expect(parseToken('prod', token, [TOKEN_KINDS.personal])).toBeUndefined();
    expect(parseToken(STAGE, `${token}x`, [TOKEN_KINDS.personal])).toBeUndefined();
  });

  it('when a token of another kind is presented, it does not parse as the expected kind', () => {
    const { token } = mintToken(STAGE, TOKEN_KINDS.verification, newUserId());
    expect(parseToken(STAGE, token, [TOKEN_KINDS.session, TOKEN_KINDS.personal])).toBeUndefined();
    expect(parseToken(STAGE, token, [TOKEN_KINDS.verification])?.kind).toBe('vrf');
  });

  it.each([[''], ['hs_'], ['hs_pat_'], ['Bearer'], ['not-a-token'], [null], [12345], ['hs_pat_' + 'a'.repeat(10_000)]])(
    'when %p is presented, it does not parse',
    (value) => {
      expect(parseToken(STAGE, value, [TOKEN_KINDS.personal, TOKEN_KINDS.session])).toBeUndefined();
    },
  );
});
