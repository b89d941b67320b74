/**
 * Why a licence check refuses, in both languages. These are answers, not HTTP errors: a check that
 * refuses still answers 200 with `allowed: false` and its reasons. Messages may use `{name}`
 * placeholders filled from the check's facts (licence number, dates, tonnes).
 */
export const LICENCE_CHECK_REASONS = {
  RECEIVER_NOT_LICENSED: {
    en: 'The receiver holds no hazardous waste operating licence (危险废物经营许可证) in force.',
    zh: '接受单位没有现行有效的危险废物经营许可证。',
  },
  LICENCE_EXPIRED: {
    en: 'Licence {number} expired on {validTo}.',
    zh: '许可证 {number} 已于 {validTo} 过期。',
  },
  LICENCE_NOT_YET_VALID: {
    en: 'Licence {number} is valid only from {validFrom}.',
    zh: '许可证 {number} 自 {validFrom} 起才生效。',
  },
  CODE_NOT_COVERED: {
    en: 'Licence {number} does not cover waste code {wasteCode} (category {category}).',
    zh: '许可证 {number} 的经营范围不包括废物代码 {wasteCode}（类别 {category}）。',
  },
  CAPACITY_EXCEEDED: {
    en: 'Licence {number} allows {annual} t a year; {committed} t are committed in {year}, so {tonnes} t more would exceed it.',
    zh: '许可证 {number} 年经营规模 {annual} 吨，{year} 年已承诺 {committed} 吨，再接收 {tonnes} 吨将超出。',
  },
  CARRIER_NOT_LICENSED: {
    en: 'The carrier holds no road transport licence for dangerous goods (道路危险货物运输许可证) in force.',
    zh: '承运单位没有现行有效的道路危险货物运输许可证。',
  },
  DANGEROUS_GOODS_CLASS_NOT_COVERED: {
    en: 'Licence {number} does not cover dangerous goods class {class}, which waste code {wasteCode} needs.',
    zh: '许可证 {number} 不包括废物代码 {wasteCode} 所需的危险货物类别 {class}。',
  },
  VEHICLE_NOT_OF_CARRIER: {
    en: 'The vehicle is not registered to the carrier.',
    zh: '该车辆不属于承运单位。',
  },
  VEHICLE_PERMIT_MISSING: {
    en: 'The vehicle has no road transport permit (道路运输证) on record.',
    zh: '该车辆没有道路运输证记录。',
  },
  VEHICLE_PERMIT_EXPIRED: {
    en: 'The vehicle permit {number} expired on {validTo}.',
    zh: '车辆道路运输证 {number} 已于 {validTo} 过期。',
  },
  VEHICLE_PERMIT_NOT_YET_VALID: {
    en: 'The vehicle permit {number} is valid only from {validFrom}.',
    zh: '车辆道路运输证 {number} 自 {validFrom} 起才生效。',
  },
  DRIVER_NOT_OF_CARRIER: {
    en: 'The driver is not registered to the carrier.',
    zh: '该驾驶员不属于承运单位。',
  },
  DRIVER_QUALIFICATION_MISSING: {
    en: 'The driver has no dangerous goods qualification (从业资格证) on record.',
    zh: '该驾驶员没有危险货物运输从业资格证记录。',
  },
  DRIVER_QUALIFICATION_EXPIRED: {
    en: 'The driver qualification {number} expired on {validTo}.',
    zh: '驾驶员从业资格证 {number} 已于 {validTo} 过期。',
  },
  DRIVER_QUALIFICATION_NOT_YET_VALID: {
    en: 'The driver qualification {number} is valid only from {validFrom}.',
    zh: '驾驶员从业资格证 {number} 自 {validFrom} 起才生效。',
  },
} as const satisfies Record<string, { en: string; zh: string }>;

export type LicenceCheckReasonCode = keyof typeof LICENCE_CHECK_REASONS;

export interface LicenceCheckReason {
  code: LicenceCheckReasonCode;
  message_en: string;
  message_zh: string;
  licenceId?: string;
}

export function reason(code: LicenceCheckReasonCode, facts: Record<string, string | number> = {}, licenceId?: string): LicenceCheckReason {
  const fill = (template: string): string => template.replace(/\{(\w+)\}/g, (match, name: string) => (name in facts ? String(facts[name]) : match));
  const { en, zh } = LICENCE_CHECK_REASONS[code];
  return { code, message_en: fill(en), message_zh: fill(zh), ...(licenceId ? { licenceId } : {}) };
}
