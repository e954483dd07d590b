import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import '@/i18n';
import '@/app/global.css';
import { App } from '@/app/App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* The first render waits for the translations of the detected language. */}
    <Suspense fallback={null}>
      <App />
    </Suspense>
  </StrictMode>,
);
