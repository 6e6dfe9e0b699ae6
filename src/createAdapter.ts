import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type BotState } from 'botbuilder';
import type { Config } from './config';
import type { Logger } from './logger';
import { createOnTurnError } from './onTurnError';

/** CloudAdapter with Bot Framework authentication; without an app id it accepts unauthenticated local callers. */
export function createAdapter(config: Pick<Config, 'appId' | 'appPassword' | 'appType' | 'appTenantId'>, logger: Logger, states: readonly BotState[]): CloudAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: config.appId ?? '',
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.appTenantId ?? '',
  });
  const auth = new ConfigurationBotFrameworkAuthentication(
    { MicrosoftAppId: config.appId ?? '', MicrosoftAppType: config.appType, MicrosoftAppTenantId: config.appTenantId ?? '' },
    credentials,
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = createOnTurnError(logger, states);
  return adapter;
}
