// Walking a list the server pages with `next_page_token` (ListEgress, ListIngress): one
// request per page, made as the loop asks for more, and a guard against a server that hands
// the same token out twice, which would otherwise keep the loop going for ever.
import { ServerError } from '../rpc/errors.js';

/** A page of a token-paged list, as the protocol's List…Response messages carry it. */
export interface TokenPage<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: { readonly token: string } | undefined;
}

/**
 * Yields every item of every page; `fetchPage` gets `undefined` for the first page and the
 * server's token after that. `where` names the method in the error for a repeated token.
 *
 * @example
 * ```ts
 * yield* pagesByToken((token) => rpc.invoke(M.ListEgress, { ...filter, pageToken: token && { token } }), M.ListEgress);
 * ```
 */
export async function* pagesByToken<T>(
  fetchPage: (token: string | undefined) => Promise<TokenPage<T>>,
  where: { readonly service: string; readonly method: string },
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    token = page.nextPageToken?.token || undefined;
    if (token !== undefined) {
      // A page that hands out a token again repeats an earlier one: its items are not new.
      if (seen.has(token)) {
        const msg = `the server answered next_page_token ${JSON.stringify(token.slice(0, 40))} twice`;
        throw new ServerError('internal', 200, msg, {}, { service: where.service, method: where.method });
      }
      seen.add(token);
    }
    yield* page.items;
  } while (token !== undefined);
}
