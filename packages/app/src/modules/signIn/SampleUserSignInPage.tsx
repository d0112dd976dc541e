import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  Content,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import type { IdentityApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { SAMPLE_USERS } from './sampleUsers';

/** The header the `sample-user` provider reads (see the backend module). */
const SAMPLE_USER_HEADER = 'x-sample-user';

/** Remembers the choice so that a reload signs in as the same person. */
const STORAGE_KEY = 'mesh-readiness-sample-portal:sign-in';

type Choice = { provider: 'guest' } | { provider: 'sample-user'; user: string };

function storedChoice(): Choice | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (value?.provider === 'guest') return { provider: 'guest' };
    if (
      value?.provider === 'sample-user' &&
      SAMPLE_USERS.some(u => u.name === value.user)
    ) {
      return { provider: 'sample-user', user: value.user };
    }
  } catch {
    // An unreadable value is no choice.
  }
  return undefined;
}

/** Forgets the choice on sign-out, so that the next visit offers all. */
function forgetOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      localStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

/**
 * The sample portal's sign-in page: enter as the guest, who owns nothing,
 * or as one of the sample organisation's people, to try the portal as a
 * service owner, a non-owner, the security team or the platform team.
 */
export function SampleUserSignInPage(props: SignInPageProps) {
  const [choice, setChoice] = useState<Choice | undefined>(storedChoice);

  if (choice) {
    const choose = () => {
      localStorage.removeItem(STORAGE_KEY);
      setChoice(undefined);
    };
    return (
      <ProxiedSignInPage
        key={JSON.stringify(choice)}
        provider={choice.provider}
        headers={
          choice.provider === 'sample-user'
            ? { [SAMPLE_USER_HEADER]: choice.user }
            : undefined
        }
        onSignInSuccess={identity => {
          localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
          props.onSignInSuccess(forgetOnSignOut(identity));
        }}
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header title="Sign-in failed" />
            <Content>
              <ErrorPanel title="Could not sign in" error={error!} />
              <Button variant="contained" color="primary" onClick={choose}>
                Choose another user
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header
        title="Mesh Readiness sample portal"
        subtitle="Sign in as a person of the sample organisation (development only)"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} sm={6} md={4}>
            <InfoCard
              title="Guest"
              subheader="Owns nothing"
              variant="fullHeight"
              actions={
                <Button
                  color="primary"
                  variant="outlined"
                  onClick={() => setChoice({ provider: 'guest' })}
                >
                  Enter
                </Button>
              }
            >
              <Typography variant="body1">
                Reads everything; every write (attest, waivers, refresh) is
                refused.
              </Typography>
            </InfoCard>
          </Grid>
          {SAMPLE_USERS.map(user => (
            <Grid item xs={12} sm={6} md={4} key={user.name}>
              <InfoCard
                title={user.displayName}
                subheader={`user:default/${user.name} · ${user.team}`}
                variant="fullHeight"
                actions={
                  <Button
                    color="primary"
                    variant="outlined"
                    onClick={() =>
                      setChoice({ provider: 'sample-user', user: user.name })
                    }
                  >
                    Sign in as {user.displayName}
                  </Button>
                }
              >
                <Typography variant="body1">{user.can}</Typography>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
