import { summarizeFacts, type Candidate, type Diagnosis, type Lang, type Matcher, type Step } from '../knowledge';
import { confidenceInWords, factRows, t } from '../knowledge/messages';

/** What the report needs of the matcher: the modes and their packs. */
export type Catalog = Pick<Matcher, 'modes' | 'packs' | 'packOf' | 'modeById'>;

function steps(lang: Lang, list: readonly Step[]): string[] {
  return list.flatMap((step, i) => [`  ${i + 1}. ${step.text[lang]}`, ...(step.command ? [`       PS> ${step.command}`] : [])]);
}

function candidates(lang: Lang, catalog: Catalog, list: readonly Candidate[]): string[] {
  return list.map((c) => `  - ${catalog.modeById(c.id)?.title[lang] ?? c.id} — ${confidenceInWords(lang, c.confidence)}`);
}

/** The known failures, by pack. */
function knownModes(lang: Lang, catalog: Catalog): string[] {
  return [
    `${t(lang, 'cli.knownModes')}:`,
    ...catalog.packs.flatMap((pack) => [`  ${pack.title[lang]}`, ...catalog.modes.filter((m) => m.pack === pack.id).map((m) => `    ${m.order}. ${m.title[lang]}`)]),
  ];
}

/** A diagnosis as a report for a terminal. */
export function formatDiagnosis(lang: Lang, diagnosis: Diagnosis, catalog: Catalog): string {
  const lines: string[] = [];
  const mode = diagnosis.match ? catalog.modeById(diagnosis.match.id) : undefined;
  if (!diagnosis.match || !mode) {
    lines.push(t(lang, 'cli.notRecognised.title'), `  ${t(lang, 'cli.notRecognised.body')}`, '');
    const close = diagnosis.candidates.slice(0, 3);
    if (close.length > 0) lines.push(`${t(lang, 'notRecognised.closest')}:`, ...candidates(lang, catalog, close), '');
    lines.push(...knownModes(lang, catalog));
    return lines.join('\n') + '\n';
  }
  const pack = catalog.packOf(mode);
  lines.push(`${t(lang, 'section.diagnosis')}: ${mode.title[lang]}`);
  lines.push(`${t(lang, 'section.pack')}: ${pack.title[lang]}`);
  lines.push(`${t(lang, 'section.confidence')}: ${confidenceInWords(lang, diagnosis.match.confidence)}`);
  const summary = summarizeFacts(mode.factSummary?.[lang], diagnosis.match.facts);
  if (summary) lines.push(summary);
  const facts = factRows(lang, diagnosis.match.facts);
  if (facts.length > 0) lines.push('', `${t(lang, 'cli.facts')}:`, ...facts.map((f) => `  ${f.label}: ${f.value}`));
  lines.push('', `${t(lang, 'section.cause')}:`, `  ${mode.cause[lang]}`);
  lines.push('', `${t(lang, 'section.checks')}:`, ...steps(lang, mode.checks));
  lines.push('', `${t(lang, 'section.fix')}:`, ...steps(lang, mode.fix));
  if (mode.replacements) {
    lines.push('', `${t(lang, 'section.replacements')}:`, ...mode.replacements.flatMap((r) => [`  - ${r.old}`, `  + ${r.new}`]));
  }
  lines.push('', `${t(lang, 'section.verify')}:`, ...steps(lang, mode.verify));
  lines.push('', `${t(lang, 'section.escalation')}:`, `  ${mode.escalation.when[lang]}`);
  if (mode.escalation.need !== 'never' && mode.escalation.include.length > 0) {
    lines.push(`  ${t(lang, 'section.escalationInclude')}:`, ...mode.escalation.include.map((i) => `    - ${i[lang]}`));
  }
  if (mode.uncertain) lines.push('', `${t(lang, 'section.uncertain')}:`, ...mode.uncertain.map((u) => `  - ${u[lang]}`));
  lines.push('', `${t(lang, 'section.article')}: ${mode.article.url}`);
  if (mode.today) lines.push('', `${t(lang, 'section.today')}: ${mode.today[lang]}`);
  lines.push('', `${t(lang, 'cli.note')}: ${pack.cardNote[lang]}`);
  if (diagnosis.alsoFound.length > 0) lines.push('', `${t(lang, 'section.alsoFound')}:`, ...candidates(lang, catalog, diagnosis.alsoFound));
  const others = diagnosis.candidates.filter((c) => c.id !== mode.id && c.confidence >= 0.1 && !diagnosis.alsoFound.some((a) => a.id === c.id)).slice(0, 3);
  if (others.length > 0) lines.push('', `${t(lang, 'section.others')}:`, ...candidates(lang, catalog, others));
  return lines.join('\n') + '\n';
}
