/**
 * One app version under review. The screen (its manifest diff and its forms) is loaded only when
 * an operator opens it, so none of it weighs on the console's first screen.
 */
import { Suspense, lazy } from 'react';
import { Loading } from '../../ui/feedback.js';

const VersionReview = lazy(async () => ({ default: (await import('./review-version.js')).VersionReview }));

export function AppVersionReviewScreen(props: { id?: string | undefined; app?: string | undefined }) {
  return (
    <Suspense fallback={<Loading what="the review screen" />}>
      <VersionReview id={props.id ?? ''} />
    </Suspense>
  );
}
