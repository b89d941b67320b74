import { defineErrors } from '@app/errors';

export const ContainerErrors = defineErrors({
  CONTAINER_NOT_FOUND: { status: 404, en: 'Container not found.', zh: '未找到该容器。' },
  WASTE_CODE_UNKNOWN: { status: 400, en: 'Waste code {code} is not in the catalogue.', zh: '废物代码 {code} 不在《国家危险废物名录》中。' },
  HAZARD_NOT_IN_CATALOGUE: {
    status: 400,
    en: 'Hazard characteristics {hazards} are not listed for waste code {code}.',
    zh: '危险特性 {hazards} 不属于废物代码 {code} 的危险特性。',
  },
  FACILITY_NOT_FOUND: { status: 404, en: 'Storage facility not found.', zh: '未找到该贮存设施。' },
  NOT_A_GENERATOR: { status: 403, en: 'Only generators and collection points register containers.', zh: '只有产生单位或集中收集点可以登记容器。' },
  SEQUENCE_EXHAUSTED: {
    status: 409,
    en: 'No container sequence numbers left for this unit, waste code and day.',
    zh: '该单位当日该废物代码的容器序号已用尽。',
  },
  CONTAINER_TRANSITION_NOT_ALLOWED: {
    status: 409,
    en: 'Container {code} is {current}; it cannot become {requested}. Allowed from {current}: {allowed}.',
    zh: '容器 {code} 当前状态为 {current}，不能变为 {requested}。当前状态允许：{allowed}。',
  },
  LABEL_MALFORMED: { status: 422, en: 'The scanned label is not a ledger label.', zh: '扫描的标签不是本系统签发的标签。' },
  LABEL_SIGNATURE_INVALID: {
    status: 422,
    en: 'The label signature does not verify: the label is forged or altered.',
    zh: '标签签名校验失败：标签系伪造或被篡改。',
  },
  LABEL_NOT_ISSUED: { status: 422, en: 'No container was ever issued with this code.', zh: '该识别码从未签发。' },
  CONTAINER_NOT_HELD: { status: 409, en: 'Container {code} is not held by your organisation.', zh: '容器 {code} 不在本单位保管之下。' },
  PACKING_NOT_ALLOWED: { status: 409, en: 'Cannot pack {inner} into {outer}: {reason}.', zh: '不能将 {inner} 装入 {outer}：{reason}。' },
  NOT_PACKED_HERE: { status: 409, en: 'Container {inner} is not inside {outer}.', zh: '容器 {inner} 不在 {outer} 内。' },
  REPACKAGING_WEIGHT_EXCEEDED: {
    status: 409,
    en: 'More kg taken from {code} than it holds ({available} kg left).',
    zh: '从 {code} 取用的重量超过其剩余重量（剩余 {available} 千克）。',
  },
  DISPOSAL_METHOD_INVALID: {
    status: 400,
    en: 'Method {method} is not a final utilisation or disposal method (R, D or C).',
    zh: '{method} 不是最终的利用或处置方式（R、D 或 C 类）。',
  },
  OWN_DISPOSAL_NOT_LICENSED: {
    status: 422,
    en: 'Your unit holds no licence in force to utilise or dispose of {wasteCode} itself.',
    zh: '本单位没有有效的经营许可证，不能自行利用处置 {wasteCode}。',
  },
  DUPLICATE_IN_REQUEST: { status: 400, en: 'Container {code} appears twice in the request.', zh: '请求中容器 {code} 重复出现。' },
});
