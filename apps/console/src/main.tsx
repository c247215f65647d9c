import '@mantine/core/styles.css';
import { Badge, createTheme, CSSVariablesResolver, Drawer, MantineProvider, Modal } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { isSessionEnded } from './api/client';
import { App } from './App';
import { SESSION_QUERY, SIGN_IN } from './session';

// Mantine's default shades fall short of WCAG AA contrast (4.5:1) for white-on-blue buttons,
// dimmed text, error text and light badges: darker ones here, dot badges (dark text), and close
// buttons with a name (the browser tests run axe-core on every page).
const closeButtonProps = { 'aria-label': 'Close' };
const theme = createTheme({
  // Modals, drawers and menus appear at once for whoever asked their system to reduce motion.
  respectReducedMotion: true,
  primaryShade: 8,
  autoContrast: true,
  components: {
    Badge: Badge.extend({ defaultProps: { variant: 'dot' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps } }),
  },
});
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    // Light buttons and links: darker text, and for blue a paler hover, so the text holds 4.5:1 hovered too.
    '--mantine-color-red-light-color': 'color-mix(in srgb, var(--mantine-color-red-9) 85%, black)',
    '--mantine-color-blue-light-color': 'var(--mantine-color-blue-9)',
    '--mantine-color-blue-light-hover': 'var(--mantine-color-blue-1)',
  },
  dark: {},
});

// Any call answered 401 means the session ended (expired, signed out elsewhere, token rotated):
// forget it, and the sign-in page shows.
const onError = (error: unknown) => {
  if (isSessionEnded(error)) queryClient.setQueryData(SESSION_QUERY, { ended: true });
};
const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  // A refused sign-in is not an ended session.
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => {
      if (mutation.options.mutationKey?.[0] !== SIGN_IN) onError(error);
    },
  }),
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={contrast}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename="/console">
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
