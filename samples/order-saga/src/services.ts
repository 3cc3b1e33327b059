// Sample (Lambda runtime): thin clients for the order saga's external services. Every function here does
// I/O, so the handlers call them only inside steps, where the result is checkpointed and never re-run.

// Read once at cold start: module-level configuration is stable for the life of the container.
const INVENTORY_URL = process.env.INVENTORY_URL ?? 'https://inventory.example.com';
const PAYMENTS_URL = process.env.PAYMENTS_URL ?? 'https://payments.example.com';
const SHIPPING_URL = process.env.SHIPPING_URL ?? 'https://shipping.example.com';

export interface OrderItem {
  sku: string;
  quantity: number;
}

export interface Reservation {
  reservationId: string;
  expiresAt: string;
}

export interface PaymentApproval {
  approved: boolean;
  paymentToken?: string;
  reviewer: string;
}

export interface Payment {
  paymentId: string;
  amountCents: number;
}

export interface Shipment {
  shipmentId: string;
  trackingNumber: string;
}

export interface RefundStatus {
  refundId: string;
  state: 'PENDING' | 'SETTLED' | 'REJECTED';
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${url} answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export function reserveInventory(orderId: string, items: OrderItem[]): Promise<Reservation> {
  return post(`${INVENTORY_URL}/reservations`, { orderId, items });
}

export function releaseInventory(reservationId: string): Promise<void> {
  return post(`${INVENTORY_URL}/reservations/${encodeURIComponent(reservationId)}/release`, {});
}

export function requestPaymentApproval(request: { orderId: string; amountCents: number; callbackId: string }): Promise<void> {
  return post(`${PAYMENTS_URL}/approvals`, request);
}

export function chargePayment(orderId: string, amountCents: number, paymentToken: string): Promise<Payment> {
  return post(`${PAYMENTS_URL}/charges`, { orderId, amountCents, paymentToken });
}

export function refundPayment(paymentId: string, amountCents: number): Promise<{ refundId: string }> {
  return post(`${PAYMENTS_URL}/charges/${encodeURIComponent(paymentId)}/refunds`, { amountCents });
}

export function getRefundStatus(refundId: string): Promise<RefundStatus> {
  return post(`${PAYMENTS_URL}/refunds/${encodeURIComponent(refundId)}/status`, {});
}

export function sendRefundReview(refundId: string, callbackId: string): Promise<void> {
  return post(`${PAYMENTS_URL}/refunds/${encodeURIComponent(refundId)}/review`, { callbackId });
}

export function createShipment(orderId: string, reservationId: string): Promise<Shipment> {
  return post(`${SHIPPING_URL}/shipments`, { orderId, reservationId });
}

export function notifyCustomer(customerId: string, message: string): Promise<void> {
  return post(`${SHIPPING_URL}/notifications`, { customerId, message });
}

/** Callback results arrive as raw strings; this parses the JSON the approver sent. */
export function jsonCallback<T>(): { deserialize: (data: string | undefined) => Promise<T | undefined> } {
  return {
    deserialize: async (data) => (data === undefined ? undefined : (JSON.parse(data) as T)),
  };
}
