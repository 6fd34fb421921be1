import { BadRequestError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../platform/errors';
import { emailKey } from '../accounts';
import type { IdentityStore, LoginThrottleStore } from '../model';
import type { PasswordHasher } from '../password-hasher';
import type { Authenticated } from '../tokens';
import type { MfaStore } from './model';
import type { MfaService } from './service';

/**
 * POST /v1/sessions/confirm: the holder of a login session proves a factor again (the password,
 * or a code of the authenticator app) and the session counts as a recent sign-in from now. Each
 * attempt goes through the login throttle of the account, as a login does: a stolen session
 * guesses no faster here than at the sign-in form.
 */
export interface SessionConfirmDeps {
  identity: Pick<IdentityStore, 'findCredential' | 'applyWrites'>;
  throttle: LoginThrottleStore;
  hasher: PasswordHasher;
  mfa: Pick<MfaService, 'verifySecondFactor'>;
  store: Pick<MfaStore, 'confirmSessionWrite'>;
  now: () => number;
}

export interface ConfirmInput {
  password?: string | null;
  otp?: string | null;
}

const invalidCredentials = () => new UnauthorizedError('invalid_credentials', 'That password or code is not correct.');

export function sessionConfirmation(deps: SessionConfirmDeps) {
  const { identity, throttle, hasher, now } = deps;
  return {
    async confirm(auth: Authenticated, input: ConfirmInput, ip: string): Promise<void> {
      if (auth.kind !== 'session') throw new ForbiddenError('session_required', 'Only a login session can be confirmed; an access token never counts as a recent sign-in.');
      const user = auth.user;
      if (!user) throw new UnauthorizedError();
      const hasPassword = typeof input.password === 'string';
      const hasOtp = typeof input.otp === 'string';
      if (hasPassword === hasOtp) throw new BadRequestError('invalid_request', 'Send either `password` or `otp`.');

      const reserved = await throttle.reserve(emailKey(user.email), ip, now());
      if ('retryAfterSeconds' in reserved) throw new TooManyRequestsError(reserved.retryAfterSeconds);
      const reservation = reserved.reservation;
      const read = await identity.findCredential(user.email, reservation.read);
      const credential = read.credential?.userId === user.userId ? read.credential : undefined;
      let ok: boolean;
      if (hasPassword) {
        ok = credential ? (await hasher.verify(credential.passwordHash, input.password!)).ok : (await hasher.verifyDummy(input.password!), false);
      } else {
        ok = credential?.totp === true && (await deps.mfa.verifySecondFactor({ userId: user.userId, email: user.email }, { otp: input.otp! })) === 'ok';
      }
      if (!ok) {
        await throttle.settleFailure(reservation, read.also, now());
        throw invalidCredentials();
      }
      const confirmed = deps.store.confirmSessionWrite(auth.userId, auth.tokenId, now());
      // The settlement and the confirmation in one transaction; when the settlement's condition
      // failed (another attempt reserved meanwhile), the attempt is only given back.
      if (await identity.applyWrites([...throttle.successWrites(reservation, read.also, now()), confirmed])) return;
      if (await identity.applyWrites([...throttle.giveBackWrites(reservation, now()), confirmed])) return;
      // The session itself is gone (signed out or revoked meanwhile).
      throw new UnauthorizedError();
    },
  };
}
