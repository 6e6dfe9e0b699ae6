import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, StatusCodes, type Activity, type BotState } from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
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
  const auth = new TokenRefusingAuthentication(
    { MicrosoftAppId: config.appId ?? '', MicrosoftAppType: config.appType, MicrosoftAppTenantId: config.appTenantId ?? '' },
    credentials,
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = createOnTurnError(logger, states);
  return adapter;
}

/** A token that jsonwebtoken cannot verify (bad or missing signature) is a 401, not CloudAdapter's 500 with the library's message. */
class TokenRefusingAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof AuthenticationError) throw err;
      throw new AuthenticationError('Unauthorized. The token could not be validated.', StatusCodes.UNAUTHORIZED);
    }
  }
}
