// How the console writes a minute on a wall clock, in each of its languages: one module, so an
// instant in a table, an approve button and a cron field's fire times read alike. English keeps
// the ISO order the console has always shown (`2026-03-09 08:00`); Chinese takes Intl's zh-CN
// long date (`2026年3月9日 08:00`). Both are to the minute, on a 24-hour clock.
import { DEFAULT_LANG, intlLocale, type Lang } from '../i18n/language.ts';

/** year, month, day, hour and minute of `at` on the wall clock of `zone`, in `lang`'s style. */
function dateAndMinute(at: Date, zone: string, lang: Lang): string {
  if (lang !== 'en') return chineseFormat(zone).format(at);
  const parts = Object.fromEntries(
    isoFormat(zone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

// Building an Intl.DateTimeFormat costs far more than using one (about 0.2 ms against a few
// µs), and a ledger page shows hundreds of instants in one or two zones: one per zone and style
// is kept. Zones are the IANA names the API accepted, a few hundred at most; the bound is only
// there so that nothing a page is shown can grow the map without end.
const FORMATS = new Map<string, Intl.DateTimeFormat>();
const FORMATS_KEPT = 1_000;

function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = FORMATS.get(key);
  if (format === undefined) {
    format = make();
    if (FORMATS.size >= FORMATS_KEPT) FORMATS.clear();
    FORMATS.set(key, format);
  }
  return format;
}

const isoFormat = (zone: string) => cached(`iso ${zone}`, () => isoFormatOf(zone));
const chineseFormat = (zone: string) => cached(`zh ${zone}`, () => chineseFormatOf(zone));

const isoFormatOf = (zone: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

const chineseFormatOf = (zone: string) =>
  new Intl.DateTimeFormat(intlLocale('zh-CN'), {
    timeZone: zone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

/**
 * `2026-12-07 14:05 Asia/Shanghai` (`2026年12月7日 14:05 Asia/Shanghai`): minutes are what an
 * operator reads; seconds are noise. A zone this runtime does not know is shown in UTC, labelled
 * UTC, rather than failing the page.
 */
export function wallClock(at: Date, zone: string, lang: Lang = DEFAULT_LANG): string {
  try {
    return `${dateAndMinute(at, zone, lang)} ${zone}`;
  } catch {
    return `${dateAndMinute(at, 'UTC', lang)} UTC`;
  }
}

const OFFSET = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):(\d{2})$/;

/**
 * A fire time as the daemon's schedule preview wrote it, `2026-03-09T08:00:00+08:00` (the wall
 * clock and the offset in force then, by the daemon's own zone rules): `2026-03-09 08:00 +08:00`
 * in English, `2026年3月9日 08:00 (UTC+8)` in Chinese. The offset is the daemon's, not looked up
 * again here, so the daylight-saving hour the daemon chose is the one shown. Text that is not
 * such a time is shown as it came.
 */
export function fireTime(local: string, lang: Lang = DEFAULT_LANG): string {
  const match = OFFSET.exec(local);
  if (!match) return local;
  const [, date, hour, minute, sign, offsetHours, offsetMinutes] = match;
  if (lang === 'en') return `${date} ${hour}:${minute} ${sign}${offsetHours}:${offsetMinutes}`;
  // The wall clock itself, read as if it were UTC: Intl then writes that very date and minute.
  const wall = new Date(`${date}T${hour}:${minute}:00Z`);
  if (Number.isNaN(wall.getTime())) return local;
  const offset = `${sign}${Number(offsetHours)}${offsetMinutes === '00' ? '' : `:${offsetMinutes}`}`;
  return `${chineseFormat('UTC').format(wall)} (UTC${offset})`;
}
