/**
 * One paged list of a kind: `limit` / `continue` until the server says there
 * is no more, each page handed to `onPage` as it arrives so that the caller
 * can compact it before the next one is fetched (memory stays proportional
 * to what is kept, not to the cluster).
 */

/** What one page request answers. */
export interface ListPage<T> {
  items: T[];
  /** `metadata.continue`; empty or absent on the last page. */
  continueToken?: string;
}

/** Counts of one kind's list. */
export interface ListPageCounts {
  /** List requests sent, restarts included. */
  requests: number;
  /** Pages received. */
  pages: number;
  /** Times the list started over after 410 Gone. */
  restarts: number;
  /** Items handed to `onPage` by the list that completed. */
  items: number;
}

/**
 * The continue token expired (410 Gone, reason `Expired`): the API server
 * compacted the resource version the list started at. The only consistent
 * answer is to list again from the beginning.
 */
export class ContinueTokenExpiredError extends Error {
  constructor(message = 'continue token expired (410 Gone)') {
    super(message);
    this.name = 'ContinueTokenExpiredError';
  }
}

export interface ListAllPagesOptions<T> {
  /** Fetches one page; throws {@link ContinueTokenExpiredError} on 410. */
  fetchPage(continueToken: string | undefined): Promise<ListPage<T>>;
  /**
   * Receives each page. `restart()` is called before the pages of a new
   * attempt, so that the caller drops what it kept of the expired one.
   */
  onPage(items: T[]): void;
  restart(): void;
  /** How often a list may start over after 410 (default 2). */
  maxRestarts?: number;
  signal?: AbortSignal;
}

/** Runs the paged list; rethrows anything but an expired token. */
export async function listAllPages<T>(
  options: ListAllPagesOptions<T>,
): Promise<ListPageCounts> {
  const maxRestarts = options.maxRestarts ?? 2;
  const counts: ListPageCounts = {
    requests: 0,
    pages: 0,
    restarts: 0,
    items: 0,
  };
  for (;;) {
    let continueToken: string | undefined = undefined;
    let items = 0;
    try {
      do {
        options.signal?.throwIfAborted();
        counts.requests += 1;
        const page: ListPage<T> = await options.fetchPage(continueToken);
        counts.pages += 1;
        items += page.items.length;
        options.onPage(page.items);
        continueToken = page.continueToken || undefined;
      } while (continueToken);
      counts.items = items;
      return counts;
    } catch (error) {
      if (
        !(error instanceof ContinueTokenExpiredError) ||
        counts.restarts >= maxRestarts
      ) {
        throw error;
      }
      counts.restarts += 1;
      options.restart();
    }
  }
}
