// What a condition may read about a user. Deliberately not the database row type: the
// evaluator stays independent of Prisma, and callers map rows (or API payloads) to this.
export interface ConditionUser {
  id: string;
  vip: number;
  /** null: unknown organisation; predicates over it are UNKNOWN. */
  org: string | null;
  registerTime: Date | null;
  accessTime: Date | null;
  githubStars: readonly string[];
}

export interface EvaluationContext {
  /** IANA zone in which timestamp literals without an offset are read (the strategy's zone). */
  timeZone: string;
  /**
   * The user's current total quota at the gateway, for quota-le / quota-ge; null when unknown.
   * Called at most once per evaluation, and only if the result depends on it. Without it,
   * quota predicates are UNKNOWN. A rejected promise propagates to the caller.
   */
  quota?: (userId: string) => Promise<number | null>;
}
