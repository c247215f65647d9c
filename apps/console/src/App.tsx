import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import { ApplicationFormPage } from './pages/ApplicationFormPage';
import { ApplicationPage } from './pages/ApplicationPage';
import { ApplicationsPage } from './pages/ApplicationsPage';
import { PortalPage } from './pages/PortalPage';
import { SignInPage } from './pages/SignInPage';
import { isSignedIn, useSession } from './session';

export function App() {
  const session = useSession();
  const location = useLocation();
  // A portal link signs in by itself, whoever was signed in before.
  if (location.pathname === '/portal') return <PortalPage />;
  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (!isSignedIn(session.data)) {
    return <SignInPage ended={session.data?.ended === true || session.isError} />;
  }
  const portal = session.data.portal;
  return (
    <Layout session={session.data}>
      <Routes>
        {portal ? (
          <>
            <Route path="/applications/:id/:tab?" element={<ApplicationPage />} />
            <Route path="*" element={<Navigate to={`/applications/${portal.applicationId}`} replace />} />
          </>
        ) : (
          <>
            <Route path="/applications" element={<ApplicationsPage />} />
            <Route path="/applications/new" element={<ApplicationFormPage />} />
            <Route path="/applications/:id/edit" element={<ApplicationFormPage />} />
            <Route path="/applications/:id/:tab?" element={<ApplicationPage />} />
            <Route path="*" element={<Navigate to="/applications" replace />} />
          </>
        )}
      </Routes>
    </Layout>
  );
}
