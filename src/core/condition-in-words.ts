// The decisive nodes of an evaluated condition in words: each leaf says what it found on the
// user, against what the condition asked ("the user registered on 2025-03-02, after 2025-01-01
// (register-before)"). A leaf states the fact whatever its value, so the same words serve a leaf
// that failed and one that held under a `not` (then labelled "not register-before").
import { decisiveNodes, type ExplainNode } from '../condition/index.ts';
import { wallClock } from './time-zone.ts';

type Inputs = Record<string, unknown>;

const quoted = (values: unknown) =>
  (Array.isArray(values) ? values : []).map((v) => JSON.stringify(String(v))).join(', ');

const oneOf = (values: unknown) =>
  Array.isArray(values) && values.length === 1 ? quoted(values) : `any of ${quoted(values)}`;

const pad = (n: number) => String(n).padStart(2, '0');

/** The user's time on the zone's wall clock: the date, and the minute when the date alone misleads. */
function localTime(iso: string, literal: string, timeZone: string): string {
  const w = wallClock(new Date(iso), timeZone);
  const date = `${String(w.year).padStart(4, '0')}-${pad(w.month)}-${pad(w.day)}`;
  const withTime = literal.length > 10 || literal.startsWith(date);
  return withTime ? `${date} ${pad(w.hour)}:${pad(w.minute)}` : date;
}

function relation(value: number, bound: number, below: string, above: string): string {
  return value < bound ? below : value > bound ? above : 'exactly at';
}

const TIME_VERBS: Record<string, [attribute: string, verb: string, missing: string]> = {
  register: ['registerTime', 'registered', 'the user has no registration time'],
  access: ['accessTime', 'last accessed', 'the user has no last access time'],
};

function timeFact(name: string, inputs: Inputs): string {
  const [attribute, verb, missing] = TIME_VERBS[name.split('-')[0]!]!;
  const at = inputs[attribute];
  const literal = String(inputs.time);
  if (typeof at !== 'string') return missing;
  const when = relation(Date.parse(at), Date.parse(String(inputs.instant)), 'before', 'after');
  return `the user ${verb} on ${localTime(at, literal, String(inputs.timeZone))}, ${when} ${literal}`;
}

function quotaFact(inputs: Inputs): string {
  if (typeof inputs.quota !== 'number') return 'the user’s gateway quota could not be read';
  const n = Number(inputs.n);
  const where = inputs.quota === n ? 'equal to' : inputs.quota < n ? 'below' : 'above';
  return `the user’s gateway quota is ${inputs.quota}, ${where} ${n}`;
}

function listFact(name: string, inputs: Inputs): string {
  switch (name) {
    case 'belong-to':
      if (inputs.org === null) return 'the user has no organisation';
      return (inputs.orgs as unknown[]).includes(inputs.org)
        ? `the user belongs to ${JSON.stringify(inputs.org)}`
        : `the user belongs to ${JSON.stringify(inputs.org)}, not ${oneOf(inputs.orgs)}`;
    case 'github-star': {
      const starred = (inputs.repos as string[]).filter((r) =>
        (inputs.githubStars as string[]).includes(r),
      );
      return starred.length > 0
        ? `the user starred ${quoted(starred)}`
        : `the user has not starred ${oneOf(inputs.repos)}`;
    }
    default:
      return (inputs.ids as unknown[]).includes(inputs.id)
        ? `the user id ${JSON.stringify(inputs.id)} is listed`
        : `the user id ${JSON.stringify(inputs.id)} is not among ${quoted(inputs.ids)}`;
  }
}

/** What one leaf found, without its label. */
export function leafFact(node: ExplainNode): string {
  const name = node.function ?? '';
  const inputs = node.inputs ?? {};
  if (name === 'true' || name === 'false') return `${name}() is always ${name}`;
  if (name === 'is-vip') {
    const level = Number(inputs.level);
    const vip = Number(inputs.vip);
    return `the user is VIP level ${vip}, ${vip >= level ? 'at least' : 'below'} ${level}`;
  }
  if (name === 'quota-le' || name === 'quota-ge') return quotaFact(inputs);
  if (/^(register|access)-/.test(name)) return timeFact(name, inputs);
  return listFact(name, inputs);
}

/** One leaf in words with its label: `… (register-before)`, `… (not is-vip)`. */
export function leafInWords(node: ExplainNode, negated: boolean): string {
  return `${leafFact(node)} (${negated ? 'not ' : ''}${node.function ?? node.text})`;
}

/** The nodes that decided the tree's value, in words, joined with "; ". */
export function decisiveInWords(root: ExplainNode): string {
  return decisiveNodes(root)
    .map(({ node, negated }) => leafInWords(node, negated))
    .join('; ');
}
