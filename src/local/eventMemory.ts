// Runs anywhere (pure): the event a local run of a handler starts with. The views keep the last one per
// handler in workspace state under eventMemoryKey(); this builds the key and the default.

/** Key for one handler export of one file (workspace-relative path keeps it stable across machines). */
export function eventMemoryKey(relativeHandlerFile: string, handlerExport: string | undefined): string {
  return `durableLens.local.lastEvent:${relativeHandlerFile.split('\\').join('/')}#${handlerExport ?? 'handler'}`;
}

/** The default event: `{}`. */
export function defaultEvent(): unknown {
  return {};
}

export type ParsedEvent = { readonly ok: true; readonly event: unknown } | { readonly ok: false; readonly message: string };

/** Parse typed-in event text: empty text is the default event; anything else must be JSON. */
export function parseEventText(text: string): ParsedEvent {
  if (text.trim() === '') return { ok: true, event: defaultEvent() };
  try {
    return { ok: true, event: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: `the event is not valid JSON: ${(e as Error).message}` };
  }
}

/** Text to prefill an input box with: the remembered event, else the default, as pretty JSON. */
export function eventText(remembered: unknown): string {
  return JSON.stringify(remembered === undefined ? defaultEvent() : remembered, null, 2);
}
