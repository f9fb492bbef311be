/**
 * Keyset pagination as the domain sees it: at most `limit` rows after the sort key `after`. A list
 * fetches `limit + 1` rows; the extra one only says there is more (the HTTP layer turns it into a
 * signed `next_cursor`, http/pagination.ts).
 */
export interface KeysetPage {
  limit: number;
  /** The sort key of the last row already served; undefined for the first page. */
  after: string | undefined;
}
