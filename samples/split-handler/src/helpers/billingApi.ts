// Sample (Lambda runtime): the billing service's HTTP client. I/O only, called from inside steps.
import type { LineItem } from './money';

const BILLING_URL = process.env.BILLING_URL ?? 'https://billing.example.com';

export interface Customer {
  customerId: string;
  email: string;
  currency: string;
  autoPay: boolean;
}

async function request<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${BILLING_URL}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${path} answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export const fetchCustomer = (customerId: string): Promise<Customer> =>
  request(`/customers/${encodeURIComponent(customerId)}`);
export const fetchUsage = (customerId: string, period: string): Promise<LineItem[]> =>
  request(`/customers/${encodeURIComponent(customerId)}/usage/${encodeURIComponent(period)}`);
export const storeInvoice = (invoice: unknown): Promise<{ stored: boolean }> => request('/invoices', invoice);
export const chargeInvoice = (invoiceId: string, key: string): Promise<{ charged: boolean }> =>
  request(`/invoices/${encodeURIComponent(invoiceId)}/charge`, { idempotencyKey: key });
export const emailInvoice = (email: string, invoiceId: string, amount: string): Promise<void> =>
  request('/emails', { email, invoiceId, amount });
