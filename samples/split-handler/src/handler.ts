// Sample (Lambda runtime): a monthly billing run split across files. The handler only orchestrates; the durable
// helpers in helpers/ take its DurableContext, and plain helpers do the arithmetic and the HTTP calls.
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { loadCustomer, loadUsage } from './helpers/customers';
import { collectPayment, issueInvoice, sendInvoice } from './helpers/invoices';
import { formatCents } from './helpers/money';

export interface BillingEvent {
  customerId: string;
  period: string;
}

export interface BillingResult {
  invoiceId: string;
  amount: string;
  paid: boolean;
}

async function billCustomer(event: BillingEvent, context: DurableContext): Promise<BillingResult> {
  const customer = await loadCustomer(context, event.customerId);
  const lines = await loadUsage(context, customer.customerId, event.period);

  if (lines.length === 0) {
    context.logger.info('nothing to bill', { customerId: customer.customerId, period: event.period });
    return { invoiceId: '', amount: formatCents(0, customer.currency), paid: true };
  }

  const invoice = await issueInvoice(context, customer, event.period, lines);
  await sendInvoice(context, customer, invoice);
  const paid = await collectPayment(context, customer, invoice);

  return { invoiceId: invoice.invoiceId, amount: formatCents(invoice.amountCents, customer.currency), paid };
}

// A named function passed to withDurableExecution: the analyzer follows the name to its declaration.
export const handler = withDurableExecution(billCustomer);
