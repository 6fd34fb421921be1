/** The software WebAuthn authenticator lives with the scripts (the bench signs in with it too). */
export { SoftAuthenticator } from '../../scripts/lib/soft-authenticator';
