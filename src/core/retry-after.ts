/**
 * The longest wait a `Retry-After` header can impose: a server (or a proxy in front of it)
 * that asks for more is waited for this long, then tried again, so a bad header cannot
 * park a client for days.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** Statuses whose `Retry-After` asks a client to come back later (RFC 9110 10.2.3, RFC 6585 4). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// RFC 9110 5.6.7: recipients accept all three forms. Literals rather than `new RegExp`, so a
// bundle that never reads a Retry-After header drops them.
// IMF-fixdate, groups: day, month, year, h, m, s.
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
// RFC 850 (two-digit year), same groups.
const RFC_850 =
  /^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d{2})-(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
// asctime, groups: month, day (space-padded), h, m, s, year.
const ASCTIME =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/**
 * How long a `Retry-After` header value asks to wait, in ms from `now` (a wall-clock time,
 * `Date.now()`): delay-seconds (`"120"`) or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`,
 * and the two obsolete forms). A date in the past gives `0`; anything over
 * {@link MAX_RETRY_AFTER_MS} gives that. `undefined` for a missing or invalid value, which
 * is ignored rather than guessed at.
 *
 * @example
 * ```ts
 * parseRetryAfter('2', Date.now()); // 2000
 * parseRetryAfter('soon', Date.now()); // undefined
 * ```
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (typeof text !== 'string' || text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = parseHttpDate(text, now);
  if (at === undefined || !Number.isFinite(now)) return undefined;
  return Math.min(Math.max(at - now, 0), MAX_RETRY_AFTER_MS);
}

/**
 * The wait a refused handshake asks for: {@link parseRetryAfter} of its `retry-after`
 * header when the status is 429 or 503, else `undefined`. `headers` has lower-case names.
 */
export function retryAfterOf(
  status: number,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  now: number = Date.now(),
): number | undefined {
  if (!RETRY_AFTER_STATUSES.has(status)) return undefined;
  return parseRetryAfter(headers['retry-after'], now);
}

/** Ms since the epoch of an HTTP-date, or `undefined` if `text` is not one. */
function parseHttpDate(text: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(text);
  if (match) return utc(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = RFC_850.exec(text);
  if (match) return utc(fullYear(Number(match[3]), now), match[2], match[1], match[4], match[5], match[6]);
  match = ASCTIME.exec(text);
  if (match) return utc(match[6], match[1], match[2], match[3], match[4], match[5]);
  return undefined;
}

/** RFC 9110 5.6.7: a two-digit year more than 50 years ahead is in the previous century. */
function fullYear(twoDigits: number, now: number): number {
  const thisYear = Number.isFinite(now) ? new Date(now).getUTCFullYear() : 2000;
  const year = Math.floor(thisYear / 100) * 100 + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

function utc(
  year: string | number,
  month: string,
  day: string,
  hours: string,
  minutes: string,
  seconds: string,
): number | undefined {
  const y = Number(year);
  const m = MONTHS.indexOf(month.toLowerCase());
  const d = Number(day);
  const h = Number(hours);
  const min = Number(minutes);
  // A leap second (60) is read as the last second of its minute.
  const s = Math.min(Number(seconds), 59);
  if (h > 23 || min > 59 || Number(seconds) > 60) return undefined;
  const time = Date.UTC(y, m, d, h, min, s);
  // Date.UTC rolls 31 Feb over into March: such a date is not a date.
  return new Date(time).getUTCDate() === d ? time : undefined;
}
