// Sample (Lambda runtime): durable helpers about customers. They take the caller's DurableContext, so their
// operations belong to the calling handler's workflow.
import type { DurableContext } from '@aws/durable-execution-sdk-js';
import { fetchCustomer, fetchUsage, type Customer } from './billingApi';
import type { LineItem } from './money';

export async function loadCustomer(context: DurableContext, customerId: string): Promise<Customer> {
  return context.step(`load-customer-${customerId}`, async () => fetchCustomer(customerId));
}

export async function loadUsage(context: DurableContext, customerId: string, period: string): Promise<LineItem[]> {
  // A child context keeps the usage lookups together in the history and in the diagram.
  return context.runInChildContext('load-usage', async (usageContext) => {
    const lines = await usageContext.step('fetch-usage', async () => fetchUsage(customerId, period));
    usageContext.logger.info('usage loaded', { customerId, lines: lines.length });
    return lines;
  });
}
