/** One schema version. `version` is unique and increasing; `name` is for humans. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Versions must be 1, 2, 3... with no gaps, so a missing file is noticed instead of skipped. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is out of order: entry ${i} has version ${m.version}, expected ${i + 1}`);
  });
}
