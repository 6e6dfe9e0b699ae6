import { z } from 'zod';

/** Someone as the channel names them: their channel id, display name and, in Teams, Entra object id. */
export const Person = z.object({
  id: z.string().min(1).max(512),
  name: z.string().max(256).optional(),
  aadObjectId: z.string().max(128).optional(),
});
export type Person = z.infer<typeof Person>;

/** The same person: by Entra object id when both have one, else by channel id. */
export function samePerson(a: Person, b: Person): boolean {
  if (a.aadObjectId && b.aadObjectId) return a.aadObjectId === b.aadObjectId;
  return a.id === b.id;
}

/** A name to show; the channel id when the channel gave none. */
export function displayName(person: Person): string {
  return person.name?.trim() || person.id;
}
