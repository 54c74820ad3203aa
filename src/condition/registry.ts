// The one list of functions the language knows. The checker uses it as the allowlist and for
// signatures; the API and docs publish it for autocompletion. Everything here is data.
import type { FunctionName } from './ast.ts';
import { LIMITS } from './limits.ts';

export type ParamType = 'condition' | 'string' | 'number' | 'integer' | 'timestamp';

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Smallest accepted value, for numeric parameters. */
  readonly min?: number;
  /** Largest accepted value, for numeric parameters. */
  readonly max?: number;
}

export interface FunctionSpec {
  readonly name: FunctionName;
  readonly params: readonly ParamSpec[];
  /** When true the last parameter repeats: at least one, at most `LIMITS.maxArguments` in all. */
  readonly variadic: boolean;
  readonly description: string;
  readonly example: string;
  /** True when the answer depends on the AI gateway (cannot be pushed down to the database). */
  readonly needsGateway: boolean;
}

type SpecBody = Omit<FunctionSpec, 'name'>;

// A Record keyed by FunctionName makes the compiler reject a missing or unknown function.
const SPECS: Record<FunctionName, SpecBody> = {
  and: {
    params: [
      { name: 'condition', type: 'condition' },
      { name: 'condition', type: 'condition' },
    ],
    variadic: true,
    description: 'TRUE when every condition is TRUE; also written infix: a and b.',
    example: 'and(is-vip(2), belong-to("org001"))',
    needsGateway: false,
  },
  or: {
    params: [
      { name: 'condition', type: 'condition' },
      { name: 'condition', type: 'condition' },
    ],
    variadic: true,
    description: 'TRUE when at least one condition is TRUE; also written infix: a or b.',
    example: 'or(github-star("zgsm-ai.zgsm"), belong-to("org001"))',
    needsGateway: false,
  },
  not: {
    params: [{ name: 'condition', type: 'condition' }],
    variadic: false,
    description: 'TRUE when the condition is FALSE (UNKNOWN stays UNKNOWN); also written: not x.',
    example: 'not(is-vip(2))',
    needsGateway: false,
  },
  true: {
    params: [],
    variadic: false,
    description: 'Always TRUE: matches every user.',
    example: 'true()',
    needsGateway: false,
  },
  false: {
    params: [],
    variadic: false,
    description: 'Always FALSE: matches no user.',
    example: 'false()',
    needsGateway: false,
  },
  'match-user': {
    params: [{ name: 'id', type: 'string' }],
    variadic: true,
    description: 'The user id equals one of the ids.',
    example: 'match-user("user-1", "user-2")',
    needsGateway: false,
  },
  'register-before': {
    params: [{ name: 'time', type: 'timestamp' }],
    variadic: false,
    description: 'The user registered at or before the time (registration time <= time).',
    example: 'register-before("2024-01-01 00:00:00")',
    needsGateway: false,
  },
  'register-after': {
    params: [{ name: 'time', type: 'timestamp' }],
    variadic: false,
    description: 'The user registered after the time (registration time > time).',
    example: 'register-after("2024-01-01")',
    needsGateway: false,
  },
  'access-after': {
    params: [{ name: 'time', type: 'timestamp' }],
    variadic: false,
    description: 'The user was last active after the time (last access time > time).',
    example: 'access-after("2024-06-01 08:00:00")',
    needsGateway: false,
  },
  'access-before': {
    params: [{ name: 'time', type: 'timestamp' }],
    variadic: false,
    description: 'The user was last active before the time (last access time < time).',
    example: 'access-before("2024-06-01T00:00:00Z")',
    needsGateway: false,
  },
  'github-star': {
    params: [{ name: 'repo', type: 'string' }],
    variadic: true,
    description: 'The user starred at least one of the repositories (exact, case-sensitive).',
    example: 'github-star("zgsm-ai.zgsm")',
    needsGateway: false,
  },
  'is-vip': {
    // vip is a 32-bit INT column: a larger level would make the database query fail.
    params: [{ name: 'level', type: 'integer', min: 0, max: 2_147_483_647 }],
    variadic: false,
    description: "The user's VIP level is at least the level (vip >= level).",
    example: 'is-vip(2)',
    needsGateway: false,
  },
  'belong-to': {
    params: [{ name: 'org', type: 'string' }],
    variadic: true,
    description: "The user's organisation is one of the names (exact, case-sensitive).",
    example: 'belong-to("org001")',
    needsGateway: false,
  },
  'quota-le': {
    params: [
      { name: 'model', type: 'string' },
      { name: 'n', type: 'number' },
    ],
    variadic: false,
    description:
      "The user's current total quota at the gateway is at most n (the model is ignored).",
    example: 'quota-le("gpt-4o", 10)',
    needsGateway: true,
  },
  'quota-ge': {
    params: [
      { name: 'model', type: 'string' },
      { name: 'n', type: 'number' },
    ],
    variadic: false,
    description:
      "The user's current total quota at the gateway is at least n (the model is ignored).",
    example: 'quota-ge("gpt-4o", 100)',
    needsGateway: true,
  },
};

export const FUNCTION_REGISTRY: readonly FunctionSpec[] = Object.freeze(
  (Object.keys(SPECS) as FunctionName[]).map((name) => {
    const body = SPECS[name];
    return Object.freeze({
      name,
      ...body,
      params: Object.freeze(body.params.map((param) => Object.freeze({ ...param }))),
    });
  }),
);

const BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(
  FUNCTION_REGISTRY.map((spec) => [spec.name, spec]),
);

export function lookupFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name);
}

/** Inclusive bounds on the number of arguments a call of `spec` accepts. */
export function arityOf(spec: FunctionSpec): { min: number; max: number } {
  const min = spec.params.length;
  return { min, max: spec.variadic ? LIMITS.maxArguments : min };
}
