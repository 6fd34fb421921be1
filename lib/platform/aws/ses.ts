import { SESClient } from '@aws-sdk/client-ses';
import { clientConfig } from './client-config';

export const sesClient = new SESClient(clientConfig());
