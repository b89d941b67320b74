/**
 * Every reconciliation rule, in one registry: its stable code, which of DOMAIN.md's "missing links"
 * (1–12) it implements, severity, subject, descriptions in Chinese and English, its thresholds
 * (defaults here; per-district overrides in the `rule_thresholds` table), and how it runs.
 * The SQL that finds violations lives in rule-sql.ts, keyed by the same codes.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_SUBJECT_TYPES = ['container', 'manifest', 'organisation'] as const;
export type AlertSubjectType = (typeof ALERT_SUBJECT_TYPES)[number];

export const RULE_CODES = [
  'IN_TRANSIT_TOO_LONG',
  'LISTED_NOT_LOADED',
  'ARRIVED_WITHOUT_LOADING',
  'WEIGHT_DISCREPANCY',
  'NO_FINAL_OPERATION',
  'RECEIPT_NOT_CONFIRMED_IN_TIME',
  'STORED_TOO_LONG',
  'RECEIVER_UNLICENSED',
  'LICENCE_EXPIRED',
  'CAPACITY_EXCEEDED',
  'CARRIER_UNLICENSED',
  'CLONED_LABEL',
  'LABEL_FORGED',
  'CODE_NEVER_ISSUED',
  'EVENTS_OUT_OF_ORDER',
  'ORPHAN_CONTAINER',
  'MASS_BALANCE_OPEN',
  'REFUSED_WITHOUT_ONWARD',
  'CROSS_PROVINCE_WITHOUT_APPROVAL',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export type ThresholdUnit = 'minutes' | 'hours' | 'days' | 'kg' | 'ratio' | 'km' | 'km/h';

export interface ThresholdDefinition {
  default: number;
  min: number;
  max: number;
  unit: ThresholdUnit;
  zh: string;
  en: string;
}

export interface Text {
  zh: string;
  en: string;
}

export interface RuleDefinition {
  code: RuleCode;
  /** The numbered "missing link" of DOMAIN.md this rule implements. */
  domainRule: number;
  severity: Severity;
  subjectType: AlertSubjectType;
  title: Text;
  description: Text;
  /** Parameter name (camelCase) -> definition. */
  thresholds: Readonly<Record<string, ThresholdDefinition>>;
  /** Re-evaluated for the subjects each ledger event (or refused scan) touches. */
  incremental: boolean;
  /**
   * Swept on its own every minute: its truth depends on the clock, or on records that change
   * without a ledger event (licences, approvals). Every rule is also in the full sweep.
   */
  timeBased: boolean;
  /**
   * Whether an open alert resolves itself when the condition clears. Evidence of tampering (a
   * cloned or forged label, an impossible order of events) stays open until a regulator resolves it.
   */
  autoResolve: boolean;
}

const t = (def: number, min: number, max: number, unit: ThresholdUnit, zh: string, en: string): ThresholdDefinition => ({
  default: def,
  min,
  max,
  unit,
  zh,
  en,
});

const GRACE_MINUTES = t(0, 0, 10_080, 'minutes', '宽限时间（分钟）', 'Grace period (minutes)');

export const RULES: Readonly<Record<RuleCode, RuleDefinition>> = {
  IN_TRANSIT_TOO_LONG: {
    code: 'IN_TRANSIT_TOO_LONG',
    domainRule: 1,
    severity: 'high',
    subjectType: 'container',
    title: { zh: '运输超时', en: 'In transit too long' },
    description: {
      zh: '容器已装车，但超过规定时长仍未在接收单位扫描到达。',
      en: 'The container was loaded but has not been scanned on arrival at the receiver within the limit.',
    },
    thresholds: {
      hours: t(24, 1, 720, 'hours', '危险废物运输时限（小时）', 'Limit for hazardous waste (hours)'),
      medicalHours: t(12, 1, 720, 'hours', '医疗废物运输时限（小时）', 'Limit for medical waste (hours)'),
    },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  LISTED_NOT_LOADED: {
    code: 'LISTED_NOT_LOADED',
    domainRule: 2,
    severity: 'high',
    subjectType: 'container',
    title: { zh: '列入联单但未装车', en: 'Listed but never loaded' },
    description: {
      zh: '联单已发车，但所列容器没有装车扫描记录（遗留或丢失）。',
      en: 'The manifest has left, but this listed container was never scanned at loading (left behind or lost).',
    },
    thresholds: { graceMinutes: GRACE_MINUTES },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  ARRIVED_WITHOUT_LOADING: {
    code: 'ARRIVED_WITHOUT_LOADING',
    domainRule: 3,
    severity: 'critical',
    subjectType: 'container',
    title: { zh: '无装车记录即到达', en: 'Arrived without a loading scan' },
    description: {
      zh: '容器在接收单位扫描到达，但没有装车扫描记录：交接链断裂。',
      en: 'The container was scanned on arrival without any loading scan: a break in the chain of custody.',
    },
    thresholds: { graceMinutes: GRACE_MINUTES },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  WEIGHT_DISCREPANCY: {
    code: 'WEIGHT_DISCREPANCY',
    domainRule: 4,
    severity: 'medium',
    subjectType: 'container',
    title: { zh: '重量不符', en: 'Weight discrepancy' },
    description: {
      zh: '接收单位称重与产生单位申报重量之差超出允许范围。',
      en: "The weight measured at the receiver differs from the generator's declared weight beyond tolerance.",
    },
    thresholds: {
      toleranceRatio: t(0.05, 0, 1, 'ratio', '允许偏差比例', 'Tolerated share of the declared weight'),
      toleranceKg: t(0.2, 0, 10_000, 'kg', '允许偏差（千克）', 'Tolerated difference (kg)'),
    },
    incremental: true,
    timeBased: false,
    autoResolve: true,
  },
  NO_FINAL_OPERATION: {
    code: 'NO_FINAL_OPERATION',
    domainRule: 5,
    severity: 'medium',
    subjectType: 'container',
    title: { zh: '接收后未利用处置', en: 'No final operation after receipt' },
    description: {
      zh: '容器被接收后超过规定天数，仍没有利用/处置记录（或仅有贮存等中间操作）。',
      en: 'The container was accepted but no final utilisation or disposal (only an intermediate operation, or none) was recorded within the limit.',
    },
    thresholds: { days: t(30, 1, 730, 'days', '时限（天）', 'Limit (days)') },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  RECEIPT_NOT_CONFIRMED_IN_TIME: {
    code: 'RECEIPT_NOT_CONFIRMED_IN_TIME',
    domainRule: 5,
    severity: 'medium',
    subjectType: 'manifest',
    title: { zh: '联单未按时确认', en: 'Receipt not confirmed in time' },
    description: {
      zh: '接受人未在接收后 5 个工作日内确认联单。',
      en: 'The receiver has not confirmed the manifest within 5 working days of acceptance.',
    },
    thresholds: { graceDays: t(0, 0, 30, 'days', '截止日后宽限（天）', 'Grace after the deadline (days)') },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  STORED_TOO_LONG: {
    code: 'STORED_TOO_LONG',
    domainRule: 6,
    severity: 'high',
    subjectType: 'container',
    title: { zh: '贮存超期', en: 'Stored too long' },
    description: {
      zh: '医疗废物在产生单位暂存超过 48 小时，或危险废物贮存超过 365 天。',
      en: 'Medical waste kept at its generator for more than 48 hours, or hazardous waste stored for more than 365 days.',
    },
    thresholds: {
      medicalHours: t(48, 1, 720, 'hours', '医疗废物暂存时限（小时）', 'Limit for medical waste (hours)'),
      hazardousDays: t(365, 1, 3650, 'days', '危险废物贮存时限（天）', 'Limit for hazardous waste (days)'),
    },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  RECEIVER_UNLICENSED: {
    code: 'RECEIVER_UNLICENSED',
    domainRule: 7,
    severity: 'critical',
    subjectType: 'manifest',
    title: { zh: '接受人无相应经营许可', en: 'Receiver not licensed for the waste' },
    description: {
      zh: '接受人现行的危险废物经营许可证不涵盖联单上的废物代码。',
      en: "None of the receiver's licences in force covers a waste code on the manifest.",
    },
    thresholds: {},
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  LICENCE_EXPIRED: {
    code: 'LICENCE_EXPIRED',
    domainRule: 7,
    severity: 'high',
    subjectType: 'manifest',
    title: { zh: '许可证已过期', en: 'Licence expired' },
    description: {
      zh: '转移进行中，接受人、承运人、车辆或驾驶员的相关许可证已过期（或尚未生效）。',
      en: "While the transfer is under way, the receiver's, carrier's, vehicle's or driver's licence is expired (or not yet valid).",
    },
    thresholds: {},
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  CAPACITY_EXCEEDED: {
    code: 'CAPACITY_EXCEEDED',
    domainRule: 7,
    severity: 'high',
    subjectType: 'organisation',
    title: { zh: '超出年度经营规模', en: 'Annual licensed capacity exceeded' },
    description: {
      zh: '接受人本年度已承接的吨数超过其经营许可证的年经营规模。',
      en: "The tonnes committed to the receiver this year exceed its licence's annual capacity.",
    },
    thresholds: { toleranceRatio: t(0, 0, 1, 'ratio', '允许超出比例', 'Tolerated excess (share of capacity)') },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  CARRIER_UNLICENSED: {
    code: 'CARRIER_UNLICENSED',
    domainRule: 7,
    severity: 'critical',
    subjectType: 'manifest',
    title: { zh: '承运人或车辆无资质', en: 'Carrier or vehicle unlicensed' },
    description: {
      zh: '承运人无道路危险货物运输许可、车辆无道路运输证、驾驶员无从业资格，或不涵盖所需危险货物类别。',
      en: 'A carrier lacks a dangerous-goods road transport licence, a vehicle its permit or a driver the qualification, or none covers the class needed.',
    },
    thresholds: {},
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  CLONED_LABEL: {
    code: 'CLONED_LABEL',
    domainRule: 8,
    severity: 'critical',
    subjectType: 'container',
    title: { zh: '疑似克隆标签', en: 'Cloned label suspected' },
    description: {
      zh: '同一识别码在两地被扫描，时间间隔不可能完成两地之间的移动。',
      en: 'The same code was scanned at two places too far apart for the time between the scans.',
    },
    thresholds: {
      maxSpeedKmh: t(120, 10, 1000, 'km/h', '最大合理速度（千米/小时）', 'Highest plausible speed (km/h)'),
      minDistanceKm: t(1, 0, 100, 'km', '忽略的定位误差（千米）', 'Distance ignored as GPS noise (km)'),
      lookbackDays: t(30, 1, 365, 'days', '全量巡检回看天数', 'Days of scans a sweep looks back'),
    },
    incremental: true,
    timeBased: false,
    autoResolve: false,
  },
  LABEL_FORGED: {
    code: 'LABEL_FORGED',
    domainRule: 8,
    severity: 'high',
    subjectType: 'organisation',
    title: { zh: '伪造标签', en: 'Forged label scanned' },
    description: {
      zh: '本单位扫描到签名校验失败的标签（伪造或被篡改）。',
      en: 'A label whose signature does not verify (forged or altered) was scanned at this organisation.',
    },
    thresholds: {},
    incremental: true,
    timeBased: false,
    autoResolve: false,
  },
  CODE_NEVER_ISSUED: {
    code: 'CODE_NEVER_ISSUED',
    domainRule: 8,
    severity: 'critical',
    subjectType: 'organisation',
    title: { zh: '未签发的识别码', en: 'Code never issued' },
    description: {
      zh: '本单位扫描到签名有效但从未签发的识别码：签名密钥可能泄露。',
      en: 'A correctly signed label with a code that was never issued was scanned here: the signing key may be compromised.',
    },
    thresholds: {},
    incremental: true,
    timeBased: false,
    autoResolve: false,
  },
  EVENTS_OUT_OF_ORDER: {
    code: 'EVENTS_OUT_OF_ORDER',
    domainRule: 9,
    severity: 'high',
    subjectType: 'container',
    title: { zh: '事件顺序异常', en: 'Events in an impossible order' },
    description: {
      zh: '容器的记录顺序不可能发生：贴标前即被扫描、装车前到达、到达前处置，或扫描因时间倒序被拒。',
      en: 'The container’s records are in an impossible order: scanned before it was labelled, arrived before loading, disposed before receipt, or a scan refused for going back in time.',
    },
    thresholds: {
      toleranceMinutes: t(10, 0, 1440, 'minutes', '时钟误差容忍（分钟）', 'Tolerated clock difference (minutes)'),
      lookbackDays: t(30, 1, 365, 'days', '全量巡检回看天数', 'Days of scans a sweep looks back'),
    },
    incremental: true,
    timeBased: false,
    autoResolve: false,
  },
  ORPHAN_CONTAINER: {
    code: 'ORPHAN_CONTAINER',
    domainRule: 10,
    severity: 'medium',
    subjectType: 'container',
    title: { zh: '去向不明的容器', en: 'Orphan container' },
    description: {
      zh: '容器已贴标登记，但超过规定天数既未入库、也未转移或处置（含长期停留在联单草稿上）。',
      en: 'The container was labelled but, past the limit, was neither stored, shipped nor otherwise accounted for (including sitting on a draft manifest).',
    },
    thresholds: { days: t(7, 1, 365, 'days', '时限（天）', 'Limit (days)') },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  MASS_BALANCE_OPEN: {
    code: 'MASS_BALANCE_OPEN',
    domainRule: 10,
    severity: 'medium',
    subjectType: 'organisation',
    title: { zh: '物料平衡不闭合', en: 'Mass balance does not close' },
    description: {
      zh: '按单位和废物代码，产生（或接收）量不等于贮存、转移与自行利用处置量之和。',
      en: 'Per unit and waste code, what was generated (or taken in) does not equal what was stored, shipped and disposed of on site.',
    },
    thresholds: {
      graceDays: t(7, 1, 365, 'days', '登记后计入的天数', 'Days before a registered container counts as unaccounted'),
      toleranceKg: t(1, 0, 100_000, 'kg', '允许偏差（千克）', 'Tolerated difference (kg)'),
      toleranceRatio: t(0.01, 0, 1, 'ratio', '允许偏差比例', 'Tolerated share of the total'),
    },
    incremental: false,
    timeBased: true,
    autoResolve: true,
  },
  REFUSED_WITHOUT_ONWARD: {
    code: 'REFUSED_WITHOUT_ONWARD',
    domainRule: 11,
    severity: 'high',
    subjectType: 'container',
    title: { zh: '拒收后无后续联单', en: 'Refused with no onward or return manifest' },
    description: {
      zh: '容器被拒收后超过规定时长，仍未关联退回或转运联单。',
      en: 'The container was refused and, past the limit, no return or onward manifest is linked to it.',
    },
    thresholds: { graceHours: t(72, 0, 2160, 'hours', '时限（小时）', 'Limit (hours)') },
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
  CROSS_PROVINCE_WITHOUT_APPROVAL: {
    code: 'CROSS_PROVINCE_WITHOUT_APPROVAL',
    domainRule: 12,
    severity: 'critical',
    subjectType: 'manifest',
    title: { zh: '跨省转移无有效审批', en: 'Cross-province transfer without a valid approval' },
    description: {
      zh: '跨省转移没有审批，或审批不涵盖其当事方、废物代码、转移日期，或有效期超过接受人经营许可证。',
      en: "A cross-province transfer has no approval, or one that does not cover its parties, waste codes or transfer day, or that outlasts the receiver's licence.",
    },
    thresholds: {},
    incremental: true,
    timeBased: true,
    autoResolve: true,
  },
};

export const RULE_LIST: readonly RuleDefinition[] = RULE_CODES.map((code) => RULES[code]);

export function isRuleCode(value: unknown): value is RuleCode {
  return typeof value === 'string' && (RULE_CODES as readonly string[]).includes(value);
}

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };
