/** Entry point: applies the theme, starts the sign-in state machine and renders the console. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { Auth } from './auth/auth.js';
import './styles.css';
import { applyTheme, storedTheme } from './ui/theme.js';

applyTheme(storedTheme());
const auth = new Auth({
  location: window.location,
  history: window.history,
  storage: window.sessionStorage,
  isSecureContext: window.isSecureContext,
  fetch: window.fetch.bind(window),
});
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App auth={auth} />
  </StrictMode>,
);
void auth.start();
