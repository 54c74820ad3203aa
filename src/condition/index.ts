// The condition language: parse → typed AST → format / evaluate / explain / SQL push-down.
// Imports nothing from the HTTP, database or scheduler layers.
export type {
  ConditionAst,
  FunctionName,
  LiteralArg,
  NumberArg,
  Span,
  StringArg,
  TimestampArg,
} from './ast.ts';
export { checkInZone, type InstantRange } from './check-in-zone.ts';
export { conditionFunctions } from './condition-functions.ts';
export {
  CONDITION_ERROR_CODES,
  InvalidTimeZoneError,
  type ConditionError,
  type ConditionErrorCode,
} from './errors.ts';
export { decisiveNodes, type DecisiveNode } from './decisive.ts';
export { evaluate } from './evaluate.ts';
export { explain, type ExplainNode } from './explain.ts';
export { format } from './format.ts';
export { LIMITS } from './limits.ts';
export { parse, type ParseResult } from './parse.ts';
export {
  FUNCTION_REGISTRY,
  type FunctionSpec,
  type ParamSpec,
  type ParamType,
} from './registry.ts';
export { isValidTimeZone, resolveTimestamp } from './timestamp.ts';
export {
  toDatabaseFilter,
  type DatabaseFilter,
  type DateFilter,
  type IntFilter,
  type NullableStringListFilter,
  type StarFilter,
  type StringListFilter,
  type UserWhere,
} from './to-database-filter.ts';
export type { Truth } from './truth.ts';
export type { ConditionUser, EvaluationContext } from './user.ts';
