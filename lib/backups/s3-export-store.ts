import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { listObjects, s3Client } from '../platform/aws/s3';
import type { DynamoItem, ExportStore } from './types';

/**
 * Reads exports from the backups bucket. DynamoDB writes `<prefix>/AWSDynamoDB/<export id>/data/…`
 * (plus manifests, which are not data); the emulator writes the same layout with one data file.
 */
export function s3ExportStore(): ExportStore {
  return {
    async dataFiles(bucket, prefix) {
      return (await listObjects(bucket, `${prefix}/AWSDynamoDB/`)).filter((o) => o.key.includes('/data/') && o.size > 0);
    },
    async *items(bucket, dataPrefix) {
      for (const file of await listObjects(bucket, dataPrefix)) {
        if (file.size === 0) continue;
        const object = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: file.key }));
        const body = object.Body as Readable;
        const lines = createInterface({ input: file.key.endsWith('.gz') ? body.pipe(createGunzip()) : body, crlfDelay: Infinity });
        for await (const line of lines) {
          if (!line.trim()) continue;
          const parsed = JSON.parse(line) as { Item?: DynamoItem };
          if (!parsed.Item) throw new Error(`A line of ${file.key} holds no Item`);
          yield parsed.Item;
        }
      }
    },
  };
}
