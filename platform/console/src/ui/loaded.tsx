/**
 * What a screen shows of something it loads, the same everywhere: the error (the previous data
 * stays on screen meanwhile), a loading note while nothing has come yet, what it says when
 * there is nothing, and the data. Tables of records share one shape too.
 */
import type { ReactNode } from 'react';
import { ErrorMessage, Loading } from './feedback.js';

export function Loaded<T>({
  state,
  what,
  failed,
  empty,
  isEmpty = (data) => Array.isArray(data) && data.length === 0,
  errorView = (error, heading) => <ErrorMessage error={error} what={heading} />,
  children,
}: {
  state: { data: T | undefined; error: unknown };
  /** What is loading: "Loading {what}…". */
  what: string;
  /** The error's heading, e.g. "Could not load the charges". */
  failed: string;
  /** Shown instead of the data when it holds nothing (by default: an empty list). */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  /** Shows the error another way (e.g. with a hint of what to do). */
  errorView?: (error: unknown, heading: string) => ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { data, error } = state;
  return (
    <>
      {errorView(error, failed)}
      {data === undefined
        ? error === undefined && <Loading what={what} />
        : empty !== undefined && isEmpty(data)
          ? empty
          : children(data)}
    </>
  );
}

/** A column heading; `hidden` ones are read out but not shown (e.g. above a row's buttons). */
export type Column = ReactNode | { hidden: string };

const isHidden = (c: Column): c is { hidden: string } => typeof c === 'object' && c !== null && 'hidden' in c;

/** A table of records: its caption (for screen readers), the column headings and the rows. */
export function DataTable({
  caption,
  columns,
  children,
  className,
  testId,
  describedBy,
}: {
  /** Read out by screen readers (a table under its own heading may go without). */
  caption?: ReactNode;
  columns: readonly Column[];
  children: ReactNode;
  className?: string;
  testId?: string;
  describedBy?: string;
}) {
  return (
    <table
      className={className === undefined ? 'data' : `data ${className}`}
      data-testid={testId}
      aria-describedby={describedBy}
    >
      {caption !== undefined && <caption className="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c, n) => (
            // The columns of a table stay put: their place is their key.
            <th key={n} scope="col">
              {isHidden(c) ? <span className="visually-hidden">{c.hidden}</span> : c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
