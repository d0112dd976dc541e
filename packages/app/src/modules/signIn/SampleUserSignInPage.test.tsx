import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { IdentityApi } from '@backstage/core-plugin-api';
import { SampleUserSignInPage } from './SampleUserSignInPage';

const STORAGE_KEY = 'mesh-readiness-sample-portal:sign-in';

/** What the auth backend's proxy providers answer on refresh. */
function identityResponse(userEntityRef: string) {
  return {
    profile: { displayName: userEntityRef },
    backstageIdentity: {
      // A token that is not expired (no `exp` claim to schedule refreshes).
      token: `header.${btoa(JSON.stringify({ sub: userEntityRef }))}.sig`,
      identity: {
        type: 'user',
        userEntityRef,
        ownershipEntityRefs: [userEntityRef],
      },
    },
  };
}

describe('SampleUserSignInPage', () => {
  const fetchMock = jest.fn();
  const originalFetch = global.fetch;

  beforeEach(() => {
    localStorage.clear();
    fetchMock.mockReset();
    global.fetch = fetchMock as unknown as typeof fetch;
  });

  afterAll(() => {
    global.fetch = originalFetch;
  });

  it('offers the guest and the sample users, and signs in as the one chosen', async () => {
    fetchMock.mockResolvedValue(
      new Response(
        JSON.stringify(identityResponse('user:default/jonas-weber')),
        { status: 200, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    const signedIn: IdentityApi[] = [];
    await renderInTestApp(
      <SampleUserSignInPage onSignInSuccess={i => signedIn.push(i)} />,
    );

    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    for (const name of [
      'Jonas Weber',
      'Sofia Rossi',
      'Noah Schmidt',
      'Priya Raman',
    ]) {
      expect(
        screen.getByRole('button', { name: `Sign in as ${name}` }),
      ).toBeInTheDocument();
    }

    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in as Jonas Weber' }),
    );
    await waitFor(() => expect(signedIn).toHaveLength(1));
    const [url, init] = fetchMock.mock.calls[0];
    expect(String(url)).toMatch(/\/auth\/sample-user\/refresh$/);
    expect(new Headers(init.headers).get('x-sample-user')).toBe('jonas-weber');
    expect(JSON.parse(localStorage.getItem(STORAGE_KEY)!)).toEqual({
      provider: 'sample-user',
      user: 'jonas-weber',
    });

    // Signing out forgets the choice, so the next visit offers everyone.
    await signedIn[0].signOut();
    expect(localStorage.getItem(STORAGE_KEY)).toBeNull();
  });

  it('signs in again as the remembered user after a reload', async () => {
    localStorage.setItem(
      STORAGE_KEY,
      JSON.stringify({ provider: 'sample-user', user: 'priya-raman' }),
    );
    fetchMock.mockResolvedValue(
      new Response(
        JSON.stringify(identityResponse('user:default/priya-raman')),
        { status: 200, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    const onSignInSuccess = jest.fn();
    await renderInTestApp(
      <SampleUserSignInPage onSignInSuccess={onSignInSuccess} />,
    );
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    expect(
      new Headers(fetchMock.mock.calls[0][1].headers).get('x-sample-user'),
    ).toBe('priya-raman');
    expect(
      screen.queryByRole('button', { name: 'Sign in as Jonas Weber' }),
    ).not.toBeInTheDocument();
  });
});
