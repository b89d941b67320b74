import type { OrganisationRole } from '../auth/actor';

export const ORGANISATION_ROLES = ['generator', 'collector', 'transporter', 'receiver', 'regulator'] as const satisfies readonly OrganisationRole[];
export const GENERATOR_KINDS = ['industrial', 'medical', 'lab', 'school', 'auto_repair', 'small_other'] as const;
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];
/** 医疗机构等级: 三级, 二级, 一级, 未定级. */
export const MEDICAL_LEVELS = ['tertiary', 'secondary', 'primary', 'unrated'] as const;
export type MedicalLevel = (typeof MEDICAL_LEVELS)[number];
/** 重点监管 (≥100 t/yr, licence holders), 简化管理 (≥10 t/yr), 登记管理 (<10 t/yr). */
export const MANAGEMENT_CLASSES = ['key', 'simplified', 'registered'] as const;
export type ManagementClass = (typeof MANAGEMENT_CLASSES)[number];

export interface Organisation {
  id: string;
  uscc: string;
  name: string;
  address: string;
  divisionCode: string;
  lat: number | null;
  lng: number | null;
  contactName: string | null;
  contactPhone: string | null;
  roles: OrganisationRole[];
  generatorKind: GeneratorKind | null;
  medicalLevel: MedicalLevel | null;
  managementClass: ManagementClass | null;
  jurisdiction: string[] | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewOrganisation {
  uscc: string;
  name: string;
  address?: string;
  divisionCode: string;
  lat?: number;
  lng?: number;
  contactName?: string;
  contactPhone?: string;
  roles: OrganisationRole[];
  generatorKind?: GeneratorKind;
  medicalLevel?: MedicalLevel;
  managementClass?: ManagementClass;
  jurisdiction?: string[];
}

/** What an organisation's admin may change about it; identity (USCC, name, division, roles) stays with the platform. */
export interface OrganisationChanges {
  address?: string;
  lat?: number;
  lng?: number;
  contactName?: string;
  contactPhone?: string;
  managementClass?: ManagementClass;
}

export interface OrganisationQuery {
  limit: number;
  offset: number;
  role?: OrganisationRole;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
