import type { Lang } from '../knowledge';
import { t } from '../knowledge/messages';

/** "2025-01-15 09:30": an ISO time in UTC to the minute, the same in every renderer and language. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** How long ago, coarsely: minutes below two hours, hours below two days, then days. */
export function formatAge(lang: Lang, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 120) return t(lang, 'card.tickets.ageMinutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t(lang, 'card.tickets.ageHours', { n: hours });
  return t(lang, 'card.tickets.ageDays', { n: Math.floor(hours / 24) });
}
