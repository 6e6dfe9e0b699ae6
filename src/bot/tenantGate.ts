import type { Activity } from 'botbuilder';

/** The tenant an activity comes from, lower case, as the channel states it. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return (activity.conversation?.tenantId ?? fromChannelData)?.toLowerCase();
}

export interface TenantPolicy {
  /** Tenants allowed to use the bot (lower case); undefined allows all. */
  allowedTenantIds?: readonly string[];
  /** No app id: nothing is authenticated, and the Emulator stands in for Teams. */
  localMode?: boolean;
}

/**
 * Whether the tenant may use the bot: every tenant when no allow-list is set. With one, only Teams
 * (whose signing key is endorsed for msteams) vouches for the tenant an activity names; a Web Chat or
 * Direct Line client writes its own channelData, so its claim counts for nothing.
 */
export function tenantAllowed(activity: Partial<Activity>, { allowedTenantIds, localMode = false }: TenantPolicy): boolean {
  if (!allowedTenantIds) return true;
  const vouched = activity.channelId === 'msteams' || (localMode && activity.channelId === 'emulator');
  const tenant = tenantOf(activity);
  return vouched && tenant !== undefined && allowedTenantIds.includes(tenant);
}
