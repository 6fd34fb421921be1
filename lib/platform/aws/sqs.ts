import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from './client-config';

export const sqsClient = new SQSClient(clientConfig());
