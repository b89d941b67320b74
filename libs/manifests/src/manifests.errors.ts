import { defineErrors } from '@app/errors';

export const ManifestErrors = defineErrors({
  MANIFEST_NOT_FOUND: { status: 404, en: 'Manifest not found.', zh: '未找到该联单。' },
  MANIFEST_NOT_DRAFT: { status: 409, en: 'Manifest {number} is {status}; only a draft can be changed.', zh: '联单 {number} 状态为 {status}，只有草稿可以修改。' },
  MANIFEST_NOT_SUBMITTED: {
    status: 409,
    en: 'Manifest {number} is {status}: containers may be loaded only on a submitted manifest (第13条).',
    zh: '联单 {number} 状态为 {status}：联单未提交，不得装车（第十三条）。',
  },
  MANIFEST_WRONG_STATUS: { status: 409, en: 'Manifest {number} is {status}; this needs {expected}.', zh: '联单 {number} 状态为 {status}，此操作要求 {expected}。' },
  LICENCE_CHECK_FAILED: {
    status: 422,
    en: 'The manifest cannot be submitted: licence checks failed.',
    zh: '联单不能提交：许可证核验未通过。',
  },
  APPROVAL_REQUIRED: {
    status: 422,
    en: 'A cross-province transfer needs a valid approval covering every waste code.',
    zh: '跨省转移需要有效且覆盖全部废物代码的审批。',
  },
  CONTAINER_NOT_AVAILABLE: {
    status: 409,
    en: 'Container {code} cannot go on this manifest: {reason}.',
    zh: '容器 {code} 不能列入本联单：{reason}。',
  },
  CONTAINER_ON_OPEN_MANIFEST: { status: 409, en: 'Container {code} is already on an open manifest.', zh: '容器 {code} 已在其他未完成的联单上。' },
  NOT_A_PARTY: { status: 403, en: 'Your organisation has no part in this step of the manifest.', zh: '本单位不是该联单此环节的当事方。' },
  LEG_INVALID: { status: 400, en: 'Carrier leg {leg} is invalid: {reason}.', zh: '第 {leg} 段运输信息不合法：{reason}。' },
  SERIAL_EXHAUSTED: { status: 409, en: 'No manifest serial numbers left for {prefix}.', zh: '{prefix} 的联单流水号已用尽。' },
  ITEM_NOT_ON_MANIFEST: { status: 409, en: 'Container {code} is not on manifest {number}.', zh: '容器 {code} 不在联单 {number} 上。' },
  RECEIPT_INVALID: { status: 409, en: 'Receipt for {code} is invalid: {reason}.', zh: '容器 {code} 的接收信息不合法：{reason}。' },
  METHOD_UNKNOWN: { status: 400, en: 'Unknown utilisation/disposal method {method}.', zh: '未知的利用处置方式 {method}。' },
  LINK_INVALID: { status: 409, en: 'Cannot link to manifest {number}: {reason}.', zh: '不能关联联单 {number}：{reason}。' },
  BATCH_TOO_LARGE: { status: 413, en: 'At most {max} scans per batch.', zh: '每批最多 {max} 条扫描记录。' },
});

/** Why a custody scan was not accepted. Batch uploads report these per scan; single scans answer with them. */
export const ScanErrors = defineErrors({
  CONTAINER_NOT_ON_MANIFEST: {
    status: 409,
    en: 'Container {code} is not on manifest {number}: do not load it (第13条).',
    zh: '容器 {code} 不在联单 {number} 上：不得装车（第十三条）。',
  },
  ALREADY_LOADED: { status: 409, en: 'Container {code} was already loaded.', zh: '容器 {code} 已装车。' },
  NOT_LOADED: { status: 409, en: 'Container {code} was never loaded; it cannot be handed over.', zh: '容器 {code} 未装车，不能交接。' },
  LEG_ORDER: {
    status: 409,
    en: 'Container {code} is with carrier leg {current}; leg {leg} takes it over only from leg {previous}.',
    zh: '容器 {code} 当前在第 {current} 段承运人手中；第 {leg} 段只能从第 {previous} 段接手。',
  },
  ALREADY_RECEIVED: { status: 409, en: 'Container {code} was already received.', zh: '容器 {code} 已接收。' },
  EVENTS_OUT_OF_ORDER: {
    status: 409,
    en: 'This {kind} scan of {code} is dated before an earlier step of its custody.',
    zh: '容器 {code} 的本次{kind}扫描时间早于其之前的交接环节。',
  },
  CLOCK_SKEW: {
    status: 422,
    en: 'The device clock is ahead of the server by {seconds} s; fix the device time.',
    zh: '设备时间比服务器快 {seconds} 秒，请校准设备时间。',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    en: 'Idempotency key {key} was already used for a different scan on this device.',
    zh: '幂等键 {key} 已在本设备上用于另一条扫描记录。',
  },
});
