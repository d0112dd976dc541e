/*
 * Runs the plugin alone (`yarn start` in this folder) against a backend at
 * `backend.baseUrl` (start one with `yarn start` in packages/backend). The
 * catalog plugin provides the entity pages that host the cards and the tab.
 */
import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import meshReadinessPlugin from '../src/alpha';

const app = createApp({
  features: [catalogPlugin, meshReadinessPlugin],
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
