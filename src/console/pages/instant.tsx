// One way to show an instant everywhere in the console: the wall-clock time in a named zone
// (`2026-12-07 14:05 Asia/Shanghai`), how far it is from now (`in 3 min`, `2 h ago`), and a
// machine-readable <time datetime>. The zone is the strategy's or the daemon's, and the element
// says which, because the same minute reads differently in the two.

/** Whose time zone an instant is shown in. */
export type ZoneOf = 'strategy' | 'daemon';

/**
 * `2026-12-07 14:05 Asia/Shanghai`: minutes are what an operator reads; seconds are noise. A zone
 * this runtime does not know is shown in UTC, labelled UTC, rather than failing the page.
 */
export function wallClock(at: Date, zone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = clockFormat(zone);
  } catch {
    return wallClock(at, 'UTC');
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`;
}

function clockFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

const UNITS: [limitSeconds: number, seconds: number, unit: string][] = [
  [3_600, 60, 'min'],
  [172_800, 3_600, 'h'],
  [Infinity, 86_400, 'd'],
];

/** `in 3 min`, `2 h ago`, `5 d ago`, or `now` within a minute; rounded down, never `in 0 min`. */
export function relativeTime(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return 'now';
  const [, size, unit] = UNITS.find(([limit]) => abs < limit)!;
  const count = Math.floor(abs / size);
  return seconds > 0 ? `in ${count} ${unit}` : `${count} ${unit} ago`;
}

/** An ISO string from the API, or a Date; anything unreadable is shown as it came. */
function instantOf(at: string | Date): Date | undefined {
  const date = at instanceof Date ? at : new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function Instant(props: {
  at: string | Date | null | undefined;
  zone: string;
  zoneOf: ZoneOf;
  now: Date;
}) {
  if (props.at === null || props.at === undefined || props.at === '') return <span>—</span>;
  const at = instantOf(props.at);
  if (!at) return <span>{String(props.at)}</span>;
  return (
    <span class="instant">
      <time datetime={at.toISOString()} title={`in the ${props.zoneOf}'s time zone`}>
        {wallClock(at, props.zone)}
      </time>{' '}
      <span class="relative">({relativeTime(at, props.now)})</span>
    </span>
  );
}
