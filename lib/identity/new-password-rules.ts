import type { NewPasswordRules } from './accounts-runtime';
import { commonPasswords } from './common-passwords';

/** The rules for a new password (signup, change, reset): the common-password dictionary. */
export const newPasswordRules: NewPasswordRules = { commonPasswords };
