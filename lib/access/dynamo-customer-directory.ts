import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import type { CustomerDirectory, StoredUserItem } from './customer-record';

/** Reads the shared accounts-table contract: `EMAIL#<email>`/`LOCK` → userId, `USER#<id>`/`PROFILE`. */
export function dynamoCustomerDirectory(tableName: string): CustomerDirectory {
  return {
    async userIdForEmail(email) {
      const out = await documentClient.send(
        new GetCommand({ TableName: tableName, Key: { pk: `EMAIL#${email}`, sk: 'LOCK' }, ProjectionExpression: 'userId', ConsistentRead: true }),
      );
      const userId = out.Item?.userId;
      return typeof userId === 'string' && userId ? userId : undefined;
    },
    async profile(userId) {
      const out = await documentClient.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `USER#${userId}`, sk: 'PROFILE' },
          // Only the fields the record shows are read: the password hash never leaves the table.
          ProjectionExpression: 'userId, email, #name, emailVerified, createdAt, verifiedAt, billing',
          ExpressionAttributeNames: { '#name': 'name' },
          ConsistentRead: true,
        }),
      );
      return out.Item && typeof out.Item.userId === 'string' ? (out.Item as StoredUserItem) : undefined;
    },
  };
}
