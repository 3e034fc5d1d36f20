// Entry: theme before the first paint, then the console.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { I18nProvider } from './i18n';
import { applyTheme, initialLang, initialTheme } from './prefs';
import './styles.css';

applyTheme(initialTheme());
document.documentElement.lang = initialLang();
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
