import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LabelData } from '@app/labelling';
import { chinaDate } from './container-code';
import { ContainersService } from './containers.service';

interface LabelRow {
  code: string;
  waste_code: string;
  category: string;
  waste_name: string;
  components: string;
  hazard_codes: string[];
  physical_form: string;
  generated_at: Date;
  unit_name: string;
  contact_name: string | null;
  contact_phone: string | null;
  volume_litres: string;
  is_medical: boolean;
  notes: string;
}

/** What a label prints, read from the container, its catalogue entry and its generator. */
@Injectable()
export class ContainerLabelsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly containers: ContainersService,
  ) {}

  async labelData(ids: string[]): Promise<LabelData[]> {
    const rows = (await this.db.query(
      `SELECT c.code, c.waste_code, w.category, c.waste_name, c.components, c.hazard_codes, c.physical_form, c.generated_at,
              o.name AS unit_name, o.contact_name, o.contact_phone, c.volume_litres, c.is_medical, c.notes
         FROM containers c JOIN waste_codes w ON w.code = c.waste_code JOIN organisations o ON o.id = c.organisation_id
        WHERE c.id = ANY($1) ORDER BY array_position($1::uuid[], c.id)`,
      [ids],
    )) as LabelRow[];
    return rows.map((r) => ({
      code: r.code,
      qrPayload: this.containers.qrPayload(r.code),
      wasteName: r.waste_name,
      wasteCode: r.waste_code,
      category: r.category,
      mainComponents: r.components,
      hazards: r.hazard_codes as LabelData['hazards'],
      physicalForm: r.physical_form === 'semi_solid' ? 'semi-solid' : r.physical_form,
      generatedOn: chinaDate(new Date(r.generated_at)),
      unitName: r.unit_name,
      contactName: r.contact_name ?? '',
      contactPhone: r.contact_phone ?? '',
      containerVolumeLitres: Number(r.volume_litres),
      medicalWaste: r.is_medical,
      notes: r.notes || undefined,
    }));
  }
}
