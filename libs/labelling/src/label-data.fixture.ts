import { randomBytes } from 'node:crypto';
import { LabelData } from './label-data';

const UNIT_USCC = '91500106MA5U3X5K1X';

/** A container code: unit USCC, waste code without hyphens, generation day, sequence. */
export function containerCode(sequence: number, wasteCode = '900-041-49', day = '20250314'): string {
  return `${UNIT_USCC}${wasteCode.replace(/-/g, '')}${day}${String(sequence).padStart(3, '0')}`;
}

/** Payload shaped like the real one: the code, a dot, a base64url Ed25519 signature. */
export function signedPayload(code: string): string {
  return `${code}.${randomBytes(64).toString('base64url')}`;
}

export function hazardousLabel(overrides: Partial<LabelData> = {}): LabelData {
  const code = overrides.code ?? containerCode(1);
  return {
    code,
    qrPayload: signedPayload(code),
    wasteName: '废矿物油与含矿物油废物',
    wasteCode: '900-041-49',
    category: 'HW49',
    mainComponents: '废机油、含油棉纱、手套',
    hazards: ['T', 'I'],
    physicalForm: 'solid',
    generatedOn: '2025-03-14',
    unitName: '重庆市沙坪坝区某某汽车维修有限公司',
    contactName: '张三',
    contactPhone: '023-65123456',
    containerVolumeLitres: 30,
    ...overrides,
  };
}

export function medicalLabel(overrides: Partial<LabelData> = {}): LabelData {
  const code = overrides.code ?? containerCode(7, '841-001-01');
  return hazardousLabel({
    code,
    qrPayload: signedPayload(code),
    wasteName: '感染性废物',
    wasteCode: '841-001-01',
    category: 'HW01',
    mainComponents: '棉签、纱布、一次性输液器',
    hazards: ['In'],
    unitName: '重庆市沙坪坝区人民医院',
    notes: '污染敷料，3/4满封口',
    containerVolumeLitres: 20,
    ...overrides,
  });
}
