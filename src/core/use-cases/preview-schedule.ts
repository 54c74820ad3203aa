// "When would this schedule fire?" for a cron expression not saved anywhere yet (the console's
// strategy form asks as the operator types): the daemon's own rules — zone names as strategies
// get them, the cron checks and the daylight-saving rule of schedule.ts — so what the form shows
// is what a saved strategy would do.
import { cronInWords, type CronWordLang } from '../cron-in-words.ts';
import { cronProblemAt } from '../cron-problem.ts';
import { AppError, type ErrorDetail } from '../errors.ts';
import { nextOccurrences } from '../schedule.ts';
import { formatInZone } from '../time-zone.ts';
import { zoneProblem } from '../zone-rules.ts';

export interface ScheduleQuestion {
  cron: string;
  timeZone: string;
  count: number;
  lang?: CronWordLang;
}

export interface SchedulePreview {
  cron: string;
  timeZone: string;
  /** The expression in words; null when the describer cannot read it (the times still stand). */
  description: string | null;
  fireTimes: { at: Date; local: string }[];
}

/** The next `count` fire times after `now`; 400 validation_failed naming the field at fault. */
export function previewSchedule(question: ScheduleQuestion, now: Date): SchedulePreview {
  const { cron, timeZone, count } = question;
  const zone = zoneProblem(timeZone);
  const problem: ErrorDetail | undefined = zone
    ? { field: 'timezone', ...zone }
    : withField(cronProblemAt(cron, timeZone));
  if (problem) throw new AppError('validation_failed', 'The schedule is not valid', [problem]);
  return {
    cron,
    timeZone,
    description: cronInWords(cron, question.lang),
    fireTimes: nextOccurrences(cron, timeZone, now, count).map((at) => ({
      at,
      local: formatInZone(at, timeZone),
    })),
  };
}

const withField = (detail: ErrorDetail | undefined) =>
  detail === undefined ? undefined : { field: 'cron', ...detail };
