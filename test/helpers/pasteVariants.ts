import type { FailureMode, KnowledgeBase, Signature } from '../../src/knowledge';
import { fillTemplate, hardWrap } from './fixtures';

/** Values for the placeholders fillTemplate leaves: what the sources show in those places. */
const VALUES: Readonly<Record<string, string>> = {
  namespace: 'Microsoft.TeamsCmdlets.Powershell.Connect.Utilities',
  type: 'System.Management.Automation.Runspaces.PSSession',
  module: 'MicrosoftTeams',
  message: 'Unknown error',
  name: 'MicrosoftTeams',
  resource: '48ac35b8-9aa8-4d74-927d-1f4a14a0b239',
  state: 'domain_joined',
  thumbprint: 'A937EEF7DA9343D62922DFE51F8F06478B4D90A7',
  n: '5400',
};

/** A signature's text with plausible values in its placeholders ({cmdlet} is the mode's own cmdlet). */
export function fillSignature(mode: FailureMode, signature: Signature, n: number): string {
  return fillTemplate(signature.text, n).replace(/\{([a-z][a-zA-Z]*)\}/g, (whole, key: string) => (key === 'cmdlet' ? mode.cmdlet : (VALUES[key] ?? whole)));
}

/** The last lines of an error record that show a context: the command line names it. */
function contextLine(knowledge: Pick<KnowledgeBase, 'contexts'>, contextId: string | undefined): string {
  const name = knowledge.contexts.find((c) => c.id === contextId)?.literals[0];
  return name === undefined ? '' : `\nAt line:1 char:1\n+ ${name}`;
}

/** The first or last part of a text, cut between words. */
function cutAtWord(text: string, share: number, keep: 'first' | 'last'): string {
  const words = text.split(' ');
  const n = Math.max(1, Math.round(words.length * share));
  return keep === 'first' ? words.slice(0, n).join(' ') : words.slice(words.length - n).join(' ');
}

function teamsHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');
  return `<p><at>Connector Doctor</at>&nbsp;please check this</p><p>${escaped.replace(/\n/g, '<br>')}</p>`;
}

function inChat(text: string, lang: string): string {
  return lang === 'ko' ? `관리 서버에서 연결하려고 하면 아래 오류가 납니다\n${text}\n어떻게 해야 하나요?` : `Morning all, the jump box gives me this when I connect:\n\n${text}\n\nany idea? tried twice already`;
}

/** The ways people paste an error, each from the error text and the record line that shows its context. */
export const PASTE_SHAPES: ReadonlyArray<readonly [string, (text: string, context: string, lang: string) => string]> = [
  ['exact', (t, c) => t + c],
  ['hard-wrapped at 80 columns', (t, c) => hardWrap(t + c, 80)],
  ['hard-wrapped at 37 columns', (t, c) => hardWrap(t + c, 37)],
  ['in chat', (t, c, lang) => inChat(t + c, lang)],
  ['first part, cut at a word', (t, c) => cutAtWord(t, 0.6, 'first') + c],
  ['last part, cut at a word', (t, c) => cutAtWord(t, 0.6, 'last') + c],
  ['Teams HTML', (t, c) => teamsHtml(t + c)],
];

/** One generated paste of a known error. */
export interface SignatureVariant {
  readonly mode: FailureMode;
  readonly signature: Signature;
  readonly shape: string;
  /** The signature's language. */
  readonly lang: string;
  readonly text: string;
}

/**
 * Every signature of every mode (framed ones written out in every language) in every paste shape,
 * with the context it needs shown on a record line. A cut text may have lost the failure's own
 * words: abstaining on it is right enough, claiming another mode never is.
 */
export function signatureVariants(knowledge: Pick<KnowledgeBase, 'modes' | 'contexts'>): SignatureVariant[] {
  return knowledge.modes.flatMap((mode) =>
    mode.signatures.flatMap((signature, i) => {
      const text = fillSignature(mode, signature, i);
      const context = contextLine(knowledge, signature.requires);
      return PASTE_SHAPES.map(([shape, make]) => ({ mode, signature, shape, lang: signature.lang, text: make(text, context, signature.lang) }));
    }),
  );
}
