import type { Activity } from 'botbuilder';

/** The tenant an activity comes from, lower case, as the channel states it. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return (activity.conversation?.tenantId ?? fromChannelData)?.toLowerCase();
}

/** Whether the tenant may use the bot: every tenant when no allow-list is set. */
export function tenantAllowed(activity: Partial<Activity>, allowedTenantIds: readonly string[] | undefined): boolean {
  if (!allowedTenantIds || allowedTenantIds.length === 0) return true;
  const tenant = tenantOf(activity);
  return tenant !== undefined && allowedTenantIds.includes(tenant);
}
