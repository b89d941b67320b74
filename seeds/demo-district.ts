import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { hashToken, withUsccCheckCharacter } from '@app/parties';

/**
 * The demo district: 重庆市沙坪坝区 (500106). Names are invented; USCCs are well-formed with valid
 * check characters. Every row has a fixed id, so seeding twice changes nothing.
 */
const id = (n: number): string => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

export interface DemoOrg {
  key: string;
  id: string;
  uscc: string;
  name: string;
  roles: string[];
  division: string;
  lat: number;
  lng: number;
  address: string;
  contact: [string, string];
  generatorKind?: string;
  medicalLevel?: string;
  managementClass?: string;
  jurisdiction?: string[];
}

export const DEMO_ORGS: DemoOrg[] = [
  { key: 'hospital', id: id(101), uscc: withUsccCheckCharacter('12500106MA0000001'), name: '沙坪坝示范医院（三甲）', roles: ['generator'], division: '500106', lat: 29.5411, lng: 106.4563, address: '重庆市沙坪坝区示范路1号', contact: ['王医生', '023-60000001'], generatorKind: 'medical', medicalLevel: 'tertiary', managementClass: 'key' },
  { key: 'clinic', id: id(102), uscc: withUsccCheckCharacter('52500106MA0000002'), name: '小龙坎社区卫生服务中心', roles: ['generator'], division: '500106', lat: 29.5582, lng: 106.4583, address: '重庆市沙坪坝区小龙坎正街8号', contact: ['李护士', '023-60000002'], generatorKind: 'medical', medicalLevel: 'primary', managementClass: 'registered' },
  { key: 'autorepair', id: id(103), uscc: withUsccCheckCharacter('92500106MA0000003'), name: '井口汽车维修服务部', roles: ['generator'], division: '500106', lat: 29.6221, lng: 106.4452, address: '重庆市沙坪坝区井口镇汽修街3号', contact: ['张师傅', '13800000003'], generatorKind: 'auto_repair', managementClass: 'registered' },
  { key: 'lab', id: id(104), uscc: withUsccCheckCharacter('12500106MA0000004'), name: '虎溪示范大学化学实验中心', roles: ['generator'], division: '500106', lat: 29.5989, lng: 106.3044, address: '重庆市沙坪坝区虎溪大学城南路55号', contact: ['陈老师', '023-60000004'], generatorKind: 'lab', managementClass: 'simplified' },
  { key: 'factory', id: id(105), uscc: withUsccCheckCharacter('91500106MA0000005'), name: '西永示范精密制造有限公司', roles: ['generator'], division: '500106', lat: 29.5936, lng: 106.3351, address: '重庆市沙坪坝区西永微电园示范大道9号', contact: ['刘工', '023-60000005'], generatorKind: 'industrial', managementClass: 'key' },
  { key: 'collector', id: id(106), uscc: withUsccCheckCharacter('91500106MA0000006'), name: '上桥危险废物集中收集贮存点', roles: ['collector', 'generator'], division: '500106', lat: 29.5412, lng: 106.4102, address: '重庆市沙坪坝区上桥物流园2号', contact: ['赵站长', '023-60000006'], generatorKind: 'small_other', managementClass: 'key' },
  { key: 'carrier1', id: id(107), uscc: withUsccCheckCharacter('91500106MA0000007'), name: '渝西危险货物运输有限公司', roles: ['transporter'], division: '500106', lat: 29.5801, lng: 106.4231, address: '重庆市沙坪坝区联芳路18号', contact: ['周经理', '023-60000007'] },
  { key: 'carrier2', id: id(108), uscc: withUsccCheckCharacter('91500112MA0000008'), name: '山城医废专运有限公司', roles: ['transporter'], division: '500112', lat: 29.7189, lng: 106.6312, address: '重庆市渝北区空港大道66号', contact: ['吴经理', '023-60000008'] },
  { key: 'incinerator', id: id(109), uscc: withUsccCheckCharacter('91500106MA0000009'), name: '歌乐山危险废物焚烧处置中心', roles: ['receiver'], division: '500106', lat: 29.5725, lng: 106.3921, address: '重庆市沙坪坝区歌乐山镇环保路1号', contact: ['孙主任', '023-60000009'] },
  { key: 'cementkiln', id: id(110), uscc: withUsccCheckCharacter('91500106MA0000010'), name: '青峰水泥窑协同处置有限公司', roles: ['receiver'], division: '500106', lat: 29.6412, lng: 106.3822, address: '重庆市沙坪坝区青木关镇建材路7号', contact: ['郑厂长', '023-60000010'] },
  { key: 'regulator', id: id(111), uscc: withUsccCheckCharacter('11500106MA0000011'), name: '重庆市沙坪坝区生态环境局', roles: ['regulator'], division: '500106', lat: 29.5418, lng: 106.4576, address: '重庆市沙坪坝区天星桥正街1号', contact: ['执法支队', '023-65300000'], jurisdiction: ['500106'] },
];

export interface DemoUser {
  id: string;
  orgKey: string | null;
  name: string;
  role: string;
  driverId?: string;
  /** A fixed token for the demo only: deterministic so that seeding twice prints the same tokens. */
  token: string;
}

const demoToken = (name: string): string => `wl_demo_${name}_${createHash('sha256').update(`demo:${name}`).digest('hex').slice(0, 16)}`;

export const DEMO_VEHICLES = [
  { id: id(301), orgKey: 'carrier1', plate: '渝A·D1234', permit: '渝交运管危字500106001号', classes: ['3', '6.1', '8', '9'] },
  { id: id(302), orgKey: 'carrier1', plate: '渝A·D5678', permit: '渝交运管危字500106002号', classes: ['3', '6.1', '8', '9'] },
  { id: id(303), orgKey: 'carrier2', plate: '渝B·Y6201', permit: '渝交运管危字500112001号', classes: ['6.2'] },
];

export const DEMO_DRIVERS = [
  { id: id(401), orgKey: 'carrier1', name: '钱师傅', phone: '13900000001' },
  { id: id(402), orgKey: 'carrier2', name: '冯师傅', phone: '13900000002' },
];

export const DEMO_USERS: DemoUser[] = [
  { id: id(200), orgKey: null, name: '平台管理员', role: 'platform_admin', token: demoToken('platform') },
  ...DEMO_ORGS.map((o, i) => ({ id: id(201 + i), orgKey: o.key, name: `${o.name}管理员`, role: 'admin', token: demoToken(o.key) })),
  { id: id(251), orgKey: 'carrier1', name: '钱师傅', role: 'driver', driverId: id(401), token: demoToken('driver1') },
  { id: id(252), orgKey: 'carrier2', name: '冯师傅', role: 'driver', driverId: id(402), token: demoToken('driver2') },
];

const year = new Date().getUTCFullYear();

export const DEMO_LICENCES = [
  { id: id(501), orgKey: 'incinerator', kind: 'hw_operating', number: `渝危废经第${year - 1}001号`, modes: ['收集', '贮存', '处置'], categories: ['HW01', 'HW02', 'HW03', 'HW06', 'HW12', 'HW13', 'HW16', 'HW49'], codes: [] as string[], capacity: 30000, from: `${year - 1}-01-01`, to: `${year + 4}-12-31` },
  { id: id(502), orgKey: 'cementkiln', kind: 'hw_operating', number: `渝危废经第${year - 1}002号`, modes: ['收集', '贮存', '利用', '处置'], categories: ['HW08', 'HW09', 'HW17', 'HW18', 'HW34', 'HW35', 'HW50'], codes: ['900-039-49', '900-041-49', '900-252-12'], capacity: 50000, from: `${year - 1}-06-01`, to: `${year + 3}-05-31` },
  { id: id(503), orgKey: 'collector', kind: 'hw_operating', number: `渝危废收第${year}003号`, modes: ['收集', '贮存'], categories: ['HW08', 'HW29', 'HW31', 'HW49'], codes: [], capacity: 3000, from: `${year}-01-01`, to: `${year + 2}-12-31` },
  { id: id(511), orgKey: 'carrier1', kind: 'road_transport', number: '渝交运管许可危字500106000001号', classes: ['3', '6.1', '8', '9'], from: `${year - 2}-01-01`, to: `${year + 3}-12-31` },
  { id: id(512), orgKey: 'carrier2', kind: 'road_transport', number: '渝交运管许可危字500112000002号', classes: ['6.2'], from: `${year - 1}-01-01`, to: `${year + 4}-12-31` },
];

export async function seedDemoDistrict(m: EntityManager): Promise<DemoUser[]> {
  const orgId = (key: string): string => DEMO_ORGS.find((o) => o.key === key)!.id;
  for (const o of DEMO_ORGS) {
    await m.query(
      `INSERT INTO organisations (id, uscc, name, address, division_code, lat, lng, contact_name, contact_phone, roles,
                                  generator_kind, medical_level, management_class, jurisdiction)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) ON CONFLICT (id) DO NOTHING`,
      [o.id, o.uscc, o.name, o.address, o.division, o.lat, o.lng, o.contact[0], o.contact[1], o.roles,
        o.generatorKind ?? null, o.medicalLevel ?? null, o.managementClass ?? null, o.jurisdiction ?? null],
    );
  }
  const facilities = [
    { id: id(601), orgKey: 'hospital', code: 'YF-01', name: '医疗废物暂存间', capacity: 2 },
    { id: id(602), orgKey: 'clinic', code: 'YF-01', name: '医疗废物暂存柜', capacity: 0.2 },
    { id: id(603), orgKey: 'autorepair', code: 'WF-01', name: '危废贮存间', capacity: 1 },
    { id: id(604), orgKey: 'lab', code: 'WF-01', name: '实验室危废暂存间', capacity: 1 },
    { id: id(605), orgKey: 'factory', code: 'WF-01', name: '危废仓库一号', capacity: 20 },
    { id: id(606), orgKey: 'collector', code: 'ZC-01', name: '集中贮存库', capacity: 3 },
  ];
  for (const f of facilities) {
    await m.query(
      `INSERT INTO facilities (id, organisation_id, code, name, capacity_tonnes) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (id) DO NOTHING`,
      [f.id, orgId(f.orgKey), f.code, f.name, f.capacity],
    );
  }
  for (const v of DEMO_VEHICLES) {
    await m.query(`INSERT INTO vehicles (id, organisation_id, plate) VALUES ($1,$2,$3) ON CONFLICT (id) DO NOTHING`, [v.id, orgId(v.orgKey), v.plate]);
  }
  for (const d of DEMO_DRIVERS) {
    await m.query(`INSERT INTO drivers (id, organisation_id, name, phone) VALUES ($1,$2,$3,$4) ON CONFLICT (id) DO NOTHING`, [d.id, orgId(d.orgKey), d.name, d.phone]);
  }
  for (const l of DEMO_LICENCES) {
    await m.query(
      `INSERT INTO licences (id, organisation_id, kind, number, modes, waste_categories, waste_codes, dangerous_goods_classes,
                             annual_capacity_tonnes, valid_from, valid_to)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (id) DO NOTHING`,
      [l.id, orgId(l.orgKey), l.kind, l.number, 'modes' in l ? l.modes : [], 'categories' in l ? l.categories : [],
        'codes' in l ? l.codes : [], 'classes' in l ? l.classes : [], 'capacity' in l ? l.capacity : null, l.from, l.to],
    );
  }
  for (const [i, v] of DEMO_VEHICLES.entries()) {
    await m.query(
      `INSERT INTO licences (id, organisation_id, kind, vehicle_id, number, dangerous_goods_classes, valid_from, valid_to)
       VALUES ($1,$2,'vehicle_permit',$3,$4,$5,$6,$7) ON CONFLICT (id) DO NOTHING`,
      [id(521 + i), orgId(v.orgKey), v.id, v.permit, v.classes, `${year - 1}-01-01`, `${year + 2}-12-31`],
    );
  }
  for (const [i, d] of DEMO_DRIVERS.entries()) {
    await m.query(
      `INSERT INTO licences (id, organisation_id, kind, driver_id, number, dangerous_goods_classes, valid_from, valid_to)
       VALUES ($1,$2,'driver_qualification',$3,$4,$5,$6,$7) ON CONFLICT (id) DO NOTHING`,
      [id(531 + i), orgId(d.orgKey), d.id, `危货驾驶员从业资格证-${d.phone}`, ['3', '6.1', '6.2', '8', '9'], `${year - 3}-01-01`, `${year + 3}-12-31`],
    );
  }
  for (const u of DEMO_USERS) {
    await m.query(
      `INSERT INTO users (id, organisation_id, name, role, driver_id) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (id) DO NOTHING`,
      [u.id, u.orgKey ? orgId(u.orgKey) : null, u.name, u.role, u.driverId ?? null],
    );
    await m.query(
      `INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, 'demo', $2) ON CONFLICT (token_hash) DO NOTHING`,
      [u.id, hashToken(u.token)],
    );
  }
  return DEMO_USERS;
}
