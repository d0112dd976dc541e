import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Replaces the app's guest-only sign-in page with one that also offers the
 * sample organisation's users.
 */
const sampleUserSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () =>
      import('./SampleUserSignInPage').then(m => m.SampleUserSignInPage),
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [sampleUserSignInPage],
});
