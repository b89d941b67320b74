/** Hazard characteristics as the 国家危险废物名录 writes them. */
export type HazardCharacteristic = 'T' | 'C' | 'I' | 'R' | 'In';

export const HAZARD_CHARACTERISTICS: readonly HazardCharacteristic[] = ['T', 'C', 'I', 'R', 'In'];

export const HAZARD_NAMES: Readonly<Record<HazardCharacteristic, string>> = {
  T: '毒性',
  C: '腐蚀性',
  I: '易燃性',
  R: '反应性',
  In: '感染性',
};

export type PhysicalFormCode = 'solid' | 'semi-solid' | 'liquid' | 'gas';

export const PHYSICAL_FORM_NAMES: Readonly<Record<PhysicalFormCode, string>> = {
  solid: '固态',
  'semi-solid': '半固态',
  liquid: '液态',
  gas: '气态',
};

/** Everything printed on one container's label. */
export interface LabelData {
  /** 数字识别码, 37 characters: USCC (18) + waste code without hyphens (8) + YYYYMMDD (8) + sequence (3). */
  code: string;
  /** What the QR code carries (the code plus the ledger's signature): encoded exactly as given. */
  qrPayload: string;
  /** 废物名称 */
  wasteName: string;
  /** 废物代码, e.g. 900-041-49 */
  wasteCode: string;
  /** 废物类别, e.g. HW49 */
  category: string;
  /** 主要成分 */
  mainComponents: string;
  /** 危险特性 */
  hazards: readonly HazardCharacteristic[];
  /** 形态: one of the codes, or Chinese text printed as given (e.g. 固态). */
  physicalForm: PhysicalFormCode | string;
  /**
   * 产生日期: 'YYYY-MM-DD' (printed as given), or a Date printed as its calendar day in China
   * (UTC+8), where the waste is generated.
   */
  generatedOn: string | Date;
  /** 产生单位 */
  unitName: string;
  /** 联系人 */
  contactName: string;
  /** 联系方式 */
  contactPhone: string;
  /** Container volume in litres: chooses the label size. */
  containerVolumeLitres: number;
  /** Medical waste gets the yellow 医疗废物 label; when absent, category HW01 decides. */
  medicalWaste?: boolean;
  /** 备注 (for medical waste: 需要特别说明的事项). */
  notes?: string;
}

export function isMedicalWaste(data: Pick<LabelData, 'medicalWaste' | 'category'>): boolean {
  return data.medicalWaste ?? data.category.trim().toUpperCase() === 'HW01';
}

export function physicalFormText(form: string): string {
  return (PHYSICAL_FORM_NAMES as Record<string, string>)[form] ?? form;
}

/** Days are China's: a generation date is the day in UTC+8, whatever the server's zone. */
export function generationDateText(value: string | Date): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value.getTime())) throw new RangeError('generatedOn is not a valid date');
  return new Date(value.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The kinds of medical waste in the 名录 (HW01), by waste code: the label's 类别 line. */
const MEDICAL_KINDS: Readonly<Record<string, string>> = {
  '841-001-01': '感染性废物',
  '841-002-01': '损伤性废物',
  '841-003-01': '病理性废物',
  '841-004-01': '化学性废物',
  '841-005-01': '药物性废物',
};

export function medicalKindText(wasteCode: string): string | undefined {
  return MEDICAL_KINDS[wasteCode.trim()];
}
