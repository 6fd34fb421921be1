import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from './client-config';

export const kmsClient = new KMSClient(clientConfig());
