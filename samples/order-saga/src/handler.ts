// Sample (Lambda runtime): an order saga as a durable function. Reserve stock, wait for a payment approval
// that arrives through a callback, charge, ship; undo the completed stages (refund, release) when a later one fails.
import * as crypto from 'node:crypto';
import {
  CallbackTimeoutError,
  StepSemantics,
  createLinearRetryStrategy,
  createRetryStrategy,
  retryPresets,
  withDurableExecution,
  type DurableContext,
} from '@aws/durable-execution-sdk-js';
import {
  chargePayment,
  createShipment,
  jsonCallback,
  notifyCustomer,
  refundPayment,
  releaseInventory,
  requestPaymentApproval,
  reserveInventory,
  type OrderItem,
  type PaymentApproval,
} from './services';

export interface OrderEvent {
  customerId: string;
  items: OrderItem[];
  amountCents: number;
}

export interface OrderResult {
  orderId: string;
  status: 'shipped' | 'rejected' | 'failed';
  trackingNumber?: string;
}

// Payment providers throttle; back off exponentially but give up after five attempts.
const paymentRetry = createRetryStrategy({
  maxAttempts: 5,
  initialDelay: { seconds: 2 },
  maxDelay: { minutes: 1 },
  backoffRate: 2,
  retryableErrors: [/throttl/i, /timeout/i],
});

export const handler = withDurableExecution(async (event: OrderEvent, context: DurableContext): Promise<OrderResult> => {
  // deliberate: nondeterministic-call. A new id on every replay, so the order changes identity mid-saga.
  const orderId = crypto.randomUUID();
  context.logger.info('order received', { orderId, items: event.items.length });

  // durable-lens-ignore-next-line env-read-outside-step -- the stage is fixed for a deployed version
  const stage = process.env.STAGE ?? 'dev';

  const reservation = await context.step(
    'reserve-inventory',
    async () => reserveInventory(orderId, event.items),
    { retryStrategy: retryPresets.default },
  );

  let approval: PaymentApproval | undefined;
  try {
    approval = await context.waitForCallback<PaymentApproval>(
      'payment-approval',
      async (callbackId, callbackContext) => {
        callbackContext.logger.info('asking for payment approval', { callbackId, stage });
        await requestPaymentApproval({ orderId, amountCents: event.amountCents, callbackId });
      },
      { timeout: { hours: 24 }, heartbeatTimeout: { hours: 2 }, serdes: jsonCallback<PaymentApproval>() },
    );
  } catch (error) {
    // Compensation: nothing was charged yet, so only the reservation has to be undone.
    await context.step('release-inventory-unapproved', async () => releaseInventory(reservation.reservationId));
    if (error instanceof CallbackTimeoutError) {
      return { orderId, status: 'rejected' };
    }
    throw error;
  }

  if (!approval?.approved || approval.paymentToken === undefined) {
    await context.step('release-inventory-rejected', async () => releaseInventory(reservation.reservationId));
    return { orderId, status: 'rejected' };
  }
  const paymentToken = approval.paymentToken;

  const payment = await context.step(
    'charge-payment',
    async () => chargePayment(orderId, event.amountCents, paymentToken),
    // At most once per attempt: a charge must never be sent twice for the same attempt.
    { retryStrategy: paymentRetry, semantics: StepSemantics.AtMostOncePerRetry },
  );

  // The customer may still cancel during this window; the function is suspended, not billed, while it waits.
  await context.wait('cancellation-window', { minutes: 30 });

  try {
    const shipment = await context.step(
      'create-shipment',
      async () => createShipment(orderId, reservation.reservationId),
      { retryStrategy: createLinearRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 5 }, increment: { seconds: 5 } }) },
    );
    await context.step('notify-customer', async () =>
      notifyCustomer(event.customerId, `Order ${orderId} shipped: ${shipment.trackingNumber}`),
    );
    return { orderId, status: 'shipped', trackingNumber: shipment.trackingNumber };
  } catch (error) {
    // Compensation runs in the reverse order of the work it undoes.
    await context.step('refund-payment', async () => refundPayment(payment.paymentId, payment.amountCents));
    await context.step('release-inventory-unshipped', async () => releaseInventory(reservation.reservationId));
    context.logger.error('shipping failed; payment refunded and stock released', {
      orderId,
      reason: error instanceof Error ? error.message : String(error),
    });
    return { orderId, status: 'failed' };
  }
});
