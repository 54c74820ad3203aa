// Condition → a Prisma-shaped `where` on user_info, so the scanner lets the database filter.
//
// Three-valued logic is kept exact by compiling every node to a pair of filters: T, the rows
// where the node is TRUE, and F, the rows where it is FALSE. Rows in neither are UNKNOWN (a NULL
// attribute), which is what SQL's own NULL handling gives us for free: `org IN (…)` and
// `org NOT IN (…)` are both false on a NULL org. Then
//   and: T = AND(T…), F = OR(F…)     or: T = OR(T…), F = AND(F…)     not: swap T and F
// and the answer is T. Gateway-dependent leaves (quota-*) cannot be decided here: they get
// T = F = every row, which keeps every T a superset of the exact answer (all the combinators
// are monotone), and the caller evaluates the residual in memory (`exact: false`).
//
// Only filters that behave the same on SQLite and PostgreSQL are used: equals/in/notIn,
// comparisons, `not: null`, AND/OR and relation some/none. No `mode`, and no Prisma `NOT`
// (NOT over a nullable comparison would turn UNKNOWN into TRUE).
import { unreachable, type ConditionAst } from './ast.ts';
import { needsGateway } from './gateway.ts';
import { assertTimeZone, instantOf } from './timestamp.ts';

export interface StringListFilter {
  in?: string[];
  notIn?: string[];
}

export interface NullableStringListFilter extends StringListFilter {
  not?: null;
}

export interface IntFilter {
  gte?: number;
  lt?: number;
}

export interface DateFilter {
  lt?: Date;
  lte?: Date;
  gt?: Date;
  gte?: Date;
}

export interface StarFilter {
  some?: { repo: { in: string[] } };
  none?: { repo: { in: string[] } };
}

/** A Prisma `UserInfoWhereInput` subset (a test proves Prisma accepts it); no Prisma import here. */
export interface UserWhere {
  AND?: UserWhere[];
  OR?: UserWhere[];
  id?: StringListFilter;
  vip?: IntFilter;
  org?: NullableStringListFilter;
  registerTime?: DateFilter;
  accessTime?: DateFilter;
  stars?: StarFilter;
}

export interface DatabaseFilter {
  where: UserWhere;
  /** False when the condition uses the gateway: `where` is a superset, evaluate each row. */
  exact: boolean;
}

type Filter = 'all' | 'none' | UserWhere;

interface Pair {
  readonly t: Filter;
  readonly f: Filter;
}

/** `{ id: { in: [] } }` matches nothing on both providers (Prisma renders it as 1=0). */
const noRows = (): UserWhere => ({ id: { in: [] } });

/** AND with the obvious simplifications; nested ANDs are flattened. */
function allOf(filters: Filter[]): Filter {
  const parts: UserWhere[] = [];
  for (const filter of filters) {
    if (filter === 'none') return 'none';
    if (filter === 'all') continue;
    if (isOnly(filter, 'AND')) parts.push(...filter.AND!);
    else parts.push(filter);
  }
  if (parts.length === 0) return 'all';
  return parts.length === 1 ? parts[0]! : { AND: parts };
}

/** OR with the obvious simplifications; nested ORs are flattened. */
function anyOf(filters: Filter[]): Filter {
  const parts: UserWhere[] = [];
  for (const filter of filters) {
    if (filter === 'all') return 'all';
    if (filter === 'none') continue;
    if (isOnly(filter, 'OR')) parts.push(...filter.OR!);
    else parts.push(filter);
  }
  if (parts.length === 0) return 'none';
  return parts.length === 1 ? parts[0]! : { OR: parts };
}

function isOnly(where: UserWhere, key: 'AND' | 'OR'): boolean {
  const keys = Object.keys(where);
  return keys.length === 1 && keys[0] === key;
}

/** Distinct values, in first-seen order (the same value twice would only lengthen the SQL). */
function values(args: readonly { value: string }[]): string[] {
  return [...new Set(args.map((arg) => arg.value))];
}

function compile(node: ConditionAst, timeZone: string): Pair {
  switch (node.name) {
    case 'and': {
      const pairs = node.args.map((arg) => compile(arg, timeZone));
      return { t: allOf(pairs.map((p) => p.t)), f: anyOf(pairs.map((p) => p.f)) };
    }
    case 'or': {
      const pairs = node.args.map((arg) => compile(arg, timeZone));
      return { t: anyOf(pairs.map((p) => p.t)), f: allOf(pairs.map((p) => p.f)) };
    }
    case 'not': {
      const inner = compile(node.args[0], timeZone);
      return { t: inner.f, f: inner.t };
    }
    case 'true':
      return { t: 'all', f: 'none' };
    case 'false':
      return { t: 'none', f: 'all' };
    case 'match-user': {
      const ids = values(node.args);
      return { t: { id: { in: ids } }, f: { id: { notIn: ids } } };
    }
    case 'belong-to': {
      const orgs = values(node.args);
      // A NULL org is in neither set; `not: null` says so explicitly for F.
      return { t: { org: { in: orgs } }, f: { org: { not: null, notIn: orgs } } };
    }
    case 'github-star': {
      const repos = values(node.args);
      return {
        t: { stars: { some: { repo: { in: repos } } } },
        f: { stars: { none: { repo: { in: repos } } } },
      };
    }
    case 'is-vip': {
      const level = node.args[0].value;
      return { t: { vip: { gte: level } }, f: { vip: { lt: level } } };
    }
    case 'register-before': {
      const at = new Date(instantOf(node.args[0].value, timeZone));
      return { t: { registerTime: { lte: at } }, f: { registerTime: { gt: at } } };
    }
    case 'register-after': {
      const at = new Date(instantOf(node.args[0].value, timeZone));
      return { t: { registerTime: { gt: at } }, f: { registerTime: { lte: at } } };
    }
    case 'access-after': {
      const at = new Date(instantOf(node.args[0].value, timeZone));
      return { t: { accessTime: { gt: at } }, f: { accessTime: { lte: at } } };
    }
    case 'access-before': {
      const at = new Date(instantOf(node.args[0].value, timeZone));
      return { t: { accessTime: { lt: at } }, f: { accessTime: { gte: at } } };
    }
    case 'quota-le':
    case 'quota-ge':
      return { t: 'all', f: 'all' };
    default:
      return unreachable(node);
  }
}

/**
 * The rows where the condition is TRUE (`exact`), or a superset of them when the condition
 * depends on the gateway. Throws InvalidTimeZoneError for an unknown zone.
 */
export function toDatabaseFilter(ast: ConditionAst, opts: { timeZone: string }): DatabaseFilter {
  assertTimeZone(opts.timeZone);
  const { t } = compile(ast, opts.timeZone);
  const where = t === 'all' ? {} : t === 'none' ? noRows() : t;
  return { where, exact: !needsGateway(ast) };
}
