import { DEMO_DRIVERS, DEMO_ORGS, DEMO_USERS, DEMO_VEHICLES } from '../../seeds/demo-district';

/** The seeded demo district as test fixtures: ids, tokens and request builders. */
export const org = (key: string): string => DEMO_ORGS.find((o) => o.key === key)!.id;
export const bearer = (key: string, role = 'admin'): string => `Bearer ${DEMO_USERS.find((u) => u.orgKey === key && u.role === role)!.token}`;
export const vehicle = (plate: string): string => DEMO_VEHICLES.find((v) => v.plate === plate)!.id;
export const driver = (name: string): string => DEMO_DRIVERS.find((d) => d.name === name)!.id;
export const FACILITY = {
  hospital: '00000000-0000-4000-8000-000000000601',
  clinic: '00000000-0000-4000-8000-000000000602',
  autorepair: '00000000-0000-4000-8000-000000000603',
  lab: '00000000-0000-4000-8000-000000000604',
  factory: '00000000-0000-4000-8000-000000000605',
  collector: '00000000-0000-4000-8000-000000000606',
};
export const CARRIER1_LEG = { carrierId: org('carrier1'), vehicleId: vehicle('渝A·D1234'), driverId: driver('钱师傅') };
export const CARRIER2_LEG = { carrierId: org('carrier2'), vehicleId: vehicle('渝B·Y6201'), driverId: driver('冯师傅') };

export const medicalBag = (over: Record<string, unknown> = {}) => ({
  wasteCode: '841-001-01',
  wasteName: '感染性废物',
  components: '棉签、纱布',
  physicalForm: 'solid',
  containerType: 'bag',
  volumeLitres: 20,
  netWeightKg: 2.5,
  generatedAt: new Date(Date.now() - 3_600_000).toISOString(),
  ...over,
});

export const oilDrum = (over: Record<string, unknown> = {}) => ({
  wasteCode: '900-214-08',
  wasteName: '废机油',
  components: '矿物油',
  physicalForm: 'liquid',
  containerType: 'drum',
  volumeLitres: 200,
  netWeightKg: 180,
  generatedAt: new Date(Date.now() - 86_400_000).toISOString(),
  ...over,
});
