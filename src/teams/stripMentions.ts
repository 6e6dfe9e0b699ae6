/** The part of a Bot Framework mention entity this needs. */
export interface MentionEntity {
  type: string;
  text?: string;
  mentioned?: { id?: string };
}

/**
 * Removes every mention of the bot, wherever it stands in the text (botbuilder's helper removes
 * only the first and trims away a paste's indentation). Other people's mentions are kept.
 */
export function stripMentions(text: string, entities: readonly MentionEntity[] | undefined, botId: string | undefined): string {
  let out = text;
  const tags = new Set<string>();
  for (const entity of entities ?? []) {
    if (entity.type !== 'mention' || !entity.text) continue;
    if (botId && entity.mentioned?.id && entity.mentioned.id !== botId) continue;
    tags.add(entity.text);
  }
  for (const tag of tags) out = out.split(tag).join('');
  // Strip the conventional Teams mention markup even when the entity text differs in spacing.
  return out.replace(/^[ \t]+(?=\S)/, '').replace(/\s+$/, '').replace(/^\s*\n/, '');
}
