import { ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../platform/aws/s3';
import type { AnchorRecord, AuditAnchors } from './audit-log';

const SEQ_DIGITS = 12;

/**
 * Anchors in an S3 bucket with Object Lock (compliance mode, default retention) and versioning:
 * one object per append, `anchors/<chain>/<seq, zero-padded>.<hash>`, so the head and anything
 * past it are read with one ListObjectVersions call, and reading needs no object body (no
 * s3:GetObject, no kms:Decrypt for the reader). Locked versions cannot be deleted or overwritten
 * by anyone during retention; a delete marker, if someone could place one, still lists here.
 */
export function s3AuditAnchors(bucket: string, chain = 'access'): AuditAnchors {
  const prefix = `anchors/${chain}/`;
  const keyOf = (head: AnchorRecord) => `${prefix}${String(head.seq).padStart(SEQ_DIGITS, '0')}.${head.hash}`;
  const parse = (key: string | undefined): AnchorRecord | undefined => {
    const m = key?.startsWith(prefix) ? /^(\d+)\.([0-9a-f]{1,128})$/.exec(key.slice(prefix.length)) : null;
    return m ? { seq: Number(m[1]), hash: m[2] } : undefined;
  };
  return {
    async record(head) {
      await s3Client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keyOf(head),
          Body: JSON.stringify({ chain, ...head }),
          ContentType: 'application/json',
          // An anchor is written once; an existing key is never replaced.
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    },
    async from(seq, limit) {
      // Keys sort by sequence number; the marker is the bare number of the entry before, so the
      // listing starts at that entry's own anchor (S3 lists keys after the marker). moto 5 drops
      // the first key after a KeyMarker (it takes the marker for a key it already returned): that
      // first key is then the previous entry's anchor, which is filtered out here anyway.
      const marker = seq > 1 ? `${prefix}${String(seq - 1).padStart(SEQ_DIGITS, '0')}` : undefined;
      const out = await s3Client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: marker, MaxKeys: limit + 1 }));
      const keys = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((v) => v.Key);
      const seen = new Map<string, AnchorRecord>();
      for (const key of keys) {
        const record = parse(key);
        if (record && record.seq >= seq) seen.set(`${record.seq}.${record.hash}`, record);
      }
      return [...seen.values()].sort((a, b) => a.seq - b.seq);
    },
  };
}
