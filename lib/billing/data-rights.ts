import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DataRightsPart, DataSubject } from '../data-rights/part';
import { documentClient } from '../platform/aws/dynamodb';
import { nowIso } from '../platform/time';
import type { StripeCustomers } from './stripe-customers';

/**
 * Billing's part of a customer's data rights. HelpShelf holds an allow-listed projection of the
 * Stripe customer (status, plan, period end, ids); Stripe holds the rest, card included. Erasing
 * deletes the customer AT STRIPE (the SDK, through `customers`) and leaves, in place of the
 * projection, a tombstone holding only the Stripe customer id and `erased`, so webhooks Stripe
 * sends later about that customer are acknowledged and ignored (lib/billing/apply.ts) instead of
 * linking it again.
 */
const customerKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'STATE' });

export function billingDataRights(options: { billingTable: string; customers: () => StripeCustomers }): DataRightsPart {
  async function state(customerId: string) {
    const out = await documentClient.send(new GetCommand({ TableName: options.billingTable, Key: customerKey(customerId), ConsistentRead: true }));
    return out.Item;
  }
  return {
    name: 'billing',
    covers: {
      billing: (item) => typeof item.pk === 'string' && item.pk.startsWith('CUSTOMER#') && item.sk === 'STATE',
    },
    async export(subject: DataSubject) {
      if (!subject.billingCustomerId) return { billing: null };
      const item = await state(subject.billingCustomerId);
      return {
        billing: {
          customerId: subject.billingCustomerId,
          subscriptionId: item?.subscriptionId ?? null,
          status: item?.status ?? null,
          plan: item?.plan ?? null,
          periodEnd: typeof item?.periodEnd === 'number' ? new Date(item.periodEnd * 1000).toISOString() : null,
          heldBy: 'Stripe holds the payment details; HelpShelf never stores them.',
        },
      };
    },
    async beforeClose(subject) {
      // Stripe first, before the account is closed: when Stripe is down this throws (503) and the
      // deletion stops with nothing changed, so the owner can simply try again.
      if (subject.billingCustomerId) await options.customers().delete(subject.billingCustomerId);
    },
    async erase(subject) {
      if (!subject.billingCustomerId) return;
      const previous = await state(subject.billingCustomerId);
      await documentClient.send(
        new PutCommand({
          TableName: options.billingTable,
          Item: {
            ...customerKey(subject.billingCustomerId),
            customerId: subject.billingCustomerId,
            userId: null,
            deleted: true,
            erased: true,
            erasedAt: nowIso(),
            rev: Number(previous?.rev ?? 0) + 1,
          },
        }),
      );
    },
  };
}
