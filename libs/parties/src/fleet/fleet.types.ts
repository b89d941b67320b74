/** The licence in force that a vehicle or driver carries, as shown beside it. */
export interface DocumentSummary {
  id: string;
  number: string;
  validFrom: string;
  validTo: string;
  dangerousGoodsClasses: string[];
}

export interface Vehicle {
  id: string;
  organisationId: string;
  plate: string;
  createdAt: Date;
  /** The vehicle's 道路运输证 in force with the latest end date, if any. */
  permit: DocumentSummary | null;
}

export interface Driver {
  id: string;
  organisationId: string;
  name: string;
  phone: string | null;
  createdAt: Date;
  /** The driver's qualification in force with the latest end date, if any. */
  qualification: DocumentSummary | null;
}
