import { intEnv } from '../platform/config';
import { PASSWORD_MIN_LENGTH_CEILING, PASSWORD_MIN_LENGTH_FLOOR } from './password-policy';

/** The stage's minimum password length (PASSWORD_MIN_LENGTH, 8 to 15, default 8): the policy, and the pages that state it. */
export function minPasswordLength(): number {
  return intEnv('PASSWORD_MIN_LENGTH', 8, { min: PASSWORD_MIN_LENGTH_FLOOR, max: PASSWORD_MIN_LENGTH_CEILING });
}
