import { defineErrors } from '@app/errors';

/** Error codes of the reports module (台账, mass balance, district figures, inspections, the map). */
export const ReportErrors = defineErrors({
  REPORT_PERIOD_INVALID: {
    status: 400,
    en: 'The period is not valid: {problem}.',
    zh: '统计期间不合法：{problem}。',
  },
  DIVISION_REQUIRED: {
    status: 400,
    en: 'Name the administrative division (division) to report on.',
    zh: '请指定要统计的行政区划（division）。',
  },
  DIVISION_OUTSIDE_JURISDICTION: {
    status: 403,
    en: 'Division {division} is outside your jurisdiction.',
    zh: '行政区划 {division} 不在本局辖区内。',
  },
  INSPECTION_DRAW_NOT_FOUND: { status: 404, en: 'Inspection draw not found.', zh: '未找到该抽查抽取记录。' },
  INSPECTION_POPULATION_EMPTY: {
    status: 422,
    en: 'No unit matches the filters: there is nothing to draw from.',
    zh: '没有符合筛选条件的单位，无法抽取。',
  },
  INSPECTION_UNIT_NOT_SAMPLED: {
    status: 409,
    en: 'The unit was not drawn in this sample; inspection results are recorded only against sampled units.',
    zh: '该单位不在本次抽取结果中，检查结果只能记录在被抽中的单位上。',
  },
  INSPECTION_ALREADY_RECORDED: {
    status: 409,
    en: 'A result is already recorded for this unit in this draw; records are never overwritten.',
    zh: '本次抽取中该单位的检查结果已记录，记录不可覆盖。',
  },
});
