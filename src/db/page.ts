/** A page of a list: at most `limit` rows after skipping `offset` (GraphQL's first/after). */
export interface Page {
  limit: number;
  offset: number;
}
