// Sample (Lambda runtime): a stand-in for a hosted model API and the agent's tools. Calls go over the network,
// so the agent handler makes them only inside steps.

const MODEL_URL = process.env.MODEL_URL ?? 'https://model.example.com/v1/messages';
const DOCS_URL = process.env.DOCS_URL ?? 'https://docs.example.com/search';

export type Role = 'user' | 'assistant' | 'tool';

export interface Message {
  role: Role;
  content: string;
  toolCallId?: string;
}

export interface ToolCall {
  id: string;
  name: 'search_docs' | 'get_order' | 'issue_refund' | 'escalate';
  input: Record<string, string>;
}

export interface ModelReply {
  stopReason: 'end_turn' | 'tool_use' | 'rate_limited';
  text: string;
  toolCalls: ToolCall[];
}

/** A minimal client with the shape of a chat-completions API. */
export class FakeModelClient {
  constructor(private readonly modelId: string) {}

  async converse(system: string, messages: Message[]): Promise<ModelReply> {
    const response = await fetch(MODEL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: this.modelId, system, messages }),
    });
    if (response.status === 429) {
      return { stopReason: 'rate_limited', text: '', toolCalls: [] };
    }
    if (!response.ok) {
      throw new Error(`model answered ${response.status}`);
    }
    return (await response.json()) as ModelReply;
  }
}

export async function searchDocs(query: string): Promise<string> {
  const response = await fetch(`${DOCS_URL}?q=${encodeURIComponent(query)}`);
  return response.ok ? await response.text() : `search failed: ${response.status}`;
}

export async function issueRefund(orderId: string, amountCents: number): Promise<string> {
  const response = await fetch(`https://payments.example.com/orders/${encodeURIComponent(orderId)}/refund`, {
    method: 'POST',
    body: JSON.stringify({ amountCents }),
  });
  return response.ok ? `refunded ${amountCents} cents` : `refund failed: ${response.status}`;
}

export async function sendApprovalRequest(callbackId: string, summary: string): Promise<void> {
  await fetch('https://approvals.example.com/requests', {
    method: 'POST',
    body: JSON.stringify({ callbackId, summary }),
  });
}
