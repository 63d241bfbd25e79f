/**
 * yesgraph's one text form of a point in time: 'YYYY-MM-DD HH:MM:SS' in UTC, which every
 * engine stores in a DATETIME column and compares correctly as text.
 */
export function sqlDateTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** The text of the current second, made once per second (every call and log row asks for it). */
let current = { second: Number.NaN, text: '' };

/** `now` (the current time when absent) as sqlDateTime text. */
export function sqlNow(now?: Date): string {
  if (now) return sqlDateTime(now);
  const second = Math.floor(Date.now() / 1000);
  if (second !== current.second) current = { second, text: sqlDateTime(new Date(second * 1000)) };
  return current.text;
}
