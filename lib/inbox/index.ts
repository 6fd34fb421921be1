import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { incidentDepsFromEnv } from '../incidents';
import { s3Client } from '../platform/aws/s3';
import { boolEnv, intEnv, requireEnv } from '../platform/config';
import { consumeRateLimit } from '../platform/rate-limit';
import { dynamoInboxRecords } from './dynamo-inbox-records';
import type { InboxDeps, InboxObjects } from './intake';

/** The inbound bucket. Objects are encrypted by the bucket's default (the stage's KMS key). */
export function s3InboxObjects(bucket: string): InboxObjects {
  return {
    async getRaw(key) {
      try {
        const out = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async putAttachment(key, body, contentType) {
      await s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

/** The address part of `Name <address>` (MAIL_FROM). */
function addressOf(value: string): string {
  return (/<([^>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();
}

/**
 * Wires the security inbox to the stage, once at cold start: a missing setting fails by name.
 * Rate limit: INBOX_RATE_LIMIT messages per sender per INBOX_RATE_WINDOW_SECONDS.
 */
export function inboxDepsFromEnv(): InboxDeps {
  const securityAddress = requireEnv('SECURITY_INBOX_EMAIL').toLowerCase();
  const base = incidentDepsFromEnv();
  const rule = {
    scope: 'inbox-sender',
    limit: intEnv('INBOX_RATE_LIMIT', 10, { min: 1, max: 1000 }),
    windowSeconds: intEnv('INBOX_RATE_WINDOW_SECONDS', 3600, { min: 60, max: 86_400 }),
  };
  const rateLimitsTable = requireEnv('RATE_LIMITS_TABLE');
  return {
    incidents: { ...base, addresses: { ...base.addresses, securityTeamInbox: securityAddress } },
    records: dynamoInboxRecords(requireEnv('INCIDENTS_TABLE')),
    objects: s3InboxObjects(requireEnv('INBOUND_BUCKET')),
    policy: {
      securityAddress,
      ownAddresses: [addressOf(requireEnv('MAIL_FROM')), securityAddress],
      requireVerdicts: boolEnv('INBOX_REQUIRE_VERDICTS', true),
    },
    async rateLimit(budgetKey) {
      const key = createHash('sha256').update(budgetKey).digest('hex');
      const result = await consumeRateLimit(rateLimitsTable, rule, key);
      return { allowed: result.allowed, count: result.count, limit: rule.limit, windowSeconds: rule.windowSeconds };
    },
  };
}
