// Sample (Lambda runtime, or a local run with no network): an expense claim as a durable function. It validates
// the claim, prices every line item in a map, waits for a manager's approval callback, waits out a settlement
// delay and pays out in a child context. Every step is pure computation, so a local run needs no AWS and no network.
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';

export interface LineItem {
  description: string;
  category: 'travel' | 'lodging' | 'meals' | 'other';
  amountCents: number;
}

export interface ExpenseClaim {
  claimId: string;
  employee: string;
  currency: string;
  items: LineItem[];
}

export interface Approval {
  approved: boolean;
  approver?: string;
  comment?: string;
}

interface PricedItem {
  description: string;
  claimedCents: number;
  reimbursedCents: number;
  capped: boolean;
}

/** Per-item reimbursement caps by category (cents). */
const CAPS: Record<LineItem['category'], number> = { travel: 50_000, lodging: 20_000, meals: 6_000, other: 10_000 };

function validateClaim(claim: ExpenseClaim): { claimId: string; itemCount: number } {
  if (typeof claim?.claimId !== 'string' || claim.claimId === '') throw new Error('the claim has no claimId');
  if (!Array.isArray(claim.items) || claim.items.length === 0) throw new Error(`claim ${claim.claimId} has no line items`);
  for (const item of claim.items) {
    if (!Number.isInteger(item.amountCents) || item.amountCents <= 0) throw new Error(`"${item.description}" has no positive amountCents`);
  }
  return { claimId: claim.claimId, itemCount: claim.items.length };
}

function priceItem(item: LineItem): PricedItem {
  const cap = CAPS[item.category] ?? CAPS.other;
  const reimbursedCents = Math.min(item.amountCents, cap);
  return { description: item.description, claimedCents: item.amountCents, reimbursedCents, capped: reimbursedCents < item.amountCents };
}

/** Callback results arrive as raw strings; this parses the JSON the manager sent. */
const approvalSerdes = {
  serialize: async (value: Approval | undefined) => (value === undefined ? undefined : JSON.stringify(value)),
  deserialize: async (data: string | undefined) => (data === undefined ? undefined : (JSON.parse(data) as Approval)),
};

export const handler = withDurableExecution(async (claim: ExpenseClaim, context: DurableContext) => {
  const checked = await context.step('validate-claim', async () => validateClaim(claim));

  const priced = await context.map('price-items', claim.items, async (itemContext, item) => itemContext.step('price-item', async () => priceItem(item)), {
    itemNamer: (item) => item.description,
  });
  const items = priced.getResults();
  const totalCents = items.reduce((sum, i) => sum + i.reimbursedCents, 0);

  // The submitter would e-mail the manager a link carrying the callback id; here it only returns it.
  const approval = await context.waitForCallback<Approval>(
    'manager-approval',
    async (callbackId, callbackContext) => {
      callbackContext.logger.info('approval requested', { claimId: checked.claimId, totalCents, callbackId });
    },
    { timeout: { days: 7 }, serdes: approvalSerdes },
  );
  if (!approval?.approved) {
    return { claimId: checked.claimId, status: 'rejected', comment: approval?.comment ?? null };
  }

  // Payments settle in the next batch; a local run skips this time.
  await context.wait('settlement-delay', { seconds: 5 });

  const payout = await context.runInChildContext('pay-out', async (payContext) => {
    const reference = await payContext.step('create-transfer', async () => `PAY-${checked.claimId}-${totalCents}`);
    await payContext.step('record-ledger', async () => ({ reference, totalCents, currency: claim.currency }));
    return reference;
  });

  return {
    claimId: checked.claimId,
    status: 'paid',
    approver: approval.approver ?? null,
    currency: claim.currency,
    totalCents,
    cappedItems: items.filter((i) => i.capped).map((i) => i.description),
    payoutReference: payout,
  };
});
