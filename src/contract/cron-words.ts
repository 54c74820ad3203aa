// A cron expression in words, as the schedule preview answers it (`description`), for the
// clients that say a schedule beside its expression: the console, which imports only console/
// and contract/, says it with the same describer in the reader's language.
export { cronInWords, CRON_WORD_LANGS, type CronWordLang } from '../core/cron-in-words.ts';
