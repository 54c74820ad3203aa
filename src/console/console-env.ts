// The console's Hono types: every page handler finds the session and an API client bound to the
// session's token in the context.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ApiClient } from './api-client.ts';
import type { Session } from './sessions.ts';

export interface ConsoleEnv {
  Variables: { session: Session; api: ApiClient; form: Record<string, string | string[]> };
}
export type ConsoleApp = Hono<ConsoleEnv>;
export type ConsoleContext = Context<ConsoleEnv>;

export const newConsoleApp = (): ConsoleApp => new Hono<ConsoleEnv>();

/** A form field as one string ('' when absent). */
export function field(c: ConsoleContext, name: string): string {
  const value = c.get('form')[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** A repeated form field (checkboxes) as a list. */
export function fields(c: ConsoleContext, name: string): string[] {
  const value = c.get('form')[`${name}[]`] ?? c.get('form')[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
