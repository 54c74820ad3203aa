// Kleene's three-valued logic, as SQL uses it: UNKNOWN is "could be either".
export type Truth = 'TRUE' | 'FALSE' | 'UNKNOWN';

export function not3(value: Truth): Truth {
  return value === 'TRUE' ? 'FALSE' : value === 'FALSE' ? 'TRUE' : 'UNKNOWN';
}

/** FALSE wins, then UNKNOWN; the identity is TRUE. */
export function and3(a: Truth, b: Truth): Truth {
  if (a === 'FALSE' || b === 'FALSE') return 'FALSE';
  if (a === 'UNKNOWN' || b === 'UNKNOWN') return 'UNKNOWN';
  return 'TRUE';
}

/** TRUE wins, then UNKNOWN; the identity is FALSE. */
export function or3(a: Truth, b: Truth): Truth {
  if (a === 'TRUE' || b === 'TRUE') return 'TRUE';
  if (a === 'UNKNOWN' || b === 'UNKNOWN') return 'UNKNOWN';
  return 'FALSE';
}

export function truth(value: boolean): Truth {
  return value ? 'TRUE' : 'FALSE';
}
