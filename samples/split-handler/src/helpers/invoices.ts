// Sample (Lambda runtime): durable helpers that issue, charge and send an invoice for the billing handler.
import type { DurableContext } from '@aws/durable-execution-sdk-js';
import { chargeInvoice, emailInvoice, storeInvoice, type Customer } from './billingApi';
import { idempotencyKey, newId } from './ids';
import { formatCents, totalCents, type LineItem } from './money';

export interface Invoice {
  invoiceId: string;
  customerId: string;
  period: string;
  amountCents: number;
}

export async function issueInvoice(
  context: DurableContext,
  customer: Customer,
  period: string,
  lines: LineItem[],
): Promise<Invoice> {
  // The id is made in replayed code; see newId in ids.ts for why that is a problem.
  const invoice: Invoice = {
    invoiceId: newId('inv'),
    customerId: customer.customerId,
    period,
    amountCents: totalCents(lines),
  };
  await context.step('store-invoice', async () => storeInvoice({ ...invoice, lines }));
  return invoice;
}

export async function collectPayment(context: DurableContext, customer: Customer, invoice: Invoice): Promise<boolean> {
  if (!customer.autoPay) {
    // Manual payers get a week before the reminder.
    await context.wait('payment-grace-period', { days: 7 });
    return false;
  }
  const key = idempotencyKey(invoice.customerId, invoice.period);
  const result = await context.step('charge-invoice', async () => chargeInvoice(invoice.invoiceId, key));
  return result.charged;
}

export async function sendInvoice(context: DurableContext, customer: Customer, invoice: Invoice): Promise<void> {
  const amount = formatCents(invoice.amountCents, customer.currency);
  await context.step('email-invoice', async () => emailInvoice(customer.email, invoice.invoiceId, amount));
}
