// One way to show an instant everywhere in the console: the wall-clock time in a named zone
// (`2026-12-07 14:05 Asia/Shanghai`, `2026年12月7日 14:05 Asia/Shanghai`: clock-text.ts), how far it is from now
// (`in 3 minutes`, `3分钟后`), and a machine-readable <time datetime>, in the request's language.
// The zone is the strategy's or the daemon's, and the element says which, because the same
// minute reads differently in the two.
import { currentLang, t } from '../i18n/current.ts';
import { DEFAULT_LANG, intlLocale, type Lang } from '../i18n/language.ts';
import { wallClock } from './clock-text.ts';

/** Whose time zone an instant is shown in. */
export type ZoneOf = 'strategy' | 'daemon';

const UNITS: [limitSeconds: number, seconds: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [3_600, 60, 'minute'],
  [172_800, 3_600, 'hour'],
  [Infinity, 86_400, 'day'],
];

/**
 * `in 3 minutes`, `2 hours ago`, `5 days ago` (`3分钟后`, `2小时前`), or `now` (`现在`) within a
 * minute; rounded down, never `in 0 minutes`. Always a count (never "yesterday"), so the
 * rounding reads the same in every language.
 */
export function relativeTime(at: Date, now: Date, lang: Lang = DEFAULT_LANG): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const locale = intlLocale(lang);
  if (abs < 60) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(0, 'second');
  const [, size, unit] = UNITS.find(([limit]) => abs < limit)!;
  const count = Math.floor(abs / size);
  return new Intl.RelativeTimeFormat(locale, { numeric: 'always' }).format(
    seconds > 0 ? count : -count,
    unit,
  );
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
  const lang = currentLang();
  return (
    <span class="instant">
      <time datetime={at.toISOString()} title={t().common.inTheZoneOf(props.zoneOf)}>
        {wallClock(at, props.zone, lang)}
      </time>{' '}
      <span class="relative">{t().common.parenthesized(relativeTime(at, props.now, lang))}</span>
    </span>
  );
}

/** What every instant on a page is shown against: one zone (and whose it is) and one "now". */
export interface TimeFrame {
  zone: string;
  zoneOf: ZoneOf;
  now: Date;
}

/** An instant in the page's frame; a single strategy's occurrence (`once`) stays `once`. */
export function When(props: { at: string | Date | null | undefined; frame: TimeFrame }) {
  if (props.at === 'once') return <span>{t().common.once}</span>;
  const { zone, zoneOf, now } = props.frame;
  return <Instant at={props.at} zone={zone} zoneOf={zoneOf} now={now} />;
}
