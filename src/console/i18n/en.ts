// The console's words in English: the reference catalogue. Its shape is the Messages type, so
// the Chinese catalogue (zh-CN.ts) must have every key with the same kind of value, and a key
// missing there is a type error. Values that take data are functions: pages never glue
// sentences together. A function returning Child[] places elements (a time, a code) inside
// a sentence, where the sentence's word order is the catalogue's to choose.
// Problem details and other messages the API writes are not here: they are shown as the API
// says them (English, with their machine code), inside the console's own framing sentence.
import { shell } from './en/shell.ts';
import { overview } from './en/overview.ts';
import { strategies } from './en/strategies.ts';
import { actions } from './en/actions.ts';
import { form } from './en/form.ts';
import { investigate } from './en/investigate.ts';
import { people } from './en/people.ts';
import { integrations } from './en/integrations.ts';

export type { FieldText } from './en/form.ts';

export const en = {
  ...shell,
  ...overview,
  ...strategies,
  ...actions,
  ...form,
  ...investigate,
  ...people,
  ...integrations,
};

export type Messages = typeof en;
