import { ExportColumn } from '../export/export-column';

/** The 台账 (HJ 1259-2022) as exported: one row per container per stage. Headers are the Chinese ones the standard uses. */
export const LEDGER_BOOK_COLUMNS = [
  { key: 'seq', header: '序号', width: 8 },
  { key: 'stage', header: '环节', width: 12 },
  { key: 'at', header: '发生时间', width: 20 },
  { key: 'code', header: '数字识别码', width: 40 },
  { key: 'wasteName', header: '废物名称', width: 18 },
  { key: 'wasteCode', header: '废物代码', width: 12 },
  { key: 'category', header: '废物类别', width: 9 },
  { key: 'hazards', header: '危险特性', width: 9 },
  { key: 'physicalForm', header: '物理形态', width: 9 },
  { key: 'containerType', header: '包装方式', width: 10 },
  { key: 'weightKg', header: '重量（千克）', width: 12 },
  { key: 'facility', header: '贮存设施', width: 20 },
  { key: 'manifestNumber', header: '转移联单编号', width: 16 },
  { key: 'generator', header: '产生单位', width: 26 },
  { key: 'carrier', header: '运输单位', width: 26 },
  { key: 'receiver', header: '接收单位', width: 26 },
  { key: 'receiverLicence', header: '接收单位经营许可证编号', width: 24 },
  { key: 'method', header: '利用处置方式', width: 16 },
  { key: 'receivedKg', header: '接收称重（千克）', width: 14 },
  { key: 'decision', header: '接收意见', width: 10 },
  { key: 'refusedKg', header: '拒收重量（千克）', width: 14 },
  { key: 'note', header: '备注', width: 30 },
] as const satisfies readonly ExportColumn[];

export type LedgerBookKey = (typeof LEDGER_BOOK_COLUMNS)[number]['key'];

export const LEDGER_STAGES = ['generation', 'storage_in', 'storage_out', 'handover', 'own_disposal', 'received', 'treatment', 'repackaged'] as const;
export type LedgerStage = (typeof LEDGER_STAGES)[number];

export const STAGE_LABELS: Record<LedgerStage, string> = {
  generation: '产生',
  storage_in: '入库',
  storage_out: '出库',
  handover: '转移（委托利用处置）',
  own_disposal: '自行利用处置',
  received: '接收',
  treatment: '利用处置',
  repackaged: '重新包装',
};

export const PHYSICAL_FORM_LABELS: Record<string, string> = { solid: '固态', semi_solid: '半固态', liquid: '液态', gas: '气态' };

export const CONTAINER_TYPE_LABELS: Record<string, string> = {
  bag: '包装袋',
  drum: '桶',
  ibc: '吨桶（IBC）',
  sharps_box: '利器盒',
  turnover_box: '周转箱',
  tonne_bag: '吨袋',
  pallet: '托盘',
};

export const DECISION_LABELS: Record<string, string> = { accepted: '接收', partially_refused: '部分拒收', refused: '拒收' };
