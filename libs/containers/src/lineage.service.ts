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
    return this.nodes(
      `WITH RECURSIVE t(id, depth, kg, via) AS (
         SELECT input_id, 1, kg, output_id FROM container_lineage WHERE output_id = $1
         UNION ALL
         SELECT l.input_id, t.depth + 1, l.kg, l.output_id FROM container_lineage l JOIN t ON l.output_id = t.id WHERE t.depth < 20
       )
       SELECT c.id, c.code, t.depth, c.status, c.waste_code, c.organisation_id, o.name AS organisation_name, t.kg, t.via AS via_id
         FROM t JOIN containers c USING (id) JOIN organisations o ON o.id = c.organisation_id
        ORDER BY t.depth, c.code`,
      id,
    );
  }

  /** What this container went into, recursively (forward lineage). */
  wentInto(id: string): Promise<LineageNode[]> {
    return this.nodes(
      `WITH RECURSIVE t(id, depth, kg, via) AS (
         SELECT output_id, 1, kg, input_id FROM container_lineage WHERE input_id = $1
         UNION ALL
         SELECT l.output_id, t.depth + 1, l.kg, l.input_id FROM container_lineage l JOIN t ON l.input_id = t.id WHERE t.depth < 20
       )
       SELECT c.id, c.code, t.depth, c.status, c.waste_code, c.organisation_id, o.name AS organisation_name, t.kg, t.via AS via_id
         FROM t JOIN containers c USING (id) JOIN organisations o ON o.id = c.organisation_id
        ORDER BY t.depth, c.code`,
      id,
    );
  }

  /** The original containers (no inputs of their own) and their generators. */
  async origins(id: string): Promise<LineageNode[]> {
    const all = await this.madeFrom(id);
    const vias = new Set(all.map((n) => n.viaId));
    return all.filter((n) => !vias.has(n.id));
  }
}
