import { ConfigReader } from '@backstage/config';
import {
  SAMPLE_USER_HEADER,
  sampleUserAuthenticator,
  signInAsSampleUser,
} from './sampleUserAuth';

type Request = Parameters<
  typeof sampleUserAuthenticator.authenticate
>[0]['req'];

function requestAs(userName?: string): Request {
  return {
    header: (name: string) =>
      name.toLocaleLowerCase('en-US') === SAMPLE_USER_HEADER
        ? userName
        : undefined,
  } as unknown as Request;
}

function withNodeEnv<T>(value: string, fn: () => T): T {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = value;
  try {
    return fn();
  } finally {
    process.env.NODE_ENV = before;
  }
}

const config = new ConfigReader({ users: ['jonas-weber', 'priya-raman'] });

describe('sample user sign-in', () => {
  it('security: signs in as an allowed sample user through the catalog', async () => {
    const ctx = withNodeEnv('development', () =>
      sampleUserAuthenticator.initialize({ config }),
    );
    const { result } = await sampleUserAuthenticator.authenticate(
      { req: requestAs('jonas-weber') },
      ctx,
    );
    expect(result).toEqual({ userName: 'jonas-weber' });
    const signInWithCatalogUser = jest.fn(async () => ({ token: 'issued' }));
    await expect(
      signInAsSampleUser({ result, profile: {} }, {
        signInWithCatalogUser,
      } as any),
    ).resolves.toEqual({ token: 'issued' });
    expect(signInWithCatalogUser).toHaveBeenCalledWith({
      entityRef: { kind: 'User', namespace: 'default', name: 'jonas-weber' },
    });
  });

  it('security: refuses names outside the list and malformed headers', async () => {
    const ctx = withNodeEnv('development', () =>
      sampleUserAuthenticator.initialize({ config }),
    );
    await expect(
      sampleUserAuthenticator.authenticate({ req: requestAs('mallory') }, ctx),
    ).rejects.toThrow(
      'mallory is not one of the sample users (auth.providers.sample-user.users)',
    );
    for (const bad of [undefined, '', 'user:default/jonas-weber', '../x']) {
      await expect(
        sampleUserAuthenticator.authenticate({ req: requestAs(bad) }, ctx),
      ).rejects.toThrow(`${SAMPLE_USER_HEADER}: name the sample user`);
    }
  });

  it('security: refuses outside development unless explicitly allowed', async () => {
    const production = withNodeEnv('production', () =>
      sampleUserAuthenticator.initialize({ config }),
    );
    await expect(
      sampleUserAuthenticator.authenticate(
        { req: requestAs('jonas-weber') },
        production,
      ),
    ).rejects.toThrow(/for development only/);
    const allowed = withNodeEnv('production', () =>
      sampleUserAuthenticator.initialize({
        config: new ConfigReader({
          users: ['jonas-weber'],
          dangerouslyAllowOutsideDevelopment: true,
        }),
      }),
    );
    await expect(
      sampleUserAuthenticator.authenticate(
        { req: requestAs('jonas-weber') },
        allowed,
      ),
    ).resolves.toEqual({ result: { userName: 'jonas-weber' } });
  });
});
