import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';

/** 《国家危险废物名录》 categories: HW01–HW40 and HW45–HW50 (there is no HW41–HW44). */
export const WASTE_CATEGORIES: [string, string][] = [
  ['HW01', '医疗废物'], ['HW02', '医药废物'], ['HW03', '废药物、药品'], ['HW04', '农药废物'],
  ['HW05', '木材防腐剂废物'], ['HW06', '废有机溶剂与含有机溶剂废物'], ['HW07', '热处理含氰废物'],
  ['HW08', '废矿物油与含矿物油废物'], ['HW09', '油/水、烃/水混合物或乳化液'], ['HW10', '多氯（溴）联苯类废物'],
  ['HW11', '精（蒸）馏残渣'], ['HW12', '染料、涂料废物'], ['HW13', '有机树脂类废物'], ['HW14', '新化学物质废物'],
  ['HW15', '爆炸性废物'], ['HW16', '感光材料废物'], ['HW17', '表面处理废物'], ['HW18', '焚烧处置残渣'],
  ['HW19', '含金属羰基化合物废物'], ['HW20', '含铍废物'], ['HW21', '含铬废物'], ['HW22', '含铜废物'],
  ['HW23', '含锌废物'], ['HW24', '含砷废物'], ['HW25', '含硒废物'], ['HW26', '含镉废物'], ['HW27', '含锑废物'],
  ['HW28', '含碲废物'], ['HW29', '含汞废物'], ['HW30', '含铊废物'], ['HW31', '含铅废物'], ['HW32', '无机氟化物废物'],
  ['HW33', '无机氰化物废物'], ['HW34', '废酸'], ['HW35', '废碱'], ['HW36', '石棉废物'], ['HW37', '有机磷化合物废物'],
  ['HW38', '有机氰化物废物'], ['HW39', '含酚废物'], ['HW40', '含醚废物'], ['HW45', '含有机卤化物废物'],
  ['HW46', '含镍废物'], ['HW47', '含钡废物'], ['HW48', '有色金属采选和冶炼废物'], ['HW49', '其他废物'], ['HW50', '废催化剂'],
];

export const HAZARD_CHARACTERISTICS: [string, string, string][] = [
  ['T', '毒性', 'toxicity'],
  ['C', '腐蚀性', 'corrosivity'],
  ['I', '易燃性', 'ignitability'],
  ['R', '反应性', 'reactivity'],
  ['In', '感染性', 'infectivity'],
];

/**
 * Utilisation and disposal methods after HJ 1259-2022 / HJ 1033 (R = utilisation, D = disposal,
 * C = co-processing and other listed ways). S-codes are intermediate operations (our own codes):
 * they are not final, so the chain goes on through the new container.
 */
export const DISPOSAL_METHODS: [string, 'utilisation' | 'disposal' | 'intermediate', string, string][] = [
  ['R1', 'utilisation', '作为燃料（直接燃烧除外）或以其他方式产生能量', 'Use as fuel or other means to generate energy'],
  ['R2', 'utilisation', '溶剂回收/再生（如蒸馏、萃取等）', 'Solvent reclamation/regeneration'],
  ['R3', 'utilisation', '再循环/再利用不是用作溶剂的有机物', 'Recycling of organic substances not used as solvents'],
  ['R4', 'utilisation', '再循环/再利用金属和金属化合物', 'Recycling of metals and metal compounds'],
  ['R5', 'utilisation', '再循环/再利用其他无机物', 'Recycling of other inorganic materials'],
  ['R6', 'utilisation', '再生酸或碱', 'Regeneration of acids or bases'],
  ['R7', 'utilisation', '回收污染减除剂的组分', 'Recovery of pollution abatement components'],
  ['R8', 'utilisation', '回收催化剂组分', 'Recovery of catalyst components'],
  ['R9', 'utilisation', '废油再提炼或其他废油的再利用', 'Oil re-refining or other reuse of used oil'],
  ['R15', 'utilisation', '其他利用方式', 'Other utilisation'],
  ['D1', 'disposal', '填埋', 'Landfill'],
  ['D9', 'disposal', '物理化学处理（如高温蒸汽灭菌、化学消毒）', 'Physico-chemical treatment (e.g. steam sterilisation)'],
  ['D10', 'disposal', '焚烧', 'Incineration'],
  ['D16', 'disposal', '其他处置方式', 'Other disposal'],
  ['C1', 'disposal', '水泥窑协同处置', 'Co-processing in a cement kiln'],
  ['C2', 'utilisation', '生产建筑材料', 'Production of building materials'],
  ['C3', 'utilisation', '清洗（包装容器）', 'Cleaning of packaging containers'],
  ['S1', 'intermediate', '贮存', 'Storage'],
  ['S2', 'intermediate', '分类、重新包装、混合', 'Sorting, repackaging, regrouping'],
];

export interface WasteCodeRow {
  code: string;
  category: string;
  description: string;
  hazard: string;
}

export function readWasteCodes(file = join(__dirname, 'data', 'waste-codes.tsv')): WasteCodeRow[] {
  const [header, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const row = Object.fromEntries(columns.map((c, i) => [c, cells[i]])) as Record<string, string>;
    return { code: row.code, category: row.category, description: row.description, hazard: row.hazard };
  });
}

/** The separators are kept as written; the set of characteristics is derived for queries. */
export function hazardCodes(hazard: string): string[] {
  return hazard.split(/[，/]/);
}

export async function seedCatalogue(m: EntityManager): Promise<void> {
  for (const [code, zh, en] of HAZARD_CHARACTERISTICS) {
    await m.query(`INSERT INTO hazard_characteristics (code, name_zh, name_en) VALUES ($1,$2,$3) ON CONFLICT (code) DO NOTHING`, [code, zh, en]);
  }
  for (const [code, zh] of WASTE_CATEGORIES) {
    await m.query(`INSERT INTO waste_categories (code, name_zh) VALUES ($1,$2) ON CONFLICT (code) DO NOTHING`, [code, zh]);
  }
  for (const row of readWasteCodes()) {
    await m.query(
      `INSERT INTO waste_codes (code, category, description, hazard, hazard_codes) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (code) DO NOTHING`,
      [row.code, row.category, row.description, row.hazard, hazardCodes(row.hazard)],
    );
  }
  for (const [code, kind, zh, en] of DISPOSAL_METHODS) {
    await m.query(
      `INSERT INTO disposal_methods (code, kind, is_final, name_zh, name_en) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (code) DO NOTHING`,
      [code, kind, kind !== 'intermediate', zh, en],
    );
  }
}
