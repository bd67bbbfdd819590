import type { ReactNode } from 'react';

/**
 * A queue of requests as the officers' screens show it (releases, consents): a captioned section, "none"
 * when it is empty, else a table with a header cell per column (a `false` column is not shown) and the rows.
 */
export function QueueTable({
  caption,
  empty,
  columns,
  count,
  children,
}: {
  caption: string;
  empty: string;
  columns: readonly (string | false)[];
  count: number;
  children: ReactNode;
}) {
  return (
    <section aria-label={caption}>
      <h2>{caption}</h2>
      {count === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table>
          <thead>
            <tr>
              {columns
                .filter((c): c is string => c !== false)
                .map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </section>
  );
}
