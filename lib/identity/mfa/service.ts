import { randomBytes } from 'node:crypto';
import { AppError, BadRequestError } from '../../platform/errors';
import type { Mailer } from '../../platform/mailer';
import { factorChangeMail } from './mails';
import type { MfaStore, SecurityEventKind, SecurityEventRecord } from './model';
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeDigest } from './recovery-codes';
import { totpContext, type SecretVault } from './secret-vault';
import { newTotpSecret, totpCodeAt, totpUri } from './totp';
import { checkCode } from './totp-rule';

/** Newest security events the account page lists. */
export const SECURITY_EVENTS_LISTED = 50;

export interface MfaDeps {
  store: MfaStore;
  vault: SecretVault;
  mailer: Mailer;
  now: () => number;
  websiteUrl: string;
}

/** The account a factor flow acts for (from the caller's session). */
export interface FactorOwner {
  userId: string;
  email: string;
}

/** What a password sign-in (or a session confirmation) brings as its second factor. */
export interface SecondFactorInput {
  otp?: string;
  recoveryCode?: string;
}

export type SecondFactorOutcome = 'ok' | 'missing' | 'invalid';

const invalidCode = () => new BadRequestError('invalid_code', 'This code is not valid. Type the current code from the authenticator app.');

export function mfaService(deps: MfaDeps) {
  const { store, vault, mailer, now } = deps;

  function event(kind: SecurityEventKind, detail?: string): SecurityEventRecord {
    return { at: new Date(now()).toISOString(), event: kind, ...(detail ? { detail } : {}) };
  }

  async function notify(owner: FactorOwner, record: SecurityEventRecord, reference?: string): Promise<void> {
    await mailer.send(factorChangeMail(owner.email, record.event, record.at, deps.websiteUrl, record.detail, reference));
  }

  return {
    /** POST /v1/mfa/totp: a new secret, pending until a code from it is confirmed. */
    async enrolTotp(owner: FactorOwner): Promise<{ secret: string; otpauthUri: string }> {
      const secret = newTotpSecret();
      const enrolmentId = randomBytes(12).toString('base64url');
      const sealed = await vault.seal(totpContext(owner.userId, enrolmentId), secret);
      const stored = await store.putPendingTotp({ userId: owner.userId, status: 'pending', sealed, enrolmentId, createdAtMs: now(), recoveryDigests: [] });
      if (!stored) throw new AppError(409, 'totp_already_enabled', 'The authenticator app is already on. Turn it off first to set up another.');
      return { secret, otpauthUri: totpUri(secret, owner.email) };
    },

    /** POST /v1/mfa/totp/confirm: one code from the app turns it on; ten recovery codes, shown this once. */
    async confirmTotp(owner: FactorOwner, code: string): Promise<{ recoveryCodes: string[] }> {
      const record = await store.getTotp(owner.userId);
      if (!record || record.status !== 'pending') throw invalidCode();
      const secret = await vault.open(record.sealed, totpContext(owner.userId, record.enrolmentId));
      const checked = checkCode(code, now(), (step) => totpCodeAt(secret, step));
      if (!checked.ok) throw invalidCode();
      const { codes, digests } = newRecoveryCodes();
      const enabled = event('totp_enabled');
      if (!(await store.activateTotp(owner.userId, owner.email, record.enrolmentId, checked.step, digests, enabled))) throw invalidCode();
      await notify(owner, enabled);
      return { recoveryCodes: codes };
    },

    /**
     * DELETE /v1/mfa/totp: the app (on or pending) and its recovery codes are gone; the owner is
     * mailed. `bySupport` (the ticket or incident reference): `customers factor-off`, whose event
     * and mail say support did it. True when an app that was on is off now.
     */
    async disableTotp(owner: FactorOwner, options: { bySupport?: string } = {}): Promise<boolean> {
      const record = await store.getTotp(owner.userId);
      if (!record) return false;
      const disabled = record.status === 'active' ? event(options.bySupport ? 'totp_disabled_by_support' : 'totp_disabled') : undefined;
      if (!(await store.removeTotp(owner.userId, owner.email, record.enrolmentId, disabled))) {
        throw new AppError(409, 'conflict', 'The authenticator app changed meanwhile. Reload and try again.');
      }
      if (disabled) await notify(owner, disabled, options.bySupport);
      return disabled !== undefined;
    },

    /**
     * The second factor of an account whose app is on: a code (accepted once, one step of skew)
     * or an unused recovery code (then spent, and the owner mailed). `missing` when neither came;
     * `invalid` for anything else, an account whose app cannot be read included (fail closed).
     */
    async verifySecondFactor(owner: FactorOwner, input: SecondFactorInput): Promise<SecondFactorOutcome> {
      if (input.otp === undefined && input.recoveryCode === undefined) return 'missing';
      const record = await store.getTotp(owner.userId);
      if (!record || record.status !== 'active') return 'invalid';
      if (input.otp !== undefined) {
        const secret = await vault.open(record.sealed, totpContext(owner.userId, record.enrolmentId));
        const checked = checkCode(input.otp, now(), (step) => totpCodeAt(secret, step), record.lastStep);
        return checked.ok && (await store.useStep(owner.userId, checked.step)) ? 'ok' : 'invalid';
      }
      const normalised = normaliseRecoveryCode(input.recoveryCode ?? '');
      if (normalised === undefined) return 'invalid';
      const used = event('recovery_code_used');
      if (!(await store.useRecoveryCode(owner.userId, recoveryCodeDigest(normalised), used))) return 'invalid';
      await notify(owner, used);
      return 'ok';
    },

    /** GET /v1/me/security-events: the newest first. */
    async securityEvents(userId: string): Promise<SecurityEventRecord[]> {
      return store.listEvents(userId, SECURITY_EVENTS_LISTED);
    },

    async totpStatus(userId: string): Promise<{ status: 'off' | 'pending' | 'on'; recoveryCodesLeft: number }> {
      const record = await store.getTotp(userId);
      return { status: !record ? 'off' : record.status === 'active' ? 'on' : 'pending', recoveryCodesLeft: record?.recoveryDigests.length ?? 0 };
    },
  };
}

export type MfaService = ReturnType<typeof mfaService>;
