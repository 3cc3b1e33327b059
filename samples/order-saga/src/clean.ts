// Sample (Lambda runtime): a refund workflow with no replay-safety mistakes. Durable Lens reports nothing here;
// it is the reference for what the fixes in handler.ts lead to.
import { randomUUID } from 'node:crypto';
import {
  createWaitStrategy,
  withDurableExecution,
  type DurableContext,
  type DurableExecutionHandler,
} from '@aws/durable-execution-sdk-js';
import { getRefundStatus, refundPayment, sendRefundReview, type RefundStatus } from './services';

// Read once at cold start: the same value for every replay in this container.
const LEDGER_FUNCTION = process.env.LEDGER_FUNCTION_NAME ?? 'ledger-writer';

export interface RefundEvent {
  paymentId: string;
  amountCents: number;
  reason: string;
}

export interface RefundResult {
  refundId: string;
  state: RefundStatus['state'] | 'DECLINED';
  requestId: string;
}

// Large refunds need a person to look at them.
const REVIEW_THRESHOLD_CENTS = 50_000;

const refundWorkflow: DurableExecutionHandler<RefundEvent, RefundResult> = async (
  event: RefundEvent,
  context: DurableContext,
): Promise<RefundResult> => {
  // Ids and timestamps are produced inside a step, so replays read the recorded value.
  const request = await context.step('new-request', async () => ({
    requestId: randomUUID(),
    receivedAt: new Date().toISOString(),
  }));
  context.logger.info('refund requested', { requestId: request.requestId, amountCents: event.amountCents });

  const refund = await context.step('create-refund', async () => refundPayment(event.paymentId, event.amountCents));

  if (event.amountCents >= REVIEW_THRESHOLD_CENTS) {
    // createCallback gives the id first; the promise is awaited after the reviewer has been told about it.
    const [decision, callbackId] = await context.createCallback<string>('refund-review', { timeout: { hours: 8 } });
    await context.step('send-review-request', async () => sendRefundReview(refund.refundId, callbackId));
    if ((await decision) !== 'approve') {
      return { refundId: refund.refundId, state: 'DECLINED', requestId: request.requestId };
    }
  }

  const settled = await context.waitForCondition<RefundStatus>(
    'await-settlement',
    async (state, checkContext) => {
      checkContext.logger.debug('polling refund', { refundId: state.refundId, attempt: checkContext.attempt });
      return getRefundStatus(state.refundId);
    },
    {
      initialState: { refundId: refund.refundId, state: 'PENDING' },
      waitStrategy: createWaitStrategy<RefundStatus>({
        shouldContinuePolling: (status) => status.state === 'PENDING',
        initialDelay: { seconds: 30 },
        maxDelay: { minutes: 10 },
        maxAttempts: 40,
      }),
    },
  );

  await context.invoke('record-in-ledger', LEDGER_FUNCTION, {
    refundId: settled.refundId,
    state: settled.state,
    requestId: request.requestId,
    receivedAt: request.receivedAt,
  });

  return { refundId: settled.refundId, state: settled.state, requestId: request.requestId };
};

export const handler = withDurableExecution(refundWorkflow);
