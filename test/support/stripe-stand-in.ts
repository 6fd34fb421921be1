/** The Stripe API stand-in's local hooks (scripts/lib/stripe-stand-in.ts), for the data-rights tests. */
export interface StandInCustomer {
  id: string;
  email: string | null;
  deleted: boolean;
}

const base = (url?: string) => url ?? process.env.HELPSHELF_TEST_STRIPE_API ?? process.env.E2E_STRIPE_API!;

/** A customer at "Stripe", as a checkout would have created it. */
export async function createStripeCustomer(email: string, url?: string): Promise<string> {
  const res = await fetch(`${base(url)}/_local/customers`, { method: 'POST', body: new URLSearchParams({ email }) });
  if (!res.ok) throw new Error(`POST /_local/customers answered ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}

export async function stripeCustomers(url?: string): Promise<StandInCustomer[]> {
  const res = await fetch(`${base(url)}/_local/customers`);
  if (!res.ok) throw new Error(`GET /_local/customers answered ${res.status}`);
  return ((await res.json()) as { customers: StandInCustomer[] }).customers;
}

/** The next `requests` API calls answer 500, as a Stripe outage would. */
export async function stripeOutage(requests: number, url?: string): Promise<void> {
  const res = await fetch(`${base(url)}/_local/outage?requests=${requests}`, { method: 'POST' });
  if (!res.ok) throw new Error(`POST /_local/outage answered ${res.status}`);
}
