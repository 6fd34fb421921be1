import * as oidc from 'openid-client';
import { GrantRevokedError, ProviderCallError, type ProviderTokens } from './model';
import { guardedFetch, type OutboundPolicy } from './outbound-fetch';
import type { ProviderConfig } from './providers';

/**
 * The OAuth 2.0 client side of a connection, on openid-client 6 (panva): the authorization URL
 * with PKCE S256, the code exchange (state, `iss` per RFC 9207 and the verifier checked by the
 * library too), refresh, and RFC 7009 revocation. Every request goes through the guarded fetch.
 */
export interface TokenGrant extends ProviderTokens {
  expiresInSeconds: number;
  /** Scopes the provider granted; as requested when it does not say (RFC 6749 §5.1). */
  grantedScopes: string[];
}

export interface OAuthClient {
  authorizationUrl(provider: ProviderConfig, params: { redirectUri: string; scopes: string[]; state: string; codeVerifier: string }): Promise<string>;
  exchangeCode(provider: ProviderConfig, callbackUrl: URL, checks: { state: string; codeVerifier: string; requestedScopes: string[] }): Promise<TokenGrant>;
  refresh(provider: ProviderConfig, refreshToken: string, previousScopes: string[]): Promise<TokenGrant>;
  revoke(provider: ProviderConfig, token: string, hint: 'refresh_token' | 'access_token'): Promise<void>;
}

export interface OAuthClientDeps {
  clientSecret(providerId: string): Promise<string>;
  policy: OutboundPolicy;
}

const DEFAULT_LIFETIME_SECONDS = 3600;

function toGrant(response: oidc.TokenEndpointResponse, fallbackScopes: string[], previousRefresh?: string): TokenGrant {
  const lifetime = typeof response.expires_in === 'number' && response.expires_in > 0 ? response.expires_in : DEFAULT_LIFETIME_SECONDS;
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previousRefresh,
    expiresInSeconds: lifetime,
    grantedScopes: typeof response.scope === 'string' ? response.scope.split(' ').filter(Boolean) : fallbackScopes,
  };
}

function classify(error: unknown): Error {
  if (error instanceof ProviderCallError) return error;
  if (error instanceof oidc.ResponseBodyError) {
    if (error.error === 'invalid_grant') return new GrantRevokedError({ cause: error });
    return new ProviderCallError(`the provider refused: ${error.error}`, undefined, { cause: error });
  }
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof ProviderCallError) return cause;
  return new ProviderCallError('the provider answered something unusable', undefined, { cause: error });
}

export function openidOAuthClient(deps: OAuthClientDeps): OAuthClient {
  const configs = new Map<string, Promise<oidc.Configuration>>();
  const fetcher = guardedFetch(deps.policy);

  function configFor(provider: ProviderConfig): Promise<oidc.Configuration> {
    let config = configs.get(provider.id);
    if (!config) {
      config = (async () => {
        const secret = await deps.clientSecret(provider.id);
        const auth = provider.clientAuth === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
        const c = new oidc.Configuration(
          {
            issuer: provider.issuer,
            authorization_endpoint: provider.authorizationEndpoint,
            token_endpoint: provider.tokenEndpoint,
            revocation_endpoint: provider.revocationEndpoint,
            authorization_response_iss_parameter_supported: provider.issParameterSupported,
          },
          provider.clientId,
          undefined,
          auth,
        );
        // The outbound policy already refuses http: outside the local stage (and so did the config parser).
        if (deps.policy.allowHttp) oidc.allowInsecureRequests(c);
        c[oidc.customFetch] = fetcher as unknown as oidc.CustomFetch;
        c.timeout = Math.ceil(deps.policy.timeoutMs / 1000);
        return c;
      })();
      config.catch(() => configs.delete(provider.id));
      configs.set(provider.id, config);
    }
    return config;
  }

  return {
    async authorizationUrl(provider, params) {
      // Building the URL needs no client secret: a secret-less configuration keeps the start step
      // away from Secrets Manager.
      const config = new oidc.Configuration({ issuer: provider.issuer, authorization_endpoint: provider.authorizationEndpoint }, provider.clientId, undefined, oidc.None());
      if (deps.policy.allowHttp) oidc.allowInsecureRequests(config);
      const url = oidc.buildAuthorizationUrl(config, {
        response_type: 'code',
        redirect_uri: params.redirectUri,
        scope: [...params.scopes, ...provider.extraScopes].join(' '),
        state: params.state,
        code_challenge: await oidc.calculatePKCECodeChallenge(params.codeVerifier),
        code_challenge_method: 'S256',
      });
      return url.toString();
    },

    async exchangeCode(provider, callbackUrl, checks) {
      const config = await configFor(provider);
      try {
        const response = await oidc.authorizationCodeGrant(config, callbackUrl, {
          expectedState: checks.state,
          pkceCodeVerifier: checks.codeVerifier,
          idTokenExpected: false,
        });
        return toGrant(response, checks.requestedScopes);
      } catch (error) {
        throw classify(error);
      }
    },

    async refresh(provider, refreshToken, previousScopes) {
      const config = await configFor(provider);
      try {
        return toGrant(await oidc.refreshTokenGrant(config, refreshToken), previousScopes, refreshToken);
      } catch (error) {
        throw classify(error);
      }
    },

    async revoke(provider, token, hint) {
      const config = await configFor(provider);
      try {
        await oidc.tokenRevocation(config, token, { token_type_hint: hint });
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

export function randomCodeVerifier(): string {
  return oidc.randomPKCECodeVerifier();
}
