// First: starts resuming a stored session while the rest of the app is evaluated.
import '@/auth/startup';
import { StrictMode, Suspense, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import '@/i18n';
import '@/app/global.css';
import { App } from '@/app/App';

const root = createRoot(document.getElementById('root')!);
// The first render is a transition: React renders in slices and lets the browser paint and handle
// input between them, instead of blocking the main thread for the whole tree (on a phone, hundreds
// of milliseconds).
startTransition(() => {
  root.render(
    <StrictMode>
      {/* The first render waits for the translations of the detected language. */}
      <Suspense fallback={null}>
        <App />
      </Suspense>
    </StrictMode>,
  );
});
