/** A registered passkey (a WebAuthn discoverable credential) as stored: never a private key. */
export interface PasskeyRecord {
  userId: string;
  /** The credential id, base64url: also the passkey's id in the API. */
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  /** `singleDevice` or `multiDevice` (synced). */
  deviceType: string;
  backedUp: boolean;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A WebAuthn challenge: single use (consumed by a conditional delete), short-lived. */
export interface ChallengeRecord {
  challenge: string;
  purpose: 'register' | 'authenticate';
  /** The account registering (register only). */
  userId?: string;
  expiresAtMs: number;
}

export interface PasskeyStore {
  putChallenge(record: ChallengeRecord): Promise<void>;
  /** Deletes the challenge and returns it, if it existed (whatever its age: the caller checks expiry). */
  takeChallenge(challenge: string): Promise<ChallengeRecord | undefined>;
  /** A new passkey with its security event, in one transaction; false if the credential id is already registered. */
  addPasskey(record: PasskeyRecord, event: { at: string; event: 'passkey_added'; detail: string }): Promise<boolean>;
  getPasskey(userId: string, credentialId: string): Promise<PasskeyRecord | undefined>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /** Records a use: the new counter and flags, on condition that the counter is still `previousCounter` (one use per assertion). */
  recordUse(userId: string, credentialId: string, previousCounter: number, use: { counter: number; backedUp: boolean; at: string }): Promise<boolean>;
  /** Removes one passkey of this user with its security event; the removed record, or undefined if there was none. */
  removePasskey(userId: string, credentialId: string, event: { at: string; event: 'passkey_removed' | 'passkey_removed_by_support' }): Promise<PasskeyRecord | undefined>;
}
