export const LICENCE_KINDS = ['hw_operating', 'road_transport', 'vehicle_permit', 'driver_qualification'] as const;
/**
 * hw_operating: 危险废物经营许可证 (receivers, collection points); road_transport: 道路危险货物运输许可证
 * (carriers); vehicle_permit: a vehicle's 道路运输证; driver_qualification: a driver's 从业资格证.
 */
export type LicenceKind = (typeof LICENCE_KINDS)[number];
/** 经营方式 as printed on the 危险废物经营许可证. */
export const LICENCE_MODES = ['收集', '贮存', '利用', '处置'] as const;
export type LicenceMode = (typeof LICENCE_MODES)[number];

export const WASTE_CODE_PATTERN = /^[0-9]{3}-[0-9]{3}-[0-9]{2}$/;
/** HW01–HW40 and HW45–HW50; there is no HW41–HW44. */
export const WASTE_CATEGORY_PATTERN = /^HW(0[1-9]|[1-3][0-9]|40|4[5-9]|50)$/;
/** UN dangerous-goods classes and divisions, e.g. 3, 6.1, 6.2, 8, 9. */
export const DANGEROUS_GOODS_CLASS_PATTERN = /^[1-9](\.[1-6])?$/;

export interface Licence {
  id: string;
  organisationId: string;
  kind: LicenceKind;
  vehicleId: string | null;
  driverId: string | null;
  number: string;
  modes: string[];
  wasteCodes: string[];
  wasteCategories: string[];
  dangerousGoodsClasses: string[];
  annualCapacityTonnes: number | null;
  /** Inclusive calendar days, YYYY-MM-DD. */
  validFrom: string;
  validTo: string;
  supersedesId: string | null;
  supersededById: string | null;
  /** True unless another licence supersedes this one. */
  current: boolean;
  createdAt: Date;
}

/** The content of a licence document; kind and holder (vehicle, driver) are fixed once issued. */
export interface LicenceContent {
  number: string;
  validFrom: string;
  validTo: string;
  modes?: string[];
  wasteCodes?: string[];
  wasteCategories?: string[];
  dangerousGoodsClasses?: string[];
  annualCapacityTonnes?: number;
}

export interface NewLicence extends LicenceContent {
  kind: LicenceKind;
  vehicleId?: string;
  driverId?: string;
}

export interface LicenceQuery {
  /** Include superseded licences. */
  history?: boolean;
  kind?: LicenceKind;
}
