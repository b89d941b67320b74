import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inPrefixes } from '../report-scope';
import { MapCollection, MapFeatureProperties } from '../reports.views';

interface UnitRow extends MapFeatureProperties {
  lat: number | null;
  lng: number | null;
}

/** 一张图: the units of a jurisdiction as GeoJSON points, with their open alerts and what is in their storage now. */
@Injectable()
export class MapService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async map(prefixes: string[]): Promise<MapCollection> {
    const rows = (await this.db.query(
      `WITH storage AS (
         SELECT f.organisation_id, count(c.id)::int AS containers, COALESCE(sum(c.net_weight_kg), 0) AS kg
           FROM containers c JOIN facilities f ON f.id = c.facility_id
          WHERE c.status = 'stored'
          GROUP BY f.organisation_id
       ), capacity AS (
         SELECT organisation_id, sum(capacity_tonnes) AS tonnes FROM facilities GROUP BY organisation_id
       ), open_alerts AS (
         SELECT organisation_id, count(*)::int AS n FROM alerts WHERE status <> 'resolved' GROUP BY organisation_id
       )
       SELECT o.id, o.name, o.roles, o.division_code AS "divisionCode", o.generator_kind AS "generatorKind",
              o.medical_level AS "medicalLevel", o.management_class AS "managementClass",
              o.lat::float8 AS lat, o.lng::float8 AS lng,
              COALESCE(a.n, 0) AS "openAlerts",
              (COALESCE(s.kg, 0) / 1000)::float8 AS "tonnesInStorage",
              COALESCE(s.containers, 0) AS "containersInStorage",
              COALESCE(cap.tonnes, 0)::float8 AS "storageCapacityTonnes"
         FROM organisations o
         LEFT JOIN storage s ON s.organisation_id = o.id
         LEFT JOIN capacity cap ON cap.organisation_id = o.id
         LEFT JOIN open_alerts a ON a.organisation_id = o.id
        WHERE ${inPrefixes('o.division_code', '$1')} AND NOT (o.roles <@ ARRAY['regulator'])
        ORDER BY o.name, o.id`,
      [prefixes],
    )) as UnitRow[];
    const located = rows.filter((r) => r.lat !== null && r.lng !== null);
    return {
      type: 'FeatureCollection',
      features: located.map(({ lat, lng, ...properties }) => ({
        type: 'Feature',
        id: properties.id,
        geometry: { type: 'Point', coordinates: [lng as number, lat as number] },
        properties: { ...properties, tonnesInStorage: Math.round(properties.tonnesInStorage * 1e6) / 1e6 },
      })),
      unlocated: rows.filter((r) => r.lat === null || r.lng === null).map((r) => ({ id: r.id, name: r.name })),
    };
  }
}
