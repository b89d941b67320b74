import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface LineageNode {
  id: string;
  code: string;
  depth: number;
  status: string;
  wasteCode: string;
  organisationId: string;
  organisationName: string;
  kg: number | null;
  viaId: string | null;
}

interface NodeRow {
  id: string;
  code: string;
  depth: number;
  status: string;
  waste_code: string;
  organisation_id: string;
  organisation_name: string;
  kg: string | null;
  via_id: string | null;
}

const toNode = (r: NodeRow): LineageNode => ({
  id: r.id,
  code: r.code,
  depth: r.depth,
  status: r.status,
  wasteCode: r.waste_code,
  organisationId: r.organisation_id,
  organisationName: r.organisation_name,
  kg: r.kg === null ? null : Number(r.kg),
  viaId: r.via_id,
});

/**
 * The lineage questions: what is in this box, which box is this bag in, what went into this
 * repackaged drum (back to the original generators), and what this container went into.
 * Each is one recursive query, bounded in depth so a malformed graph cannot loop.
 */
@Injectable()
export class LineageService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private async nodes(sql: string, id: string): Promise<LineageNode[]> {
    return ((await this.db.query(sql, [id])) as NodeRow[]).map(toNode);
  }

  /** Everything packed inside, at any depth. */
  contents(id: string): Promise<LineageNode[]> {
    return this.nodes(
      `WITH RECURSIVE t(id, depth, via) AS (
         SELECT id, 1, parent_id FROM containers WHERE parent_id = $1
         UNION ALL
         SELECT c.id, t.depth + 1, c.parent_id FROM containers c JOIN t ON c.parent_id = t.id WHERE t.depth < 10
       )
       SELECT c.id, c.code, t.depth, c.status, c.waste_code, c.organisation_id, o.name AS organisation_name, NULL AS kg, t.via AS via_id
         FROM t JOIN containers c USING (id) JOIN organisations o ON o.id = c.organisation_id
        ORDER BY t.depth, c.code`,
      id,
    );
  }

  /** The chain of outer containers this one is packed in, innermost first. */
  packedIn(id: string): Promise<LineageNode[]> {
    return this.nodes(
      `WITH RECURSIVE t(id, depth, via) AS (
         SELECT parent_id, 1, id FROM containers WHERE id = $1 AND parent_id IS NOT NULL
         UNION ALL
         SELECT c.parent_id, t.depth + 1, c.id FROM containers c JOIN t ON c.id = t.id WHERE c.parent_id IS NOT NULL AND t.depth < 10
       )
       SELECT c.id, c.code, t.depth, c.status, c.waste_code, c.organisation_id, o.name AS organisation_name, NULL AS kg, t.via AS via_id
         FROM t JOIN containers c USING (id) JOIN organisations o ON o.id = c.organisation_id
        ORDER BY t.depth`,
      id,
    );
  }

  /** What went into this container, recursively; nodes with no inputs of their own are the originals. */
  madeFrom(id: string): Promise<LineageNode[]> {
    return this.repackagingWalk(id, 'input_id', 'output_id');
  }

  /** What this container went into, recursively (forward lineage). */
  wentInto(id: string): Promise<LineageNode[]> {
    return this.repackagingWalk(id, 'output_id', 'input_id');
  }

  /** Follows container_lineage from `id`, reaching the `to` side of each row from its `from` side. */
  private repackagingWalk(id: string, to: 'input_id' | 'output_id', from: 'input_id' | 'output_id'): Promise<LineageNode[]> {
    return this.nodes(
      `WITH RECURSIVE t(id, depth, kg, via) AS (
         SELECT ${to}, 1, kg, ${from} FROM container_lineage WHERE ${from} = $1
         UNION ALL
         SELECT l.${to}, t.depth + 1, l.kg, l.${from} FROM container_lineage l JOIN t ON l.${from} = t.id WHERE t.depth < 20
       )
       SELECT c.id, c.code, t.depth, c.status, c.waste_code, c.organisation_id, o.name AS organisation_name, t.kg, t.via AS via_id
         FROM t JOIN containers c USING (id) JOIN organisations o ON o.id = c.organisation_id
        ORDER BY t.depth, c.code`,
      id,
    );
  }
}

/** The original containers of a madeFrom walk: the nodes that no other node was made from. */
export function originsOf(madeFrom: LineageNode[]): LineageNode[] {
  const vias = new Set(madeFrom.map((n) => n.viaId));
  return madeFrom.filter((n) => !vias.has(n.id));
}
