import type { ReactNode } from 'react';

/** One figure of a {@link Tiles} row. */
export interface Tile {
  /** Stable key of the tile. */
  readonly id: string;
  /** What the figure is (translated). */
  readonly label: string;
  /** The figure, already formatted. */
  readonly value: ReactNode;
  /** A longer explanation shown on hover (translated). */
  readonly hint?: string;
  /** Colours the tile: `good`, `warn` or `bad`. */
  readonly tone?: 'good' | 'warn' | 'bad';
}

/** A row of summary figures. */
export function Tiles({ tiles }: { readonly tiles: readonly Tile[] }) {
  return (
    <ul className="ui-tiles">
      {tiles.map((tile) => (
        <li
          key={tile.id}
          className={`ui-tile${tile.tone ? ` ui-tile-${tile.tone}` : ''}`}
          title={tile.hint ?? tile.label}
        >
          <span className="ui-tile-label">{tile.label}</span>
          <span className="ui-tile-value">{tile.value}</span>
        </li>
      ))}
    </ul>
  );
}
