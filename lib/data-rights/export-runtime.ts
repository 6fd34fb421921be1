import { accessStore } from '../access/access-store';
import { connectSteps } from '../connections/connect-runtime';
import type { DataRightsPart } from './part';
import { dataRightsPartsWith } from './parts';

/**
 * The export's wiring (meExport, whose role holds DynamoDB only): every part reads its own items;
 * what only a deletion calls (the provider, Stripe) is wired to refuse, loudly, if it ever were,
 * and its SDK clients are not in the bundle (issue 26: each function loads only what it calls).
 */
function notWiredHere(what: string): never {
  throw new Error(`${what} is not wired in the export (its role holds DynamoDB only)`);
}

let parts: DataRightsPart[] | undefined;

export function exportParts(): DataRightsPart[] {
  parts ??= dataRightsPartsWith({
    connections: () => ({ list: connectSteps().list, revokeAll: () => notWiredHere('revoking connections') }),
    customers: () => notWiredHere('Stripe'),
    accessLog: accessStore(),
  });
  return parts;
}
