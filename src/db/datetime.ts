/**
 * yesgraph's one text form of a point in time: 'YYYY-MM-DD HH:MM:SS' in UTC, which every
 * engine stores in a DATETIME column and compares correctly as text.
 */
export function sqlDateTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** The current time as sqlDateTime text. */
export function sqlNow(now = new Date()): string {
  return sqlDateTime(now);
}
