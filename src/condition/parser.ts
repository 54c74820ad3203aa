// Grammar only: builds a CST, no semantics. Function names, argument counts and types are the
// checker's business (build-typed-ast.ts), so a misspelt name is reported as such and not as a syntax
// error. Instances are built once (grammar analysis is the expensive part) and reused by
// assigning `parser.input`.
//
//   condition   := expression EOF
//   expression  := conjunction ("or" conjunction)*        -- `and` binds tighter than `or`
//   conjunction := negation ("and" negation)*
//   negation    := "not" negation | primary                -- prefix `not x`
//   primary     := call | group | string | number
//   call        := name "(" [expression ("," expression)*] ")"   -- a missing "," is reported
//   group       := "(" expression ")"
import type { IOrAlt } from 'chevrotain';
import { CstParser } from './chevrotain.ts';
import {
  allTokens,
  And,
  Comma,
  Identifier,
  LParen,
  Not,
  NumberLiteral,
  Or,
  RParen,
  StringLiteral,
} from './tokens.ts';
import { syntaxMessageProvider } from './syntax-messages.ts';

class ConditionParser extends CstParser {
  constructor(recoveryEnabled: boolean) {
    super(allTokens, {
      recoveryEnabled,
      maxLookahead: 2,
      errorMessageProvider: syntaxMessageProvider,
    });
    this.performSelfAnalysis();
  }

  /**
   * The entry rule only wraps `expression`. Keeping the repetitions one rule below the entry
   * means Chevrotain's in-repetition recovery never swallows trailing tokens, so `true() junk`
   * ends the parse with a NotAllInputParsed error (our `trailing_input`).
   */
  condition = this.RULE('condition', () => {
    this.SUBRULE(this.expression);
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.conjunction);
    this.MANY(() => {
      this.CONSUME(Or);
      this.SUBRULE2(this.conjunction);
    });
  });

  conjunction = this.RULE('conjunction', () => {
    this.SUBRULE(this.negation);
    this.MANY(() => {
      this.CONSUME(And);
      this.SUBRULE2(this.negation);
    });
  });

  // The OR alternatives are built once, not on every rule invocation: tsx (esbuild keepNames)
  // wraps every named arrow function in a `__name` call, and inside the hot path that cost
  // more than the parsing itself.
  private readonly negationAlternatives: IOrAlt<unknown>[] = [
    {
      // `not(` is a call of the `not` function (same meaning, and `not(a, b)` then gets a
      // precise arity error); a `not` followed by anything else is the prefix operator.
      GATE: () => this.LA(2).tokenType !== LParen,
      ALT: () => {
        this.CONSUME(Not);
        this.SUBRULE(this.negation);
      },
    },
    // `not` is also an Identifier (token category), hence the declared ambiguity.
    { ALT: () => this.SUBRULE(this.primary), IGNORE_AMBIGUITIES: true },
  ];

  negation = this.RULE('negation', () => {
    this.OR(this.negationAlternatives);
  });

  private readonly primaryAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.call) },
    { ALT: () => this.SUBRULE(this.group) },
    { ALT: () => this.CONSUME(StringLiteral) },
    { ALT: () => this.CONSUME(NumberLiteral) },
  ];

  primary = this.RULE('primary', () => {
    this.OR(this.primaryAlternatives);
  });

  call = this.RULE('call', () => {
    this.CONSUME(Identifier);
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        // The comma is optional here only so that a forgotten one costs a single precise error
        // (reported by the AST builder) instead of derailing recovery for the rest of the input.
        this.OPTION2(() => this.CONSUME(Comma));
        this.SUBRULE2(this.expression);
      });
    });
    this.CONSUME(RParen);
  });

  group = this.RULE('group', () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(RParen);
  });
}

/** Recovers from syntax errors to report several at once (see parse.ts for when it is used). */
export const recoveringParser = new ConditionParser(true);

/** Stops at the first syntax error, in time linear in the input. */
export const strictParser = new ConditionParser(false);
