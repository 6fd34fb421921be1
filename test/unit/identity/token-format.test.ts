import { BEARER_KINDS, digestsEqual, MAX_TOKEN_LENGTH, mintToken, newTokenId, newUserId, parseToken, sha256Hex, TOKEN_ID_PATTERN, TOKEN_KINDS, USER_ID_PATTERN } from '../../../lib/identity/token-format';

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

describe('the token format, against fixed values', () => {
  // Computed once by hand (SHA-256 of "<stage>\n<head>", base64url, first 6 characters), not by the code under test.
  const PAT = `hs_pat_${'A'.repeat(22)}${'B'.repeat(16)}${'C'.repeat(43)}0JbkyL`;
  const PAT_DIGEST = '6170f267570baaff37fffee2eb729b756432d892ab737bf2a0cfe8a6aa307a59';
  const PROD_RESET = `hs_rst_${'D'.repeat(22)}${'E'.repeat(43)}pLPGv_`;
  const PROD_RESET_DIGEST = '7dbec0a496447042ceed099e395569f638788db9e5ff856842203e7a0d54e0ad';

  it('hashes with hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('parses a known personal access token into its ids and digest', () => {
    expect(parseToken('local', PAT, BEARER_KINDS)).toEqual({ kind: 'pat', userId: `usr_${'A'.repeat(22)}`, tokenId: `tok_${'B'.repeat(16)}`, digest: PAT_DIGEST });
  });

  it('parses a known reset token of another stage, which carries no token id', () => {
    expect(parseToken('prod', PROD_RESET, [TOKEN_KINDS.reset])).toEqual({ kind: 'rst', userId: `usr_${'D'.repeat(22)}`, tokenId: undefined, digest: PROD_RESET_DIGEST });
    expect(parseToken('local', PROD_RESET, [TOKEN_KINDS.reset])).toBeUndefined();
  });

  it('refuses the known token with a wrong check digit', () => {
    expect(parseToken('local', `${PAT.slice(0, -6)}0JbkyM`, BEARER_KINDS)).toBeUndefined();
  });

  it('bearer kinds are exactly session and personal tokens', () => {
    expect([...BEARER_KINDS].sort()).toEqual(['pat', 'ses']);
    expect(parseToken('local', PAT, [TOKEN_KINDS.verification, TOKEN_KINDS.reset])).toBeUndefined();
  });

  it('the id patterns accept only the minted shapes', () => {
    expect(USER_ID_PATTERN.test(newUserId())).toBe(true);
    expect(TOKEN_ID_PATTERN.test(newTokenId())).toBe(true);
    for (const bad of ['', 'usr_', `usr_${'A'.repeat(21)}`, `usr_${'A'.repeat(23)}`, `usr_${'A'.repeat(21)}+`, `tok_${'A'.repeat(22)}`]) {
      expect(USER_ID_PATTERN.test(bad)).toBe(false);
    }
    for (const bad of ['', 'tok_', `tok_${'A'.repeat(15)}`, `tok_${'A'.repeat(17)}`, `usr_${'A'.repeat(16)}`]) {
      expect(TOKEN_ID_PATTERN.test(bad)).toBe(false);
    }
  });

  it('refuses to mint with a malformed user id, a missing or extra token id, or a malformed token id', () => {
    expect(() => mintToken(STAGE, TOKEN_KINDS.verification, 'usr_short')).toThrow('mintToken: userId has an unexpected format');
    expect(() => mintToken(STAGE, TOKEN_KINDS.session, newUserId())).toThrow('mintToken: ses tokens need a token id');
    expect(() => mintToken(STAGE, TOKEN_KINDS.reset, newUserId(), newTokenId())).toThrow('mintToken: rst tokens take no token id');
    expect(() => mintToken(STAGE, TOKEN_KINDS.personal, newUserId(), 'tok_bad')).toThrow('mintToken: tokenId has an unexpected format');
  });
});

describe('digestsEqual', () => {
  const a = sha256Hex('a');
  it('is true for the same digest', () => expect(digestsEqual(a, `${a}`)).toBe(true));
  it('is false for another digest of the same length', () => expect(digestsEqual(a, sha256Hex('b'))).toBe(false));
  it('is false for a prefix or an extension', () => {
    expect(digestsEqual(a, a.slice(0, -1))).toBe(false);
    expect(digestsEqual(a, `${a}0`)).toBe(false);
    expect(digestsEqual('', a)).toBe(false);
  });
  it('is false when one character differs', () => expect(digestsEqual(a, `${a.slice(0, -1)}${a.endsWith('0') ? '1' : '0'}`)).toBe(false));
});
