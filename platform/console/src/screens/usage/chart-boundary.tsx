/**
 * Keeps a chart's failure to itself: when the lazily loaded chart module cannot be fetched (a new
 * build replaced it, the network dropped) or uPlot throws, the screen stays and says so, and the
 * legend and data table beside it still carry the numbers.
 */
import { Component } from 'react';
import type { ReactNode } from 'react';

export class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (this.state.failed)
      return (
        <p className="notice" role="status">
          The chart could not be drawn; its data is in the table below. Reload the page to try again.
        </p>
      );
    return this.props.children;
  }
}
