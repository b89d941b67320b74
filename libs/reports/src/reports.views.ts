import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes of the reports, for the OpenAPI document. */

export class Figure {
  @ApiProperty({ description: 'Number of containers (every labelled container, inner bags and outer boxes alike).' }) containers: number;
  @ApiProperty({ description: "Kilograms: the generator's net weight per container." }) kg: number;
}

export class LinkedFigure extends Figure {
  @ApiProperty({ type: [String], description: 'The containers behind the figure (the first 100; follow href for all).' }) containerIds: string[];
  @ApiProperty({ example: '/api/v1/reports/mass-balance/containers?organisationId=…&bucket=unaccounted', description: 'Lists every container behind the figure.' })
  href: string;
}

export class MeasuredWeights {
  @ApiProperty({ nullable: true, description: 'Weighed on arrival by the receivers (outer containers).' }) receivedKg: number | null;
  @ApiProperty({ nullable: true }) acceptedKg: number | null;
  @ApiProperty({ nullable: true, description: 'Refused kg, partial refusals included.' }) refusedKg: number | null;
}

export class MassBalanceRow {
  @ApiProperty({ example: '900-041-49' }) wasteCode: string;
  @ApiProperty({ example: 'HW49' }) category: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: Figure, description: 'Registered by the unit in the period (产生).' }) generated: Figure;
  @ApiProperty({ type: Figure, description: 'Of which made by repackaging at the unit (a collection point).' }) repackagedOutputs: Figure;
  @ApiProperty({ type: LinkedFigure, description: "In the unit's storage now." }) stored: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'Listed on a manifest not yet loaded.' }) awaitingShipment: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'Loaded, not arrived.' }) inTransit: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'Arrived at the receiver, no final utilisation/disposal yet.' }) atReceiver: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'Final utilisation or disposal recorded by the receiver.' }) disposed: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'Refused by the receiver.' }) refused: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'Utilised or disposed of by the unit itself.' }) ownDisposal: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'Repackaged by the unit into new containers.' }) repackaged: LinkedFigure;
  @ApiProperty({ type: LinkedFigure, description: 'generated − everything accounted for: the ledger cannot say where these are.' }) unaccounted: LinkedFigure;
  @ApiProperty({ type: Figure, description: 'Handed to a carrier (inTransit + receivedByReceivers + lost in transit).' }) shipped: Figure;
  @ApiProperty({ type: Figure, description: 'Arrived at a receiver (atReceiver + disposed + refused).' }) receivedByReceivers: Figure;
  @ApiProperty({ type: MeasuredWeights }) measured: MeasuredWeights;
}

export class ReceivedRow {
  @ApiProperty() wasteCode: string;
  @ApiProperty({ type: Figure, description: 'Arrived at the unit as receiver in the period (declared kg).' }) received: Figure;
  @ApiProperty({ nullable: true, description: 'Weighed on arrival.' }) measuredKg: number | null;
  @ApiProperty() acceptedKg: number;
  @ApiProperty() refusedKg: number;
  @ApiProperty() refusedContainers: number;
  @ApiProperty({ type: Figure, description: 'Final utilisation/disposal recorded.' }) treated: Figure;
  @ApiProperty({ type: Figure, description: 'Intermediate operation (storage, repackaging) recorded.' }) intermediate: Figure;
  @ApiProperty({ type: Figure, description: 'Accepted, no operation recorded yet.' }) awaitingTreatment: Figure;
}

export class MassBalanceReport {
  @ApiProperty() organisationId: string;
  @ApiProperty() organisation: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [MassBalanceRow], description: 'As generator, per waste code.' }) rows: MassBalanceRow[];
  @ApiProperty({ type: MassBalanceRow, description: 'All waste codes together (wasteCode "*").' }) totals: MassBalanceRow;
  @ApiProperty({ type: [ReceivedRow], description: 'As receiver, per waste code.' }) received: ReceivedRow[];
}

export class MassBalanceContainer {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() wasteCode: string;
  @ApiProperty() kg: number;
  @ApiProperty() status: string;
  @ApiProperty() bucket: string;
  @ApiProperty({ nullable: true, enum: ['not_stored_or_shipped', 'not_loaded', 'lost_in_transit'] }) reason: string | null;
  @ApiProperty({ nullable: true }) manifestId: string | null;
}

export class MassBalanceContainerPage {
  @ApiProperty({ type: [MassBalanceContainer] }) containers: MassBalanceContainer[];
  @ApiProperty({ nullable: true, description: 'Pass as `after` for the next page.' }) next: string | null;
}

export class CategoryMonth {
  @ApiProperty({ example: 'HW08' }) category: string;
  @ApiProperty({ example: '废矿物油与含矿物油废物' }) name: string;
  @ApiProperty({ example: '2025-03' }) month: string;
  @ApiProperty() containers: number;
  @ApiProperty() tonnes: number;
}

export class MedicalUnitShare {
  @ApiProperty() organisationId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['tertiary', 'secondary'] }) medicalLevel: string;
  @ApiProperty() kg: number;
  @ApiProperty() disposedKg: number;
  @ApiProperty({ nullable: true }) share: number | null;
}

export class MedicalCentralDisposal {
  @ApiProperty({ description: '100%: the district plan target for 二级以上 hospitals.' }) target: number;
  @ApiProperty({ type: Figure, description: 'Medical waste generated by tertiary and secondary hospitals in the period.' }) generated: Figure;
  @ApiProperty({ type: Figure, description: 'Of which collected by a licensed unit (arrived, not refused).' }) collected: Figure;
  @ApiProperty({ type: Figure, description: 'Of which disposed of centrally (final method recorded by the receiver).' }) disposed: Figure;
  @ApiProperty({ nullable: true, description: 'disposed kg / generated kg; null when nothing was generated.' }) share: number | null;
  @ApiProperty({ nullable: true, description: 'collected kg / generated kg.' }) collectedShare: number | null;
  @ApiProperty({ type: [MedicalUnitShare] }) units: MedicalUnitShare[];
}

export class ConfirmationTimeliness {
  @ApiProperty({ description: 'Manifests whose receipt (and so the 5-working-day deadline) fell in the period.' }) due: number;
  @ApiProperty({ description: 'Confirmed on or before the deadline (China calendar day).' }) inTime: number;
  @ApiProperty() late: number;
  @ApiProperty({ description: 'Not confirmed and past the deadline.' }) overdue: number;
  @ApiProperty({ description: 'Not confirmed, deadline not passed: not counted in the share.' }) pending: number;
  @ApiProperty({ nullable: true, description: 'inTime / (inTime + late + overdue).' }) share: number | null;
}

export class AlertCount {
  @ApiProperty() key: string;
  @ApiProperty() open: number;
  @ApiProperty() acknowledged: number;
}

export class OpenAlerts {
  @ApiProperty({ description: 'Unresolved alerts (open or acknowledged).' }) total: number;
  @ApiProperty({ type: [AlertCount] }) byRule: AlertCount[];
  @ApiProperty({ type: [AlertCount], description: 'By age since opened: 0-1d, 1-7d, 7-30d, 30d+.' }) byAge: AlertCount[];
}

export class UnitCompliance {
  @ApiProperty() organisationId: string;
  @ApiProperty() name: string;
  @ApiProperty() divisionCode: string;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ description: '100 − Σ severity weight × status factor over the alerts opened in the period or unresolved; at least 0.' }) score: number;
  @ApiProperty() openAlerts: number;
  @ApiProperty() alertsInPeriod: number;
}

export class InspectionFigures {
  @ApiProperty() inspected: number;
  @ApiProperty() passed: number;
  @ApiProperty() failed: number;
  @ApiProperty({ nullable: true, description: 'passed / inspected (plan target: 100%).' }) passRate: number | null;
}

export class DistrictReport {
  @ApiProperty({ type: [String], description: 'Division-code prefixes covered.' }) prefixes: string[];
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [CategoryMonth] }) byCategoryMonth: CategoryMonth[];
  @ApiProperty({ type: MedicalCentralDisposal }) medicalCentralDisposal: MedicalCentralDisposal;
  @ApiProperty({ type: ConfirmationTimeliness }) manifestConfirmation: ConfirmationTimeliness;
  @ApiProperty({ type: OpenAlerts }) openAlerts: OpenAlerts;
  @ApiProperty({ type: [UnitCompliance], description: 'Every unit in scope, lowest score first.' }) compliance: UnitCompliance[];
  @ApiProperty({ type: InspectionFigures }) inspections: InspectionFigures;
}

export class MapFeatureProperties {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty() divisionCode: string;
  @ApiPropertyOptional({ nullable: true }) generatorKind: string | null;
  @ApiPropertyOptional({ nullable: true }) medicalLevel: string | null;
  @ApiPropertyOptional({ nullable: true }) managementClass: string | null;
  @ApiProperty() openAlerts: number;
  @ApiProperty({ description: "Net tonnes in the unit's storage facilities now." }) tonnesInStorage: number;
  @ApiProperty() containersInStorage: number;
  @ApiProperty() storageCapacityTonnes: number;
}

export class PointGeometry {
  @ApiProperty({ enum: ['Point'] }) type: 'Point';
  @ApiProperty({ type: [Number], example: [106.4563, 29.5411], description: '[longitude, latitude] (GeoJSON order).' }) coordinates: [number, number];
}

export class MapFeature {
  @ApiProperty({ enum: ['Feature'] }) type: 'Feature';
  @ApiProperty() id: string;
  @ApiProperty({ type: PointGeometry }) geometry: PointGeometry;
  @ApiProperty({ type: MapFeatureProperties }) properties: MapFeatureProperties;
}

export class UnlocatedUnit {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
}

export class MapCollection {
  @ApiProperty({ enum: ['FeatureCollection'] }) type: 'FeatureCollection';
  @ApiProperty({ type: [MapFeature] }) features: MapFeature[];
  @ApiProperty({ type: [UnlocatedUnit], description: 'Units in scope without coordinates (a GeoJSON foreign member).' }) unlocated: UnlocatedUnit[];
}

export class InspectionRecord {
  @ApiProperty() id: string;
  @ApiProperty() drawId: string;
  @ApiProperty() organisationId: string;
  @ApiProperty({ enum: ['passed', 'failed'] }) result: string;
  @ApiProperty() findings: string;
  @ApiProperty() inspector: string;
  @ApiProperty() inspectedOn: string;
  @ApiProperty() recordedBy: string;
  @ApiProperty() createdAt: Date;
}

export class DrawnUnit {
  @ApiProperty() rank: number;
  @ApiProperty() organisationId: string;
  @ApiProperty() name: string;
  @ApiProperty() divisionCode: string;
  @ApiProperty() weight: number;
  @ApiProperty({ type: [String] }) inspectors: string[];
  @ApiPropertyOptional({ type: () => InspectionRecord, nullable: true, description: 'The inspection result, once recorded.' }) inspection: InspectionRecord | null;
}

export class DrawView {
  @ApiProperty() id: string;
  @ApiProperty() regulatorId: string;
  @ApiProperty() drawnBy: string;
  @ApiProperty() seed: string;
  @ApiProperty({ description: 'The filters the population was selected with, the resolved division prefixes included.' }) filters: Record<string, unknown>;
  @ApiProperty() weighted: boolean;
  @ApiProperty() algorithm: string;
  @ApiProperty() requestedSize: number;
  @ApiProperty() populationSize: number;
  @ApiProperty({ description: 'SHA-256 over the population ids and weights, sorted by id.' }) populationHash: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [DrawnUnit] }) units: DrawnUnit[];
  @ApiPropertyOptional({ description: 'Re-drawn from the recorded seed and population: true when it gives the recorded units.' }) verified?: boolean;
}

export class DrawList {
  @ApiProperty({ type: [DrawView], description: 'Newest first, without units.' }) draws: Omit<DrawView, 'units'>[];
}
