const MONTHS: Record<string, string> = {
  jan: 'Jan',
  feb: 'Feb',
  mar: 'Mar',
  apr: 'Apr',
  may: 'May',
  jun: 'Jun',
  jul: 'Jul',
  aug: 'Aug',
  sep: 'Sep',
  sept: 'Sep',
  oct: 'Oct',
  nov: 'Nov',
  dec: 'Dec',
  january: 'Jan',
  february: 'Feb',
  march: 'Mar',
  april: 'Apr',
  june: 'Jun',
  july: 'Jul',
  august: 'Aug',
  september: 'Sep',
  october: 'Oct',
  november: 'Nov',
  december: 'Dec',
};
const ZONES: Record<string, string> = {
  UT: '+0000',
  UTC: '+0000',
  GMT: '+0000',
  Z: '+0000',
  EST: '-0500',
  EDT: '-0400',
  CST: '-0600',
  CDT: '-0500',
  MST: '-0700',
  MDT: '-0600',
  PST: '-0800',
  PDT: '-0700',
  CET: '+0100',
  CEST: '+0200',
  BST: '+0100',
  MSK: '+0300',
  IST: '+0530',
  JST: '+0900',
  AEST: '+1000',
  AEDT: '+1100',
};

/** Parses RFC 822 and ISO 8601 dates and their common malformations; undefined when nothing sensible is there. */
export function parseDate(input: string | undefined): Date | undefined {
  const text = input?.trim();
  if (!text) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    // ISO 8601, tolerating a space for "T", a missing zone (UTC) and "+0100" offsets.
    let iso = text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso += 'Z';
    return valid(new Date(iso));
  }
  if (/^\d{9,13}$/.test(text)) return valid(new Date(Number(text) * (text.length > 10 ? 1 : 1000)));
  // RFC 822 family: drop the weekday, normalize month names and zone abbreviations.
  let rfc = text.replace(/^[A-Za-z]+,?\s+/, '').replace(/\s+/g, ' ');
  rfc = rfc.replace(/\b([A-Za-z]{3,9})\b/g, (word) => MONTHS[word.toLowerCase()] ?? word);
  rfc = rfc.replace(/\b([A-Z]{1,4})$/, (zone) => ZONES[zone] ?? zone);
  rfc = rfc.replace(/(\d{1,2}:\d{2}(:\d{2})?)$/, '$1 +0000');
  const parsed = valid(new Date(rfc));
  return parsed ?? valid(new Date(text));
}

function valid(date: Date): Date | undefined {
  const time = date.getTime();
  return Number.isNaN(time) || date.getUTCFullYear() < 1970 ? undefined : date;
}

/** A missing date becomes the time we first saw the item; one in the future is clamped to now. */
export function effectiveDate(parsed: Date | undefined, now: Date): Date {
  if (!parsed || parsed.getTime() > now.getTime()) return now;
  return parsed;
}
