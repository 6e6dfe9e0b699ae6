import { summarizeFacts, type Diagnosis, type FailureMode, type Lang, type Step } from '../knowledge';
import { confidenceInWords, factRows, t } from '../knowledge/messages';


function steps(lang: Lang, list: readonly Step[]): string[] {
  return list.flatMap((step, i) => [`  ${i + 1}. ${step.text[lang]}`, ...(step.command ? [`       PS> ${step.command}`] : [])]);
}

/** A diagnosis as terminal text. */
export function formatDiagnosis(lang: Lang, diagnosis: Diagnosis, modes: readonly FailureMode[]): string {
  const byId = (id: string) => modes.find((m) => m.id === id);
  const lines: string[] = [];
  const mode = diagnosis.match ? byId(diagnosis.match.id) : undefined;
  if (!diagnosis.match || !mode) {
    lines.push(t(lang, 'notRecognised.title'), '', t(lang, 'notRecognised.body'), '');
    const close = diagnosis.candidates.slice(0, 3);
    if (close.length > 0) {
      lines.push(`${t(lang, 'notRecognised.closest')}:`);
      for (const c of close) lines.push(`  - ${byId(c.id)?.title[lang] ?? c.id} — ${confidenceInWords(lang, c.confidence)}`);
      lines.push('');
    }
    lines.push(`${t(lang, 'knownModes.title')}:`, ...modes.map((m) => `  ${m.order}. ${m.title[lang]}`));
    return lines.join('\n') + '\n';
  }
  lines.push(`${t(lang, 'section.diagnosis')}: ${mode.title[lang]}`);
  lines.push(`${t(lang, 'section.confidence')}: ${confidenceInWords(lang, diagnosis.match.confidence)}`);
  const summary = summarizeFacts(mode.factSummary?.[lang], diagnosis.match.facts);
  if (summary) lines.push(summary);
  const facts = factRows(lang, diagnosis.match.facts);
  if (facts.length > 0) lines.push('', `${t(lang, 'section.facts')}:`, ...facts.map((f) => `  ${f.label}: ${f.value}`));
  lines.push('', `${t(lang, 'section.cause')}:`, `  ${mode.cause[lang]}`);
  lines.push('', `${t(lang, 'section.checks')}:`, ...steps(lang, mode.checks));
  lines.push('', `${t(lang, 'section.fix')}:`, ...steps(lang, mode.fix));
  lines.push('', `${t(lang, 'section.verify')}:`, ...steps(lang, mode.verify));
  lines.push('', `${t(lang, 'section.escalation')}:`, `  ${mode.escalation.when[lang]}`);
  if (mode.escalation.need !== 'never' && mode.escalation.include.length > 0) {
    lines.push(`  ${t(lang, 'section.escalationInclude')}:`, ...mode.escalation.include.map((i) => `    - ${i[lang]}`));
  }
  lines.push('', `${t(lang, 'section.article')}: ${mode.article.url}`);
  if (mode.today) lines.push('', `${t(lang, 'section.today')}: ${mode.today[lang]}`, `  ${t(lang, 'retired.note')}`);
  const others = diagnosis.candidates.filter((c) => c.id !== mode.id).slice(0, 3);
  if (others.length > 0) {
    lines.push('', `${t(lang, 'section.others')}:`);
    for (const c of others) lines.push(`  - ${byId(c.id)?.title[lang] ?? c.id} — ${confidenceInWords(lang, c.confidence)}`);
  }
  return lines.join('\n') + '\n';
}
