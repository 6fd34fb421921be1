import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AUDIENCE_HEADER, GET_CALLER_IDENTITY_BODY, type SignedStsRequest } from '../lib/ops/types';

/** SHA-256 / HMAC-SHA256 from node:crypto in the shape SignatureV4 expects. */
export class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', Buffer.from(secret as Uint8Array)) : createHash('sha256');
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface IdentityProofOptions {
  region: string;
  /** The function the proof is for (bound by a signed header, so it is useless elsewhere). */
  audience: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  signedAt?: Date;
  /** Tests only: a different body, or headers left out of the signature. */
  body?: string;
  unsignableHeaders?: Set<string>;
}

/**
 * Signs sts:GetCallerIdentity for one ops function. The CLI sends it with the invocation; the
 * function replays it to STS to learn who is calling (lib/ops/identity.ts). The secret key never
 * leaves the caller.
 */
export async function signIdentityProof(options: IdentityProofOptions): Promise<SignedStsRequest> {
  const hostname = `sts.${options.region}.amazonaws.com`;
  const body = options.body ?? GET_CALLER_IDENTITY_BODY;
  const signer = new SignatureV4({ service: 'sts', region: options.region, credentials: options.credentials, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname,
      path: '/',
      headers: { host: hostname, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', [AUDIENCE_HEADER]: options.audience },
      body,
    },
    { signingDate: options.signedAt, unsignableHeaders: options.unsignableHeaders },
  );
  return { url: `https://${hostname}/`, method: 'POST', headers: signed.headers as Record<string, string>, body };
}
