import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The waste catalogue (《国家危险废物名录》), hazard characteristics and the utilisation/disposal
 * method codes: reference tables every other module points at.
 */
export class Foundation1764300000000 implements MigrationInterface {
  name = 'Foundation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE hazard_characteristics (
        code text PRIMARY KEY CHECK (code IN ('T','C','I','R','In')),
        name_zh text NOT NULL,
        name_en text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE waste_categories (
        code text PRIMARY KEY CHECK (code ~ '^HW(0[1-9]|[1-3][0-9]|40|4[5-9]|50)$'),
        name_zh text NOT NULL,
        name_en text
      )`);
    await q.query(`
      CREATE TABLE waste_codes (
        code text PRIMARY KEY CHECK (code ~ '^[0-9]{3}-[0-9]{3}-[0-9]{2}$'),
        category text NOT NULL REFERENCES waste_categories(code),
        description text NOT NULL,
        -- As written in the list: "，" = has the first and may have the others, "/" = has one or more.
        hazard text NOT NULL CHECK (hazard ~ '^(T|C|I|R|In)([，/](T|C|I|R|In))*$'),
        hazard_codes text[] NOT NULL,
        is_medical boolean GENERATED ALWAYS AS (category = 'HW01') STORED,
        edition text NOT NULL DEFAULT '2025',
        CHECK ('HW' || right(code, 2) = category)
      )`);
    await q.query(`
      CREATE TABLE disposal_methods (
        code text PRIMARY KEY CHECK (code ~ '^[RDCS][0-9]{1,2}$'),
        kind text NOT NULL CHECK (kind IN ('utilisation','disposal','intermediate')),
        is_final boolean NOT NULL,
        name_zh text NOT NULL,
        name_en text NOT NULL,
        CHECK (is_final = (kind <> 'intermediate'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE disposal_methods`);
    await q.query(`DROP TABLE waste_codes`);
    await q.query(`DROP TABLE waste_categories`);
    await q.query(`DROP TABLE hazard_characteristics`);
  }
}
