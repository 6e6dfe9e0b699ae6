import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  StatusCodes,
  type ConfigurationBotFrameworkAuthenticationOptions,
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
  /**
   * Authenticates the request and runs the turn; expectReplies come back in the result. A refused
   * token throws AuthenticationError (401); authentication that could not run, AuthenticationUnavailableError.
   */
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

/**
 * BotAdapter with Bot Framework authentication; without an app id it accepts unauthenticated local
 * callers. A failed turn clears senderState, the sender's own state (see createOnTurnError).
 */
export function createAdapter(config: Pick<Config, 'appId' | 'appPassword' | 'appType' | 'appTenantId'>, logger: Logger, senderState: BotState): BotAdapter {
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
  adapter.onTurnError = createOnTurnError(logger, senderState, { localMode: !config.appId });
  return adapter;
}

/** Authentication that could not run: the request's token was not judged (the signing keys could not be fetched, say). A 500, not a 401. */
export class AuthenticationUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Bot Framework authentication could not check the token: it failed for a reason other than the token (see cause).', { cause });
    this.name = 'AuthenticationUnavailableError';
  }
}

/** What jsonwebtoken throws for a token it refuses: bad or missing signature, expired, not yet valid, wrong audience or issuer. */
const TOKEN_REFUSALS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * Only a refused token is a 401 (AuthenticationError with that status): jsonwebtoken's own errors
 * become one, where CloudAdapter would answer 500 with the library's message. Everything else (the
 * OpenID metadata or the signing keys out of reach, which the SDK reports as AuthenticationError
 * 500 or as a fetch error) is AuthenticationUnavailableError, with the error as its cause.
 */
class TokenRefusingAuthentication extends ConfigurationBotFrameworkAuthentication {
  /** An app id is set: every request must carry a channel's token. */
  private readonly authenticates: boolean;

  constructor(options: ConfigurationBotFrameworkAuthenticationOptions, credentials: ConfigurationServiceClientCredentialFactory) {
    super(options, credentials);
    this.authenticates = Boolean(options.MicrosoftAppId);
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    // A channel's token vouches for one serviceUrl (its serviceurl claim), which the SDK compares only
    // with a serviceUrl the activity names; and replies would go to whatever serviceUrl the activity names.
    if (this.authenticates && !activity.serviceUrl?.trim()) {
      throw new AuthenticationError('Unauthorized. The activity names no serviceUrl for its token to vouch for.', StatusCodes.UNAUTHORIZED);
    }
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof AuthenticationError && err.statusCode < StatusCodes.INTERNAL_SERVER_ERROR) {
        throw err.statusCode === StatusCodes.UNAUTHORIZED ? err : new AuthenticationError(err.message, StatusCodes.UNAUTHORIZED);
      }
      if (err instanceof Error && TOKEN_REFUSALS.has(err.name)) throw new AuthenticationError('Unauthorized. The token could not be validated.', StatusCodes.UNAUTHORIZED);
      throw new AuthenticationUnavailableError(err);
    }
  }
}
