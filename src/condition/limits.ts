// Limits against abuse. Conditions come from an HTTP API, so every input size must be bounded
// before it reaches a recursive parser (a deep enough input would otherwise overflow the stack).
export const LIMITS = Object.freeze({
  /** Maximum characters in a condition. Checked first, before lexing. */
  maxLength: 10_000,
  /**
   * Maximum nesting depth, counted two ways and both must fit: the parentheses and prefix
   * `not`s as written (checked on tokens, before the recursive parser runs), and the depth of
   * the resulting expression tree (a leaf such as `true()` has depth 1). The second makes
   * `format(ast)` always re-parseable: its parenthesis depth equals the tree depth.
   */
  maxDepth: 64,
  /** Maximum arguments of one call, including operands of an infix `a or b or c` chain. */
  maxArguments: 100,
});

export const TOO_DEEP_MESSAGE = `The condition is nested too deeply: at most ${LIMITS.maxDepth} levels are allowed`;
