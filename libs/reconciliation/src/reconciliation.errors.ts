import { defineErrors } from '@app/errors';

export const ReconciliationErrors = defineErrors({
  ALERT_WRONG_STATUS: {
    status: 409,
    en: 'The alert is {status}; this needs {expected}.',
    zh: '该告警状态为 {status}，此操作要求 {expected}。',
  },
  RULE_UNKNOWN: { status: 404, en: 'There is no rule {rule}.', zh: '不存在规则 {rule}。' },
  THRESHOLDS_INVALID: { status: 400, en: 'The thresholds are not valid for {rule}.', zh: '规则 {rule} 的阈值不合法。' },
  WEBHOOK_URL_NOT_ALLOWED: {
    status: 400,
    en: 'Webhooks are delivered only to public http(s) addresses: {reason}.',
    zh: 'Webhook 只能推送到公网 http(s) 地址：{reason}。',
  },
  WEBHOOK_SCOPE_UNAVAILABLE: {
    status: 403,
    en: 'Only organisations subscribe to alerts; a platform account has none.',
    zh: '只有单位可以订阅告警，平台账号不属于任何单位。',
  },
});
