// Sample (Lambda runtime): pure money arithmetic for the billing handler; safe anywhere, replayed or not.

export interface LineItem {
  description: string;
  quantity: number;
  unitCents: number;
}

export function totalCents(lines: readonly LineItem[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitCents, 0);
}

export function formatCents(cents: number, currency = 'EUR'): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}
