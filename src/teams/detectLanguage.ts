import type { Lang } from '../knowledge';

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

/** ko-* locales get Korean; with no locale, a message with Hangul gets Korean; else English. */
export function detectLanguage(locale: string | undefined, text: string): Lang {
  if (locale && locale.trim() !== '') return /^ko(?:[-_.@]|$)/i.test(locale.trim()) ? 'ko' : 'en';
  return HANGUL.test(text) ? 'ko' : 'en';
}
