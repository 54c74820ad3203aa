// An event as a title and label/value lines, the part every chat format shares. Titles name the
// catalogue's types in words; an unknown type is shown as itself so a newer event still reads.
import type { EventEnvelope } from '../envelope.ts';

const TITLES: Record<string, string> = {
  'occurrence.completed': 'Occurrence completed',
  'occurrence.held': 'Occurrence held: budget approval needed',
  'occurrence.approved': 'Occurrence approved',
  'grant.unknown': 'Grant outcome unknown: a human must resolve it',
  'grant.applied': 'Quota granted',
  'strategy.created': 'Strategy created',
  'strategy.updated': 'Strategy updated',
  'strategy.enabled': 'Strategy enabled',
  'strategy.disabled': 'Strategy disabled',
  'strategy.deleted': 'Strategy deleted',
  'scan.failed': 'Scan failed',
  'gateway.unavailable': 'Gateway unavailable: grants paused',
  'gateway.recovered': 'Gateway recovered',
  'user_source.failed': 'User source sync failed',
  'lot.expiring': 'Credit expiring soon',
  'lot.expired': 'Credit expired',
};

export interface EventSummary {
  title: string;
  /** Label and value per top-level data field, in the order the event gave them. */
  fields: [string, string][];
  /** `<type> at <timestamp>`: the machine names, for the footer. */
  footer: string;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '-';
  return JSON.stringify(value);
}

export function summarizeEvent(envelope: EventEnvelope): EventSummary {
  return {
    title: TITLES[envelope.type] ?? envelope.type,
    fields: Object.entries(envelope.data).map(([key, value]) => [key, valueText(value)]),
    footer: `${envelope.type} at ${envelope.timestamp}`,
  };
}

/** `text` cut to at most `maxBytes` of UTF-8, ending in an ellipsis when cut. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let cut = Buffer.from(text)
    .subarray(0, maxBytes - Buffer.byteLength(ellipsis))
    .toString();
  // A multi-byte character split by the cut decodes as U+FFFD; drop it.
  cut = cut.replace(/\uFFFD$/, '');
  return cut + ellipsis;
}
