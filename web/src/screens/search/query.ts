/** The search body for the node from the address's query (`/search?q=…&type=…`). */
export function searchBody(query: URLSearchParams): Record<string, unknown> {
  const day = (v: string | null, end: boolean) =>
    v ? `${v}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined;
  const body: Record<string, unknown> = { text: query.get('q') ?? '', limit: 100 };
  if (query.get('type')) body.types = [query.get('type')];
  if (query.get('originator')) body.originators = [query.get('originator')];
  if (query.get('topic')) body.topics = [query.get('topic')];
  if (query.get('level')) body.level = query.get('level');
  const from = day(query.get('from'), false);
  const to = day(query.get('to'), true);
  if (from) body.from = from;
  if (to) body.to = to;
  return body;
}
