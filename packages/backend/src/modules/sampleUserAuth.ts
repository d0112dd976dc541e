import { createBackendModule } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
  type SignInResolver,
} from '@backstage/plugin-auth-node';

/** The request header that names the sample user to sign in as. */
export const SAMPLE_USER_HEADER = 'x-sample-user';

/** The provider id: `/api/auth/sample-user/refresh`. */
export const SAMPLE_USER_PROVIDER_ID = 'sample-user';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

interface SampleUserContext {
  /** Why sign-in is off, or undefined when it is on. */
  disabledReason?: string;
  /** User names one may sign in as; undefined means every catalog user. */
  allowedUsers?: Set<string>;
}

/**
 * Signs in as the sample user named in the request, for trying the portal as
 * different people (an owner, a non-owner, a security or platform engineer).
 * Anyone can claim any allowed name: like the guest provider it is for
 * development only, and refuses outside `NODE_ENV=development` unless
 * `dangerouslyAllowOutsideDevelopment` is set.
 */
export const sampleUserAuthenticator = createProxyAuthenticator<
  SampleUserContext,
  { userName: string },
  unknown
>({
  defaultProfileTransform: async (result, ctx) => {
    // The profile the catalog holds for the user, so the portal greets
    // them by name.
    try {
      const { entity } = await ctx.findCatalogUser({
        entityRef: {
          kind: 'User',
          namespace: 'default',
          name: result.userName,
        },
      });
      const profile = (entity.spec?.profile ?? {}) as {
        displayName?: string;
        email?: string;
      };
      return {
        profile: {
          displayName: profile.displayName ?? result.userName,
          email: profile.email,
        },
      };
    } catch {
      return { profile: { displayName: result.userName } };
    }
  },
  initialize({ config }: { config: Config }): SampleUserContext {
    const allowedOutsideDevelopment =
      config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') === true;
    const users = config.getOptionalStringArray('users');
    return {
      disabledReason:
        process.env.NODE_ENV !== 'development' && !allowedOutsideDevelopment
          ? `The ${SAMPLE_USER_PROVIDER_ID} provider signs in without a password and is for development only; set auth.providers.${SAMPLE_USER_PROVIDER_ID}.dangerouslyAllowOutsideDevelopment to use it elsewhere`
          : undefined,
      allowedUsers: users
        ? new Set(users.map(u => u.toLocaleLowerCase('en-US')))
        : undefined,
    };
  },
  async authenticate({ req }, ctx) {
    if (ctx.disabledReason) {
      throw new NotAllowedError(ctx.disabledReason);
    }
    const userName = req.header(SAMPLE_USER_HEADER)?.trim() ?? '';
    if (!USER_NAME.test(userName)) {
      throw new InputError(
        `${SAMPLE_USER_HEADER}: name the sample user to sign in as (a User entity name of the default namespace)`,
      );
    }
    if (
      ctx.allowedUsers &&
      !ctx.allowedUsers.has(userName.toLocaleLowerCase('en-US'))
    ) {
      throw new NotAllowedError(
        `${userName} is not one of the sample users (auth.providers.${SAMPLE_USER_PROVIDER_ID}.users)`,
      );
    }
    return { result: { userName } };
  },
});

/**
 * Issues the token of the catalog user: its ownership claims are the user
 * and the groups it is a member of, as with any catalog-backed sign-in.
 */
export const signInAsSampleUser: SignInResolver<{ userName: string }> = async (
  { result },
  ctx,
) =>
  ctx.signInWithCatalogUser({
    entityRef: { kind: 'User', namespace: 'default', name: result.userName },
  });

/** Registers the `sample-user` auth provider with the auth backend. */
export const authModuleSampleUserProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'sample-user-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
      },
      async init({ providers }) {
        providers.registerProvider({
          providerId: SAMPLE_USER_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: sampleUserAuthenticator,
            signInResolver: signInAsSampleUser,
          }),
        });
      },
    });
  },
});
