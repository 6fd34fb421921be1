import { requireEnv } from '../platform/config';
import { dynamoAccessStore } from './dynamo-access-store';

let store: ReturnType<typeof dynamoAccessStore> | undefined;

/** The stage's access table (ACCESS_TABLE): grants and the customers' access logs. */
export function accessStore() {
  store ??= dynamoAccessStore(requireEnv('ACCESS_TABLE'));
  return store;
}
