import type { ReactNode } from 'react';

/**
 * A list as a table: scrolls sideways on narrow screens, a caption for screen readers, one column header per
 * column. The caller renders the rows.
 */
export function DataTable({
  caption,
  columns,
  className,
  children,
}: {
  caption?: string;
  columns: ReactNode[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className ? `data ${className}` : 'data'}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th scope="col" key={i}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
