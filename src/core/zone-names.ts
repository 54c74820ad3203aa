// Zone names people mean. Intl accepts many names that are not the canonical IANA `Area/City`
// form: abbreviations (`CST` is US Central to the tz database, but China Standard Time to an
// operator in Shanghai), POSIX-style rules (`PST8PDT`), country aliases (`PRC`, `US/Central`)
// and `Etc/GMT+8` (which is UTC−8: the sign is POSIX's, inverted). New strategies must name a
// zone the way nobody can misread: `UTC` or `Area/City`. Stored strategies keep the zone they
// have (the rules let an unchanged zone pass) and are flagged instead.

/** What the name most likely meant; two entries when it is ambiguous, the likelier first. */
const INTENT: Record<string, string[]> = {
  CST: ['Asia/Shanghai', 'America/Chicago'],
  CDT: ['America/Chicago'],
  CST6CDT: ['America/Chicago'],
  EST: ['America/New_York'],
  EDT: ['America/New_York'],
  EST5EDT: ['America/New_York'],
  MST: ['America/Denver', 'America/Phoenix'],
  MDT: ['America/Denver'],
  MST7MDT: ['America/Denver'],
  PST: ['America/Los_Angeles'],
  PDT: ['America/Los_Angeles'],
  PST8PDT: ['America/Los_Angeles'],
  HST: ['Pacific/Honolulu'],
  IST: ['Asia/Kolkata', 'Europe/Dublin'],
  JST: ['Asia/Tokyo'],
  KST: ['Asia/Seoul'],
  HKT: ['Asia/Hong_Kong'],
  SGT: ['Asia/Singapore'],
  BST: ['Europe/London'],
  CET: ['Europe/Berlin', 'Europe/Paris'],
  CEST: ['Europe/Berlin', 'Europe/Paris'],
  MET: ['Europe/Berlin'],
  EET: ['Europe/Athens', 'Europe/Helsinki'],
  WET: ['Europe/Lisbon'],
  MSK: ['Europe/Moscow'],
  AEST: ['Australia/Sydney'],
  PRC: ['Asia/Shanghai'],
  ROC: ['Asia/Taipei'],
  ROK: ['Asia/Seoul'],
  JAPAN: ['Asia/Tokyo'],
  SINGAPORE: ['Asia/Singapore'],
  HONGKONG: ['Asia/Hong_Kong'],
  'US/EASTERN': ['America/New_York'],
  'US/CENTRAL': ['America/Chicago'],
  'US/MOUNTAIN': ['America/Denver'],
  'US/PACIFIC': ['America/Los_Angeles'],
  'US/ALASKA': ['America/Anchorage'],
  'US/HAWAII': ['Pacific/Honolulu'],
  GMT: ['UTC'],
  UCT: ['UTC'],
  ZULU: ['UTC'],
  UNIVERSAL: ['UTC'],
  GREENWICH: ['UTC'],
  'ETC/UTC': ['UTC'],
  'ETC/GMT': ['UTC'],
  'ETC/UCT': ['UTC'],
  'ETC/UNIVERSAL': ['UTC'],
  'ETC/ZULU': ['UTC'],
  'ETC/GREENWICH': ['UTC'],
};

/** The areas of canonical IANA names (`Asia/Shanghai`, `America/Argentina/Salta`). */
const AREAS = new Set([
  'Africa',
  'America',
  'Antarctica',
  'Arctic',
  'Asia',
  'Atlantic',
  'Australia',
  'Europe',
  'Indian',
  'Pacific',
]);

export interface ZoneNameProblem {
  message: string;
  /** The zone to use instead, when one is likely (the first of several). */
  suggestion?: string;
}

/**
 * Why a zone Intl knows is still not a name to store, or undefined for `UTC` and `Area/City`.
 * Only for names Intl accepts: an unknown name is a different problem (did-you-mean).
 */
export function ambiguousZoneProblem(timeZone: string): ZoneNameProblem | undefined {
  if (timeZone === 'UTC' || (AREAS.has(timeZone.split('/')[0]!) && timeZone.includes('/')))
    return undefined;
  const meant = INTENT[timeZone.toUpperCase()];
  const offset = /^Etc\/GMT([+-])(\d{1,2})$/i.exec(timeZone);
  if (offset) {
    const [, sign, hours] = offset;
    const real = `UTC${sign === '+' ? '−' : '+'}${hours}`;
    return {
      message: `"${timeZone}" is ${real} (POSIX inverts the sign): name the place instead, e.g. an Area/City zone such as Asia/Shanghai`,
    };
  }
  if (meant)
    return {
      message: `"${timeZone}" is an abbreviation or legacy name that people read differently: use ${meant.map((m) => `"${m}"`).join(' or ')}`,
      suggestion: meant[0],
    };
  return {
    message: `"${timeZone}" is not a canonical IANA zone: use UTC or an Area/City name such as Asia/Shanghai or America/Chicago`,
  };
}
