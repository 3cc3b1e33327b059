// Sample (Lambda runtime): a tool-using GenAI agent as a durable function. Each model turn and each tool call is
// a step, so a replay re-reads the answers instead of paying for them again; refunds wait for a human.
import { createRetryStrategy, withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { FakeModelClient, issueRefund, searchDocs, sendApprovalRequest, type Message } from './model';

export interface AgentEvent {
  conversationId: string;
  prompt: string;
}

export interface AgentResult {
  answer: string;
  turns: number;
}

const SYSTEM_PROMPT = 'You are a support agent. Use the tools; ask before refunding.';
const MAX_TURNS = 8;
const ORDERS_FUNCTION = process.env.ORDERS_FUNCTION_NAME ?? 'orders-lookup';

const model = new FakeModelClient('example-model-v1');

// Model APIs fail transiently; retry the turn rather than the whole conversation.
const modelRetry = createRetryStrategy({ maxAttempts: 4, initialDelay: { seconds: 1 }, backoffRate: 2 });

export const handler = withDurableExecution(async (event: AgentEvent, context: DurableContext): Promise<AgentResult> => {
  // Rebuilt identically on every replay from checkpointed step results.
  const messages: Message[] = [{ role: 'user', content: event.prompt }];

  // A bounded loop: the agent gets at most MAX_TURNS model calls.
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const reply = await context.step(
      `model-turn-${turn}`,
      async () => model.converse(SYSTEM_PROMPT, messages),
      { retryStrategy: modelRetry },
    );
    // deliberate: replayed-side-effect-log. Printed again on every replay; use context.logger.
    console.log(`turn ${turn}: ${reply.stopReason}`);

    if (reply.stopReason === 'rate_limited') {
      // deliberate: non-durable-timer. A sleep that keeps the Lambda running (and billed); use context.wait.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      continue;
    }
    messages.push({ role: 'assistant', content: reply.text });
    if (reply.stopReason === 'end_turn') {
      return { answer: reply.text, turns: turn + 1 };
    }

    for (const call of reply.toolCalls) {
      let output: string;
      switch (call.name) {
        case 'search_docs':
          output = await context.step(`search-docs-${call.id}`, async () => searchDocs(call.input.query ?? ''));
          break;
        case 'get_order':
          // Another durable function owns orders; invoke it and wait for its result.
          output = await context.invoke<{ orderId: string }, string>(`get-order-${call.id}`, ORDERS_FUNCTION, {
            orderId: call.input.orderId ?? '',
          });
          break;
        case 'issue_refund': {
          const orderId = call.input.orderId ?? '';
          const amountCents = Number(call.input.amountCents ?? '0');
          const verdict = await context.waitForCallback(
            `approve-refund-${call.id}`,
            async (callbackId) => sendApprovalRequest(callbackId, `Refund ${amountCents} cents on order ${orderId}?`),
            { timeout: { hours: 4 } },
          );
          output =
            verdict === 'approved'
              ? await context.step(`issue-refund-${call.id}`, async () => issueRefund(orderId, amountCents))
              : 'The refund was declined by a person.';
          break;
        }
        case 'escalate':
          context.logger.warn('agent escalated', { conversationId: event.conversationId });
          return { answer: 'A person will follow up on this conversation.', turns: turn + 1 };
        default:
          output = `unknown tool ${String(call.name)}`;
      }
      messages.push({ role: 'tool', toolCallId: call.id, content: output });
    }
  }

  context.logger.warn('turn budget exhausted', { conversationId: event.conversationId });
  return { answer: 'Sorry, I could not finish this request.', turns: MAX_TURNS };
});
