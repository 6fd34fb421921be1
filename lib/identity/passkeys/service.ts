import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { BadRequestError, UnauthorizedError } from '../../platform/errors';
import type { Mailer } from '../../platform/mailer';
import type { IssuedToken } from '../tokens';
import type { UserRecord } from '../model';
import { factorChangeMail } from '../mfa/mails';
import type { PasskeyRecord, PasskeyStore } from './model';
import { passkeyRecords } from './records';

/** A challenge works once, for this long. */
export const CHALLENGE_LIFETIME_MS = 5 * 60_000;
/** Passkeys an account may hold (bounds the partition and the exclude list). */
export const MAX_PASSKEYS = 20;
export const DEFAULT_PASSKEY_NAME = 'Passkey';

export interface RelyingParty {
  id: string;
  name: string;
  /** The exact origin assertions must come from (the local stage: http://localhost:<PORT>). */
  origin: string;
}

export interface PasskeyDeps {
  store: PasskeyStore;
  getUser: (userId: string) => Promise<UserRecord | undefined>;
  signIn: (userId: string, email: string, ip: string) => Promise<IssuedToken>;
  mailer: Mailer;
  now: () => number;
  rp: RelyingParty;
  websiteUrl: string;
}

const invalidPasskey = () => new BadRequestError('invalid_passkey', 'This passkey could not be registered: start again from "Add a passkey".');
const invalidCredentials = () => new UnauthorizedError('invalid_credentials', 'This passkey could not sign you in.');

/** The challenge a WebAuthn response answers, from its clientDataJSON (verified again by the library). */
function challengeOf(clientDataJSON: unknown): string | undefined {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(parsed.challenge) ? parsed.challenge : undefined;
  } catch {
    return undefined;
  }
}

export function passkeyService(deps: PasskeyDeps) {
  const { store, rp, now } = deps;
  const iso = () => new Date(now()).toISOString();

  return {
    // Listing and removing need no WebAuthn (records.ts): the functions that only do that load none.
    ...passkeyRecords(deps),

    /** POST /v1/passkeys/registration-options (recent sign-in): a discoverable credential, UV preferred. */
    async registrationOptions(user: UserRecord) {
      const existing = await store.listPasskeys(user.userId);
      const options = await generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: user.email,
        userID: new TextEncoder().encode(user.userId),
        userDisplayName: user.name ?? user.email,
        attestationType: 'none',
        timeout: CHALLENGE_LIFETIME_MS,
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransport[] })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
      });
      await store.putChallenge({ challenge: options.challenge, purpose: 'register', userId: user.userId, expiresAtMs: now() + CHALLENGE_LIFETIME_MS });
      return options;
    },

    /** POST /v1/passkeys: the authenticator's answer to that challenge becomes a passkey of the caller. */
    async register(user: UserRecord, input: { name?: string | null; response: RegistrationResponseJSON }) {
      const challenge = challengeOf(input.response?.response?.clientDataJSON);
      const taken = challenge ? await store.takeChallenge(challenge) : undefined;
      if (!taken || taken.purpose !== 'register' || taken.userId !== user.userId || taken.expiresAtMs <= now()) throw invalidPasskey();
      if ((await store.listPasskeys(user.userId)).length >= MAX_PASSKEYS) throw new BadRequestError('too_many_passkeys', `An account holds at most ${MAX_PASSKEYS} passkeys. Remove one first.`);
      let verified;
      try {
        verified = await verifyRegistrationResponse({ response: input.response, expectedChallenge: taken.challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
      } catch {
        throw invalidPasskey();
      }
      if (!verified.verified) throw invalidPasskey();
      const info = verified.registrationInfo;
      const at = iso();
      const record: PasskeyRecord = {
        userId: user.userId,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name: input.name ?? DEFAULT_PASSKEY_NAME,
        createdAt: at,
        lastUsedAt: null,
      };
      if (!(await store.addPasskey(record, { at, event: 'passkey_added', detail: record.name }))) throw invalidPasskey();
      await deps.mailer.send(factorChangeMail(user.email, 'passkey_added', at, deps.websiteUrl, record.name));
      return { id: record.credentialId, name: record.name, createdAt: record.createdAt };
    },

    /** POST /v1/sessions/passkey-options: no allowCredentials (the authenticator offers the account), UV required. */
    async signInOptions() {
      const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', timeout: CHALLENGE_LIFETIME_MS });
      await store.putChallenge({ challenge: options.challenge, purpose: 'authenticate', expiresAtMs: now() + CHALLENGE_LIFETIME_MS });
      return { challengeId: options.challenge, options };
    },

    /**
     * POST /v1/sessions/passkey: the challenge is spent first (whatever follows), then the
     * assertion is checked against the passkey its user handle and credential id name: origin, RP
     * id, user verification, signature, counter. One 401 for every failure.
     */
    async signIn(input: { challengeId: string; response: AuthenticationResponseJSON }, ip: string): Promise<IssuedToken> {
      const taken = await store.takeChallenge(input.challengeId);
      if (!taken || taken.purpose !== 'authenticate' || taken.expiresAtMs <= now()) throw invalidCredentials();
      const handle = input.response?.response?.userHandle;
      const userId = typeof handle === 'string' && handle.length <= 200 ? Buffer.from(handle, 'base64url').toString('utf8') : '';
      const credentialId = input.response?.id;
      if (!/^usr_[A-Za-z0-9_-]{1,64}$/.test(userId) || typeof credentialId !== 'string' || !/^[A-Za-z0-9_-]{1,1400}$/.test(credentialId)) throw invalidCredentials();
      const passkey = await store.getPasskey(userId, credentialId);
      if (!passkey) throw invalidCredentials();
      let verified;
      try {
        verified = await verifyAuthenticationResponse({
          response: input.response,
          expectedChallenge: taken.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          requireUserVerification: true,
          credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports as AuthenticatorTransport[] },
        });
      } catch {
        throw invalidCredentials();
      }
      if (!verified.verified || !verified.authenticationInfo.userVerified) throw invalidCredentials();
      const info = verified.authenticationInfo;
      if (!(await store.recordUse(userId, credentialId, passkey.counter, { counter: info.newCounter, backedUp: info.credentialBackedUp, at: iso() }))) throw invalidCredentials();
      const user = await deps.getUser(userId);
      if (!user) throw invalidCredentials();
      return deps.signIn(userId, user.email, ip);
    },
  };
}

export type PasskeyService = ReturnType<typeof passkeyService>;
