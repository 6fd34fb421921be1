import { NotFoundError } from '../platform/errors';
import type { CustomerFactors, FactorChoice, FactorsPort, RemovedFactor } from '../access/customer-factors';
import type { MfaService } from './mfa/service';
import type { PasskeyRecords } from './passkeys/records';

/**
 * The account's factors as support sees and turns them off (`customers factors`, `customers
 * factor-off`; lib/access/customer-factors.ts checks the grant and writes the audit entry first).
 * The same service calls as the owner's own removal, so the same security event is written and the
 * same mail sent, in their "by support" form with the reference. Never a secret: the app's status
 * and the count of unused recovery codes, the passkeys' ids, names and times.
 */
export function supportFactors(services: { mfa: () => MfaService; passkeys: () => PasskeyRecords }): FactorsPort {
  return {
    async list(userId): Promise<CustomerFactors> {
      const [totp, passkeys] = await Promise.all([services.mfa().totpStatus(userId), services.passkeys().list(userId)]);
      return { authenticatorApp: totp.status, recoveryCodesLeft: totp.recoveryCodesLeft, passkeys };
    },

    async turnOff(owner, choice: FactorChoice, reference): Promise<RemovedFactor[]> {
      const removed: RemovedFactor[] = [];
      if ((choice.kind === 'totp' || choice.kind === 'all') && (await services.mfa().totpStatus(owner.userId)).status !== 'off') {
        // A pending set-up goes too (no event or mail: it never signed anyone in), as the owner's own removal does.
        await services.mfa().disableTotp(owner, { bySupport: reference });
        removed.push({ factor: 'totp' });
      }
      if (choice.kind === 'passkey') {
        removed.push({ factor: 'passkey', id: choice.id, name: await services.passkeys().remove(owner, choice.id, { bySupport: reference }) });
      } else if (choice.kind === 'all') {
        for (const { id } of await services.passkeys().list(owner.userId)) {
          try {
            removed.push({ factor: 'passkey', id, name: await services.passkeys().remove(owner, id, { bySupport: reference }) });
          } catch (error) {
            if (!(error instanceof NotFoundError)) throw error; // the owner removed it meanwhile
          }
        }
      }
      return removed;
    },
  };
}
