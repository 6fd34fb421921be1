import { paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { clientConfig, usesCustomEndpoint } from './client-config';

export const s3Client = new S3Client({ ...clientConfig(), forcePathStyle: usesCustomEndpoint() });

/** Every object under a prefix, page after page (the SDK's paginateListObjectsV2). */
export async function listObjects(bucket: string, prefix: string, pageSize?: number): Promise<Array<{ key: string; size: number }>> {
  const out: Array<{ key: string; size: number }> = [];
  for await (const page of paginateListObjectsV2({ client: s3Client, pageSize }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
  }
  return out;
}
