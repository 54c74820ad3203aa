// Rows a run skipped, counted by reason, with the first few ids of each (enough for an operator
// to find them in the source without the status growing with the source).
export const REJECTED_IDS_KEPT = 20;

export class Rejections {
  readonly counts: Record<string, number> = {};
  readonly ids: Record<string, string[]> = {};
  readonly examples: Record<string, string> = {};

  /** `reason` defaults to `invalid_<field>`; `where` is the row's id, or `row <n>` when it has none. */
  add(field: string, message: string, where: string, reason = `invalid_${field}`): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    const ids = (this.ids[reason] ??= []);
    if (ids.length < REJECTED_IDS_KEPT) ids.push(where);
    this.examples[reason] ??= `${field} ${message}`;
  }
}
