// Reading If-Match and writing ETag for strategies (RFC 9110 §8.8.3, §13.1.1). The tag itself
// is the core's (core/model/strategy-tag.ts); here it only gets its quotes.
import { AppError } from '../core/errors.ts';
import type { Strategy } from '../core/model/strategy.ts';
import { strategyTag, type IfMatch } from '../core/model/strategy-tag.ts';

/** The ETag header value of a strategy: a strong tag. */
export const strategyETag = (strategy: Strategy): string => `"${strategyTag(strategy)}"`;

// One element of `#entity-tag`: optional W/, quoted etagc (RFC 9110 §8.8.3), then a comma or the end.
const ELEMENT = /[ \t]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,|$)/y;

/**
 * The header as a precondition: undefined without one, `*`, or the strong tags it lists. Weak
 * tags are left out, since If-Match compares strongly: a list of weak tags only matches nothing
 * (412). Anything that is not an entity-tag list is a 400.
 */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const tags: string[] = [];
  ELEMENT.lastIndex = 0;
  while (ELEMENT.lastIndex < value.length) {
    const match = ELEMENT.exec(value);
    if (!match) throw invalidIfMatch();
    if (!match[1]) tags.push(match[2] ?? '');
  }
  if (value.length === 0) throw invalidIfMatch();
  return tags;
}

function invalidIfMatch(): AppError {
  return new AppError('validation_failed', 'The If-Match header is not valid', [
    {
      field: 'If-Match',
      message: 'expected * or a comma-separated list of quoted entity tags, e.g. "3-1768471200000"',
    },
  ]);
}
