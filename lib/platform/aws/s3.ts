import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig, usesCustomEndpoint } from './client-config';

export const s3Client = new S3Client({ ...clientConfig(), forcePathStyle: usesCustomEndpoint() });
