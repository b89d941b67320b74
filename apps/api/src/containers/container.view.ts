import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ContainerRow } from '@app/containers';

export class ContainerView {
  @ApiProperty() id: string;
  @ApiProperty({ description: '数字识别码' }) code: string;
  @ApiProperty() qrPayload: string;
  @ApiProperty({ description: 'The generator (产生单位).' }) organisationId: string;
  @ApiProperty({ description: 'Who holds it now.' }) holderId: string;
  @ApiProperty() wasteCode: string;
  @ApiProperty() isMedical: boolean;
  @ApiProperty() wasteName: string;
  @ApiProperty() components: string;
  @ApiProperty() physicalForm: string;
  @ApiProperty({ type: [String] }) hazards: string[];
  @ApiProperty() containerType: string;
  @ApiProperty() volumeLitres: number;
  @ApiProperty() netWeightKg: number;
  @ApiProperty() generatedAt: string;
  @ApiProperty() status: string;
  @ApiPropertyOptional({ nullable: true, description: 'The container this one is packed in.' }) parentId: string | null;
  @ApiPropertyOptional({ nullable: true }) facilityId: string | null;
  @ApiPropertyOptional({ nullable: true }) storedSince: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Hours in storage so far, when stored.' }) storedForHours: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'The method, when the unit utilised or disposed of it itself (自行利用处置).' }) ownDisposalMethod: string | null;
  @ApiPropertyOptional({ nullable: true }) ownDisposedAt: string | null;
  @ApiProperty() notes: string;
}

export function toContainerView(row: ContainerRow, qrPayload: string, now = Date.now()): ContainerView {
  return {
    id: row.id,
    code: row.code,
    qrPayload,
    organisationId: row.organisation_id,
    holderId: row.holder_id,
    wasteCode: row.waste_code,
    isMedical: row.is_medical,
    wasteName: row.waste_name,
    components: row.components,
    physicalForm: row.physical_form,
    hazards: row.hazard_codes,
    containerType: row.container_type,
    volumeLitres: Number(row.volume_litres),
    netWeightKg: Number(row.net_weight_kg),
    generatedAt: new Date(row.generated_at).toISOString(),
    status: row.status,
    parentId: row.parent_id,
    facilityId: row.facility_id,
    storedSince: row.stored_since ? new Date(row.stored_since).toISOString() : null,
    storedForHours: row.stored_since ? Math.round(((now - new Date(row.stored_since).getTime()) / 3_600_000) * 100) / 100 : null,
    ownDisposalMethod: row.disposal_method ?? null,
    ownDisposedAt: row.disposed_at ? new Date(row.disposed_at).toISOString() : null,
    notes: row.notes,
  };
}
