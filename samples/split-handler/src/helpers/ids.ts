// Sample (Lambda runtime): id helpers shared by the billing handler. Plain functions, no DurableContext.

/** A short, prefixed, human-readable id such as `inv_k3j9x2qa`. */
export function newId(prefix: string): string {
  // deliberate: nondeterministic-call. Reached from replayed code (handler.ts -> issueInvoice -> newId).
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Deterministic: the same inputs give the same key on every replay. */
export function idempotencyKey(...parts: string[]): string {
  return parts.map((part) => part.replace(/[^A-Za-z0-9-]/g, '')).join(':');
}
