import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  StatusCodes,
  type Activity,
  type BotState,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Config } from './config';
import type { Logger } from './logger';
import { createOnTurnError } from './onTurnError';

/**
 * CloudAdapter, given an activity the server has already read and checked. CloudAdapter.process
 * checks the request again with zod 3 schemas it builds on every call (the body is an object, the
 * logic a function, the header a string) before it authenticates and runs the turn; the server's
 * own check is stricter, so the bot goes straight to the authenticated part, processActivity.
 */
export class BotAdapter extends CloudAdapter {
  /** Authenticates the request (401 on failure, as AuthenticationError) and runs the turn; expectReplies come back in the result. */
  processCheckedActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * The checked body as the adapter takes it. Like botbuilder's validateAndFixActivity (which
 * CloudAdapter.process applies): the time stamps become Dates and their text is kept beside them.
 */
export function toActivity(body: Record<string, unknown>): Activity {
  for (const [field, raw] of TIME_FIELDS) {
    const value = body[field];
    if (typeof value === 'string') {
      body[raw] = value;
      body[field] = new Date(value);
    }
  }
  return body as unknown as Activity;
}
const TIME_FIELDS = [
  ['timestamp', 'rawTimestamp'],
  ['localTimestamp', 'rawLocalTimestamp'],
  ['expiration', 'rawExpiration'],
] as const;

/** BotAdapter with Bot Framework authentication; without an app id it accepts unauthenticated local callers. */
export function createAdapter(config: Pick<Config, 'appId' | 'appPassword' | 'appType' | 'appTenantId'>, logger: Logger, states: readonly BotState[]): BotAdapter {
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
  const adapter = new BotAdapter(auth);
  adapter.onTurnError = createOnTurnError(logger, states, { localMode: !config.appId });
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
